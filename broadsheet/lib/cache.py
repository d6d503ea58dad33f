"""Django's Redis cache, degraded to a cache that misses while Redis is down.

Everything cached here can be computed again from the database, so an unreachable Redis should
cost speed, not pages: reads miss and writes are dropped. After a failure Redis is left alone
for RETRY_SECONDS, so a host that does not answer costs one timeout, not one per lookup; the
first try after that reconnects without a restart.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 2.0
FAILURES = (redis.ConnectionError, redis.TimeoutError)


class DegradingRedisCache(RedisCache):
    """The calls Broadsheet makes (get, get_many, set, add, incr, delete, clear), each safe
    while Redis is down."""

    _down_until = 0.0

    def _up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, error: Exception) -> None:
        if self._up():
            logger.warning("Redis cache unavailable, serving without it: %s", error)
        self._down_until = time.monotonic() + RETRY_SECONDS

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        if self._up():
            try:
                return super().get(key, default, version)
            except FAILURES as error:
                self._failed(error)
        return default

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        if self._up():
            try:
                return super().get_many(keys, version)
            except FAILURES as error:
                self._failed(error)
        return {}

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self._write("set", key, value, timeout, version)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return bool(self._write("add", key, value, timeout, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        """While Redis is down every key is missing, which incr answers with ValueError."""
        found = self._write("incr", key, delta, version)
        if found is None:
            raise ValueError(f"Key {key!r} not found (the cache is unreachable)")
        return int(found)

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._write("delete", key, version))

    def clear(self) -> None:
        self._write("clear")

    def _write(self, method: str, *args: Any) -> Any:
        """A write that cannot reach Redis is dropped: keys carry versions, nothing goes stale."""
        if self._up():
            try:
                return getattr(super(), method)(*args)
            except FAILURES as error:
                self._failed(error)
        return None
