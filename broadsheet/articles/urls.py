from __future__ import annotations

from django.urls import path

from broadsheet.articles import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("sections/<slug:slug>/", views.section, name="section"),
    path("sections/<slug:slug>/feed/", feeds.SectionFeed(), name="section-feed"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("articles/<slug:slug>/preview/", views.preview, name="preview"),
]
