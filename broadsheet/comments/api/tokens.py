"""Staff tokens for the moderation API: random keys of which only a SHA-256 digest is stored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from broadsheet.comments.models import ApiToken

PREFIX = "bs_"  # so a leaked key is recognisable in logs and secret scanners
MODERATE = "comments.change_comment"
# Noting every use would write on every request; once a minute says enough.
TOUCH_EVERY = timedelta(minutes=1)


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue(user: Any, name: str = "") -> tuple[ApiToken, str]:
    """A new token for ``user``; the raw key is returned once and never stored."""
    raw = PREFIX + secrets.token_urlsafe(32)
    return ApiToken.objects.create(user=user, name=name, digest=digest(raw)), raw


class StaffToken(HttpBearer):
    """``Authorization: Bearer <key>`` of an active user; the endpoint checks permissions."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        if not token.startswith(PREFIX) or len(token) > 100:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=digest(token), user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > TOUCH_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        return found.user
