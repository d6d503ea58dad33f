"""Looking up API keys on every call, cheaply: each worker remembers keys for a few seconds.

A change to any key writes a new mark to the shared cache; with Redis every worker on every host
sees it on its next call and forgets what it remembered, so a revoked key stops at once.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.cache import cache

from broadsheet.antispam.models import ApiKey, engine_site

# Without a shared cache, a key created, revoked or given another blog URL in the admin takes
# effect in other workers within this.
CACHE_SECONDS = 10.0
_MAX_CACHED = 4096  # unknown keys are remembered too, so guessing costs no query each time
MARK = "akismet:keys:mark"
_cache: dict[str, tuple[float, Known | None]] = {}
_seen_mark: str | None = None
_lock = threading.Lock()


@dataclass(frozen=True)
class Known:
    id: int
    hosts: frozenset[str]  # the key's blogs, by host
    revoked: bool

    @property
    def site(self) -> str:
        return engine_site(self.id)


def blog_host(url: str) -> str | None:
    """The host of a blog URL, without "www.", or None when it is no http(s) URL."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return None
    return host.removeprefix("www.")


def find(key: str) -> Known | None:
    """The key's record, cached for CACHE_SECONDS in this worker or until any key changes."""
    _follow_mark()
    now = time.monotonic()
    hit = _cache.get(key)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    row = ApiKey.objects.filter(key=key).values_list("id", "blogs", "revoked").first()
    known = None
    if row is not None:
        hosts = {blog_host(line) for line in row[1].splitlines()}
        known = Known(row[0], frozenset(h for h in hosts if h), row[2] is not None)
    with _lock:
        if len(_cache) >= _MAX_CACHED:
            _cache.clear()
        _cache[key] = (now, known)
    return known


def _follow_mark() -> None:
    global _seen_mark
    mark = cache.get(MARK)
    if mark != _seen_mark:
        with _lock:
            _cache.clear()
            _seen_mark = mark


def forget() -> None:
    """Drop the cache, here and (through the shared mark) in every other worker: after a key
    changed, and in tests."""
    with _lock:
        _cache.clear()
    cache.set(MARK, secrets.token_hex(8), None)
