"""Live-reader stores: memory per reader, top-N time and beat cost, at 100,000 readers.

    .venv/bin/python bench/live_store.py [--readers 100000] [--articles 2000]
        [--redis redis://127.0.0.1:6379/10]

Fills each store (memory, SQLite file, Redis) with READERS visitors over ARTICLES articles,
popularity proportional to 1/rank as on a news site, then measures: the cost of one beat,
the top-10 computation, and for Redis the bytes per reader (INFO memory before and after).
Baselines measured in the same run: computing the visitor key, and a Redis PING round trip.
Goals (spec A-13): <= 300 B per reader, top-N <= 10 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from broadsheet.live.backends import Backend, MemoryBackend
from broadsheet.live.buffer import BufferedBackend
from broadsheet.live.redis_backend import Op, RedisBackend
from broadsheet.live.sqlite_backend import SqliteBackend

WINDOW, MIN_INTERVAL = 90.0, 15.0


def per_call_us(call: Callable[[], object], repeat: int) -> float:
    started = time.perf_counter()
    for _ in range(repeat):
        call()
    return (time.perf_counter() - started) / repeat * 1e6


def population(readers: int, articles: int) -> list[tuple[bytes, str]]:
    rng = random.Random(6)
    weights = [1 / rank for rank in range(1, articles + 1)]
    items = rng.choices([str(n) for n in range(1, articles + 1)], weights, k=readers)
    return [(rng.randbytes(8), item) for item in items]


def fill(backend: Backend, people: list[tuple[bytes, str]], now: float) -> float:
    """Seconds to store everyone's beat (Redis in batches of 500, as the workers send them)."""
    started = time.perf_counter()
    if isinstance(backend, RedisBackend):
        for start in range(0, len(people), 500):
            backend.apply(
                "", [Op(now, visitor, item) for visitor, item in people[start : start + 500]]
            )
    else:
        for visitor, item in people:
            backend.beat("", visitor, item, now)
    return time.perf_counter() - started


def measure(name: str, backend: Backend, people: list[tuple[bytes, str]]) -> dict[str, float]:
    now = time.time()
    seconds = fill(backend, people, now)
    top_ms = min(per_call_us(lambda: backend.top("", 10, 3, now + 1), 1) for _ in range(5)) / 1000
    rng = random.Random(1)
    extra = [(rng.randbytes(8), str(rng.randint(1, 2000))) for _ in range(2000)]
    iterator = iter(extra)

    def one_beat() -> None:
        visitor, item = next(iterator)
        backend.beat("", visitor, item, now + 1)

    beat_us = per_call_us(one_beat, len(extra))
    top = backend.top("", 10, 3, now + 1)
    print(
        f"{name:<8} fill {len(people) / seconds:>9,.0f} beats/s   one beat {beat_us:>7.1f} µs   "
        f"top-10 {top_ms:>7.2f} ms   most read: {top[0][1]:,} readers"
    )
    return {"beat_us": beat_us, "top_ms": top_ms}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--readers", type=int, default=100_000)
    parser.add_argument("--articles", type=int, default=2_000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/10")
    args = parser.parse_args()
    people = population(args.readers, args.articles)
    print(f"{args.readers:,} readers over {args.articles:,} articles, popularity ∝ 1/rank")

    salt = b"s" * 32
    key_us = per_call_us(
        lambda: hashlib.blake2b(b"203.0.113.7\0Mozilla/5.0\0site", key=salt, digest_size=8), 20000
    )
    print(f"baseline: visitor key (BLAKE2b) {key_us:.2f} µs")

    results = {"memory": measure("memory", MemoryBackend(WINDOW, MIN_INTERVAL), people)}
    with tempfile.TemporaryDirectory() as folder:
        sqlite = SqliteBackend(Path(folder) / "live.sqlite3", WINDOW, MIN_INTERVAL)
        results["sqlite"] = measure("sqlite", sqlite, people)

    client = redis.Redis.from_url(args.redis)
    try:
        client.ping()
    except redis.RedisError as error:
        print(f"redis: skipped ({error})")
    else:
        client.flushdb()
        ping_us = per_call_us(client.ping, 2000)
        print(f"baseline: Redis PING round trip {ping_us:.1f} µs")
        before = int(client.info("memory")["used_memory"])
        results["redis"] = measure("redis", RedisBackend(client, WINDOW, MIN_INTERVAL), people)
        after = int(client.info("memory")["used_memory"])
        # the 2,000 single beats of the measurement are readers too
        per_reader = (after - before) / (len(people) + 2000)
        print(
            f"redis    {per_reader:.0f} B per live reader (INFO used_memory delta), "
            f"{per_reader / 300:.2f} of the 300 B goal; "
            f"one beat = {results['redis']['beat_us'] / ping_us:.2f} PINGs"
        )
        held = BufferedBackend(RedisBackend(client, WINDOW, MIN_INTERVAL), 0.5, on_error=print)
        rng = random.Random(2)
        now = time.time()
        beats = [(rng.randbytes(8), str(rng.randint(1, 2000))) for _ in range(20000)]
        iterator = iter(beats)

        def held_beat() -> None:
            visitor, item = next(iterator)
            held.beat("", visitor, item, now)

        held_us = per_call_us(held_beat, len(beats))
        started = time.perf_counter()
        held.flush()
        print(
            f"redis    held (as the site runs): one beat {held_us:.1f} µs in the request; "
            f"{len(beats):,} held beats sent in {(time.perf_counter() - started) * 1000:.0f} ms"
        )
        held.close()
        client.flushdb()

    for name, figures in results.items():
        print(f"{name:<8} top-10 {figures['top_ms'] / 10:.2f} of the 10 ms goal")


if __name__ == "__main__":
    main()
