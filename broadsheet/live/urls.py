from __future__ import annotations

from django.urls import URLPattern, path

from broadsheet.live import views

app_name = "live"

urlpatterns: list[URLPattern] = [
    path("beat", views.beat, name="beat"),
    path("top.json", views.top, name="top"),
]
