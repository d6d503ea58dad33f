"""The configured counting store, and the fail-open guard around every call to it.

A store that errors or is slower than BROADSHEET_LIVE_TIMEOUT_MS is left alone for a few
seconds: beats are answered at once and the widget hides, while pages render as usual.
Beats for Redis are held in the process and sent twice a second (``buffer.py``), so a beat
never waits for Redis; a failed send pauses the store the same way.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from typing import TypeVar

import redis
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

from broadsheet.live.backends import Backend, MemoryBackend
from broadsheet.live.buffer import BufferedBackend
from broadsheet.live.redis_backend import RedisBackend
from broadsheet.live.sqlite_backend import SqliteBackend

logger = logging.getLogger(__name__)

T = TypeVar("T")

# After a failure, how long the store is not asked again.
PAUSE_SECONDS = 5.0
# How long beats wait in a worker before going to Redis: far inside the 90 s window.
FLUSH_SECONDS = 0.5

_backend: Backend | None = None
# The settings a store is built from: when a test changes one, the store is made again.
STORE_SETTINGS = {
    "LIVE_BACKEND",
    "LIVE_REDIS_URL",
    "LIVE_WINDOW",
    "LIVE_PERIOD",
    "LIVE_TIMEOUT_MS",
    "DATA_DIR",
}
_paused_until = 0.0


def kind() -> str:
    if settings.LIVE_BACKEND:
        return settings.LIVE_BACKEND
    return "redis" if settings.LIVE_REDIS_URL else "sqlite"


def backend() -> Backend:
    """The store for the current settings; made again when a test changes them."""
    global _backend
    if _backend is not None:
        return _backend
    window, min_interval = float(settings.LIVE_WINDOW), settings.LIVE_PERIOD / 2
    if kind() == "memory":
        _backend = MemoryBackend(window, min_interval)
    elif kind() == "redis":
        timeout = settings.LIVE_TIMEOUT_MS / 1000
        redis_store = RedisBackend.from_url(settings.LIVE_REDIS_URL, window, min_interval, timeout)
        _backend = BufferedBackend(redis_store, FLUSH_SECONDS, on_error=pause)
    elif kind() == "sqlite":
        _backend = SqliteBackend(settings.DATA_DIR / "live.sqlite3", window, min_interval)
    else:
        raise ValueError(f"BROADSHEET_LIVE_BACKEND must be memory, sqlite or redis: {kind()!r}")
    resume()
    return _backend


def resume() -> None:
    global _paused_until
    _paused_until = 0.0


def reset() -> None:
    """Forget the store object (a memory store forgets its readers), e.g. between tests."""
    global _backend
    if isinstance(_backend, BufferedBackend):
        _backend.close()
    _backend = None
    resume()


def available() -> bool:
    """False while the store is left alone after a failure."""
    return time.monotonic() >= _paused_until


def pause(error: Exception) -> None:
    """Leave the store alone for a while after ``error``."""
    global _paused_until
    _paused_until = time.monotonic() + PAUSE_SECONDS
    logger.warning("live readers: store unavailable for %.0f s: %s", PAUSE_SECONDS, error)


def guarded(call: Callable[[Backend], T], fallback: T) -> T:
    """``call(store)``, or ``fallback`` when the store is down, slow or paused."""
    store = backend()
    if time.monotonic() < _paused_until:
        return fallback
    try:
        return call(store)
    except (redis.RedisError, sqlite3.Error, OSError) as error:
        pause(error)
        return fallback


def beat(scope: str, visitor: bytes, item: str, now: float, previous: bytes | None) -> bool:
    return guarded(lambda store: store.beat(scope, visitor, item, now, previous), False)


def leave(scope: str, visitor: bytes, item: str, now: float) -> None:
    guarded(lambda store: store.leave(scope, visitor, item, now), None)


def top(scope: str, n: int, minimum: int, now: float) -> list[tuple[str, int]]:
    empty: list[tuple[str, int]] = []
    return guarded(lambda store: store.top(scope, n, minimum, now), empty)


def counts(scope: str, now: float) -> dict[str, int]:
    empty: dict[str, int] = {}
    return guarded(lambda store: store.counts(scope, now), empty)


@receiver(setting_changed)
def _settings_changed(setting: str, **kwargs: object) -> None:
    if setting in STORE_SETTINGS:
        reset()
