from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from broadsheet.live.backends import Backend, MemoryBackend
from broadsheet.live.buffer import BufferedBackend
from broadsheet.live.redis_backend import RedisBackend
from broadsheet.live.sqlite_backend import SqliteBackend
from broadsheet.test import redis_or_skip

# A database number of its own per pytest-xdist worker (11, 12, ...), flushed by each test:
# never the site's data, and never another worker's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
TEST_REDIS_URL = f"redis://127.0.0.1:6379/{11 + int(_WORKER or 0)}"


def redis_client() -> redis.Redis:
    return redis_or_skip(TEST_REDIS_URL)


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    client = redis_client()
    client.flushdb()
    yield client
    client.flushdb()


def _raise(error: Exception) -> None:
    raise error


@pytest.fixture(params=["memory", "sqlite", "redis", "redis-buffered"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[type]:
    """A factory for a fresh back end of each kind, with a given window and minimum interval.

    "redis-buffered" is what the site runs on Redis: beats held and sent by a thread every
    50 ms here, so the random sequences are sent in batches of every size.
    """
    made: list[Backend] = []

    def make(window: float = 90, min_interval: float = 15) -> Backend:
        if request.param == "memory":
            return MemoryBackend(window, min_interval)
        if request.param == "sqlite":
            return SqliteBackend(tmp_path / f"live-{len(made)}.sqlite3", window, min_interval)
        client = redis_client()
        client.flushdb()
        store = RedisBackend(client, window, min_interval)
        if request.param == "redis":
            return store
        buffered = BufferedBackend(store, 0.05, on_error=_raise)
        made.append(buffered)
        return buffered

    yield make  # type: ignore[misc]
    for buffered in made:
        buffered.close()  # type: ignore[attr-defined]
    if request.param.startswith("redis"):
        redis_client().flushdb()
