from __future__ import annotations

import time
from typing import Any

from django import template
from django.conf import settings

from broadsheet.articles.models import Article
from broadsheet.live import readers

register = template.Library()

IDLE_SECONDS = 30 * 60  # no beats after this long without scroll, key, pointer, touch or focus


@register.inclusion_tag("live/_widget.html")
def currently_reading(article: Article) -> dict[str, Any]:
    """The widget as rendered into the article page: the same for every visitor."""
    page = article.get_absolute_url()
    return {
        "article": article,
        "page": page,
        "listing": readers.widget(readers.SITE, time.time(), exclude=page),
        "window": settings.LIVE_WINDOW,
        "period": settings.LIVE_PERIOD,
        "idle": IDLE_SECONDS,
    }


@register.inclusion_tag("live/_privacy.html")
def live_privacy_notice() -> dict[str, Any]:
    """What the privacy page says about heartbeats: ``{% load live %}{% live_privacy_notice %}``."""
    return {
        "window": settings.LIVE_WINDOW,
        "period": settings.LIVE_PERIOD,
        "keep_minutes": -(-2 * settings.LIVE_WINDOW // 60),  # state lives at most 2 windows
        "k": settings.LIVE_MIN_READERS,
    }
