from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from broadsheet.live.backends import Backend, MemoryBackend
from broadsheet.live.redis_backend import RedisBackend
from broadsheet.live.sqlite_backend import SqliteBackend

# A database number of its own per pytest-xdist worker (11, 12, ...), flushed by each test:
# never the site's data, and never another worker's.
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
TEST_REDIS_URL = f"redis://127.0.0.1:6379/{11 + int(_WORKER or 0)}"


def redis_client() -> redis.Redis:
    client = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {TEST_REDIS_URL}")
    return client


@pytest.fixture
def redis_db() -> Iterator[redis.Redis]:
    client = redis_client()
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def make_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[type]:
    """A factory for a fresh back end of each kind, with a given window and minimum interval."""

    def make(window: float = 90, min_interval: float = 15) -> Backend:
        if request.param == "memory":
            return MemoryBackend(window, min_interval)
        if request.param == "sqlite":
            return SqliteBackend(tmp_path / f"live-{len(made)}.sqlite3", window, min_interval)
        client = redis_client()
        client.flushdb()
        return RedisBackend(client, window, min_interval)

    made: list[Backend] = []
    yield make  # type: ignore[misc]
    if request.param == "redis":
        redis_client().flushdb()
