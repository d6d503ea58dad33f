"""Start-up checks of the live settings: a wrong one fails at start, not on the first page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, register


@register()
def live_settings(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.LIVE_BACKEND not in ("", "memory", "sqlite", "redis"):
        errors.append(
            Error("BROADSHEET_LIVE_BACKEND must be memory, sqlite or redis.", id="live.E001")
        )
    if settings.LIVE_BACKEND == "redis" and not settings.LIVE_REDIS_URL:
        errors.append(Error("BROADSHEET_LIVE_BACKEND=redis needs REDIS_URL.", id="live.E002"))
    # A reader must survive one late or missed beat, or counts flicker (Matomo #15612).
    if settings.LIVE_WINDOW < 2 * settings.LIVE_PERIOD:
        errors.append(
            Error(
                "BROADSHEET_LIVE_WINDOW must be at least twice BROADSHEET_LIVE_PERIOD.",
                id="live.E003",
            )
        )
    return errors
