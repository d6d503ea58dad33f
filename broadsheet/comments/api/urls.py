"""Included at /api/ by the site's URLs, under the namespace "api"."""

from __future__ import annotations

from broadsheet.comments.api.main import api

urlpatterns, _app, app_name = api.urls
