from __future__ import annotations

from django.urls import path

from broadsheet.comments import views

app_name = "comments"

urlpatterns = [
    path("articles/<int:article_id>/", views.post_comment, name="post"),
    path("<int:comment_id>/edit/", views.edit_comment, name="edit"),
    path("<int:comment_id>/delete/", views.delete_comment, name="delete"),
    path("<int:comment_id>/replies/", views.replies_fragment, name="replies"),
    path("threads/<int:thread_id>/", views.thread_fragment, name="thread"),
    path("moderate/<str:token>/", views.moderate, name="moderate"),
]
