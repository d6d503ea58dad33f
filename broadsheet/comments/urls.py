from __future__ import annotations

from django.urls import path

from broadsheet.comments import feeds, subscription_views, views

app_name = "comments"

urlpatterns = [
    path("articles/<int:article_id>/", views.post_comment, name="post"),
    path("form-token/", views.form_token, name="token"),
    path("<int:comment_id>/edit/", views.edit_comment, name="edit"),
    path("<int:comment_id>/delete/", views.delete_comment, name="delete"),
    path("<int:comment_id>/replies/", views.replies_fragment, name="replies"),
    path("threads/<int:thread_id>/", views.thread_fragment, name="thread"),
    path("moderate/<str:token>/", views.moderate, name="moderate"),
    path("feed/", feeds.LatestCommentsFeed(), name="feed"),
    path("threads/<int:thread_id>/feed/", feeds.ThreadFeed(), name="thread-feed"),
    path("threads/<int:thread_id>/follow/", subscription_views.follow, name="follow"),
    path(
        "subscriptions/<str:token>/confirm/",
        subscription_views.confirm,
        name="confirm-subscription",
    ),
    path(
        "subscriptions/<str:token>/unsubscribe/",
        subscription_views.unsubscribe,
        name="unsubscribe",
    ),
]
