"""The rotating key behind IP-address hashes.

Comments keep a keyed hash of the full address for rate limits and spam reputation. The key is
random, changes every BROADSHEET_PRIVACY_IP_KEY_DAYS, lives in the database (so every worker and
host hashes alike) and is deleted by the purge once its period is over: after that, nobody, not
even with the site's secret key, can tell which address a stored hash came from.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from broadsheet.lib.ip import keyed_hash
from broadsheet.privacy.models import IpKey

_cache: dict[int, str] = {}


def period(at: datetime) -> int:
    return int(at.timestamp() // 86400) // settings.PRIVACY_IP_KEY_DAYS


def current_key(at: datetime | None = None) -> str:
    number = period(at or timezone.now())
    key = _cache.get(number)
    if key is None:
        row = IpKey.objects.filter(period=number).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = IpKey.objects.create(period=number, secret=secrets.token_bytes(32))
            except IntegrityError:  # another worker made it first: use theirs
                row = IpKey.objects.get(period=number)
        key = bytes(row.secret).hex()
        _cache.clear()  # only the current period is ever needed
        _cache[number] = key
    return key


def ip_hash(ip: str, at: datetime | None = None) -> str:
    """The keyed hash of a full address under this period's key."""
    return keyed_hash(ip, key=current_key(at), purpose="ip")


def forget_cached() -> None:
    """After the purge deleted old keys (and in tests, whose database rolls back)."""
    _cache.clear()
