from __future__ import annotations

from django.urls import path

from broadsheet.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.page, name="page"),
    path("request/", views.submit_request, name="request"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("download/<str:token>/", views.download, name="download"),
]
