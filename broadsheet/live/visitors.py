"""Visitor keys: who is reading, known only as a keyed hash that changes every hour.

The key is BLAKE2b over IP, User-Agent and site, keyed with a random 256-bit salt per hour.
Salts live in the site's database so every worker and host derives the same key, and are
deleted after 48 hours; after that nobody, the site included, can link a key to an address.
Neither the address nor the User-Agent is kept anywhere.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import IntegrityError, transaction

from broadsheet.live.models import Salt

HOUR = 3600
KEEP_HOURS = 48

_salts: dict[int, bytes | None] = {}  # None: that hour has no salt (nobody beat in it)


def salt(hour: int, *, create: bool = True) -> bytes | None:
    if hour in _salts and (_salts[hour] is not None or not create):
        return _salts[hour]
    row = Salt.objects.filter(hour=hour).first()
    if row is None:
        if not create:
            _salts[hour] = None
            return None
        try:
            with transaction.atomic():
                row = Salt.objects.create(hour=hour, secret=secrets.token_bytes(32))
        except IntegrityError:  # another worker made it first: use theirs
            row = Salt.objects.get(hour=hour)
        Salt.objects.filter(hour__lt=hour - KEEP_HOURS).delete()
    if len(_salts) > 4:
        _salts.clear()
    _salts[hour] = bytes(row.secret)
    return _salts[hour]


def _digest(secret: bytes, ip: str, user_agent: str, site: str) -> bytes:
    data = "\0".join((ip, user_agent, site)).encode("utf-8", "replace")
    return hashlib.blake2b(data, key=secret, digest_size=8).digest()


def visitor_keys(
    ip: str, user_agent: str, site: str, now: float, window: float
) -> tuple[bytes, bytes | None]:
    """This hour's key and, within one window after the hour turns, last hour's key too.

    The counting store drops the old key on the first beat with the new one, so a reader is
    not counted twice while the old key would still be live.
    """
    hour = int(now // HOUR)
    current = _digest(salt(hour) or b"", ip, user_agent, site)
    previous = None
    if now - hour * HOUR < window:
        old = salt(hour - 1, create=False)
        if old is not None:
            previous = _digest(old, ip, user_agent, site)
    return current, previous
