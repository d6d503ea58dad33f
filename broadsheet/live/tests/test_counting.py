"""The counting rules (spec A-1, A-2, A-6, A-9 rate) on every back end, against an oracle."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

import redis

from broadsheet.live.backends import Backend, rank
from broadsheet.live.buffer import BufferedBackend
from broadsheet.live.redis_backend import Op, RedisBackend

WINDOW = 90.0
MIN_INTERVAL = 15.0


@dataclass
class Event:
    kind: str  # "beat" or "leave"
    scope: str
    visitor: bytes
    item: str
    at: float


def oracle_counts(events: list[Event], scope: str, now: float) -> dict[str, int]:
    """The definition, brute force: replay every event with the rules written out plainly."""
    last: dict[bytes, tuple[str, float]] = {}
    for event in events:
        if event.scope != scope:
            continue
        current = last.get(event.visitor)
        if current is not None and current[1] <= event.at - WINDOW:
            current = None  # expired before this event
            del last[event.visitor]
        if event.kind == "beat":
            if current and current[0] == event.item and event.at - current[1] < MIN_INTERVAL:
                continue  # a repeat sooner than H/2 is not counted
            last[event.visitor] = (event.item, event.at)
        elif current is not None and current[0] == event.item:
            del last[event.visitor]
    counts: dict[str, int] = {}
    for item, at in last.values():
        if at > now - WINDOW:
            counts[item] = counts.get(item, 0) + 1
    return counts


def apply(backend: Backend, event: Event) -> None:
    if event.kind == "beat":
        backend.beat(event.scope, event.visitor, event.item, event.at)
    else:
        backend.leave(event.scope, event.visitor, event.item, event.at)


def test_counts_match_the_oracle_over_random_beat_sequences(
    make_backend: Callable[..., Backend],
) -> None:
    rng = random.Random(6)
    for _trial in range(200):
        backend = make_backend(WINDOW, MIN_INTERVAL)
        if hasattr(backend, "clear"):
            backend.clear()  # type: ignore[attr-defined]
        visitors = [bytes([n]) * 8 for n in range(rng.randint(1, 12))]
        items = [str(n) for n in range(1, rng.randint(2, 7))]
        now = 1_700_000_000.0 + rng.random()
        events: list[Event] = []
        for _step in range(rng.randint(1, 60)):
            now += rng.choice([0.0, rng.uniform(0, 5), rng.uniform(0, 40), rng.uniform(80, 100)])
            event = Event(
                kind="leave" if rng.random() < 0.15 else "beat",
                scope=rng.choice(["", "https://other.example"]),
                visitor=rng.choice(visitors),
                item=rng.choice(items),
                at=now,
            )
            events.append(event)
            apply(backend, event)
            if rng.random() < 0.3:
                for scope in ("", "https://other.example"):
                    expected = oracle_counts(events, scope, now)
                    assert backend.counts(scope, now) == expected
                    assert backend.top(scope, 3, 2, now) == rank(expected, 3, 2)
        later = now + rng.uniform(0, 120)
        for scope in ("", "https://other.example"):
            expected = oracle_counts(events, scope, later)
            assert backend.counts(scope, later) == expected
            assert backend.top(scope, 3, 1, later) == rank(expected, 3, 1)


def test_a_reader_counts_for_their_latest_article_only(
    make_backend: Callable[..., Backend],
) -> None:
    backend = make_backend()
    backend.beat("", b"reader-1", "1", 1000.0)
    backend.beat("", b"reader-1", "2", 1001.0)
    assert backend.counts("", 1002.0) == {"2": 1}


def test_leave_removes_the_reader_at_once(make_backend: Callable[..., Backend]) -> None:
    backend = make_backend()
    backend.beat("", b"reader-1", "1", 1000.0)
    backend.leave("", b"reader-1", "1", 1001.0)
    assert backend.counts("", 1001.0) == {}


def test_a_stale_leave_from_another_tab_keeps_the_reader(
    make_backend: Callable[..., Backend],
) -> None:
    backend = make_backend()
    backend.beat("", b"reader-1", "1", 1000.0)
    backend.beat("", b"reader-1", "2", 1020.0)
    backend.leave("", b"reader-1", "1", 1021.0)
    assert backend.counts("", 1021.0) == {"2": 1}


def test_a_silent_reader_expires_after_the_window(make_backend: Callable[..., Backend]) -> None:
    backend = make_backend()
    backend.beat("", b"reader-1", "1", 1000.0)
    assert backend.counts("", 1089.0) == {"1": 1}
    assert backend.counts("", 1096.0) == {}


def test_a_replay_at_ten_times_the_rate_counts_once(make_backend: Callable[..., Backend]) -> None:
    backend = make_backend()
    accepted = [backend.beat("", b"replayer", "1", 1000.0 + n * 3) for n in range(10)]
    if isinstance(backend, BufferedBackend):
        assert all(accepted)  # it holds every beat: the rule is applied when they are sent
    else:
        assert accepted == [True] + [False] * 4 + [True] + [False] * 4
    assert backend.counts("", 1030.0) == {"1": 1}


def test_a_batch_counts_as_its_beats_would_one_by_one(redis_db: redis.Redis) -> None:
    one_by_one = RedisBackend(redis_db, WINDOW, MIN_INTERVAL)
    rng = random.Random(7)
    at, ops = 1000.0, []
    for _ in range(400):
        at += rng.choice([0.0, rng.uniform(0, 5), rng.uniform(0, 40), rng.uniform(80, 100)])
        visitor, item = bytes([rng.randrange(9)]) * 8, str(rng.randrange(4))
        previous = bytes([rng.randrange(9)]) * 8 if rng.random() < 0.05 else None
        ops.append(Op(at, visitor, item, previous, leave=rng.random() < 0.15))
    singly = [one_by_one.apply("", [op])[0] for op in ops]
    expected = one_by_one.counts("", ops[-1].at)
    redis_db.flushdb()
    assert one_by_one.apply("", ops) == singly
    assert one_by_one.counts("", ops[-1].at) == expected


def test_a_salt_rotation_does_not_count_a_reader_twice(
    make_backend: Callable[..., Backend],
) -> None:
    backend = make_backend()
    backend.beat("", b"old-key", "1", 1000.0)
    backend.beat("", b"new-key", "1", 1030.0, previous=b"old-key")
    assert backend.counts("", 1031.0) == {"1": 1}


def test_every_redis_key_expires_by_itself(redis_db: redis.Redis) -> None:
    backend = RedisBackend(redis_db, WINDOW, MIN_INTERVAL)
    backend.beat("", b"reader-1", "1", 1000.0)
    backend.beat("https://other.example", b"reader-2", "/a", 1000.0)
    keys = list(redis_db.scan_iter("*"))
    assert keys
    for key in keys:
        assert 0 < redis_db.ttl(key) <= 2 * WINDOW
