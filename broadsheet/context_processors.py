from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from broadsheet.articles.models import Section


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "SITE_NAME": settings.SITE_NAME,
        "BASE_URL": settings.BASE_URL,
        # A lazy queryset: only pages that show the navigation run the query.
        "nav_sections": Section.objects.all(),
    }
