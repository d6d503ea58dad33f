"""Single-use links: a signed request id with a random part whose hash alone is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core import signing

CONFIRM_SALT = "broadsheet.privacy.confirm"


def digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def new_secret() -> tuple[str, str]:
    """(the secret for the link, the hash to store)."""
    raw = secrets.token_urlsafe(32)
    return raw, digest(raw)


def confirm_token(request_id: int, raw: str) -> str:
    return signing.dumps({"r": request_id, "n": raw}, salt=CONFIRM_SALT)


def read_confirm_token(token: str) -> tuple[int, str] | None:
    """(request id, secret), or None when forged or malformed. Expiry is the request's age."""
    try:
        data = signing.loads(token, salt=CONFIRM_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), int):
        return None
    return data["r"], str(data.get("n", ""))


def matches(raw: str, stored: str) -> bool:
    return bool(stored) and hmac.compare_digest(digest(raw), stored)
