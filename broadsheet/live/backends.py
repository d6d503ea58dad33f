"""Where live readers are counted: one interface, three stores.

A reader is a visitor key; within a scope (this site is "", an embedding site is its origin)
each key counts for the one item (article id or page path) it last beat for, until ``window``
seconds pass without a beat. Every store keeps the same rules, so one oracle tests them all.
"""

from __future__ import annotations

import heapq
import threading
from collections import OrderedDict
from typing import Protocol


class Backend(Protocol):
    window: float
    min_interval: float

    def beat(
        self, scope: str, visitor: bytes, item: str, now: float, previous: bytes | None = None
    ) -> bool:
        """Count ``visitor`` on ``item``; False when a repeat came sooner than ``min_interval``.

        ``previous`` is the same reader's key under the last salt, dropped so that a salt
        rotation does not count them twice.
        """
        ...

    def leave(self, scope: str, visitor: bytes, item: str, now: float) -> None:
        """Stop counting ``visitor``, unless they have since moved to another item."""
        ...

    def counts(self, scope: str, now: float) -> dict[str, int]:
        """Current readers of every item read right now."""
        ...

    def top(self, scope: str, n: int, minimum: int, now: float) -> list[tuple[str, int]]:
        """The ``n`` most read items with at least ``minimum`` readers, most read first."""
        ...


def rank(counts: dict[str, int], n: int, minimum: int) -> list[tuple[str, int]]:
    """Most read first; ties by item, descending, as Redis orders them."""
    eligible = ((item, count) for item, count in counts.items() if count >= minimum)
    return heapq.nlargest(n, eligible, key=lambda pair: (pair[1], pair[0]))


class _Scope:
    def __init__(self) -> None:
        # Oldest beat first: expiry pops from the front, a beat moves its key to the end.
        self.seen: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self.counts: dict[str, int] = {}

    def drop(self, visitor: bytes) -> None:
        item, _at = self.seen.pop(visitor)
        left = self.counts[item] - 1
        if left:
            self.counts[item] = left
        else:
            del self.counts[item]

    def expire(self, cutoff: float) -> None:
        while self.seen:
            visitor, (_item, at) = next(iter(self.seen.items()))
            if at > cutoff:
                return
            self.drop(visitor)


class MemoryBackend:
    """One process's dictionaries: exact and fast, but every process has its own counts."""

    def __init__(self, window: float, min_interval: float) -> None:
        self.window = window
        self.min_interval = min_interval
        self._scopes: dict[str, _Scope] = {}
        self._lock = threading.Lock()  # the test server and threaded servers share it

    def _scope(self, scope: str, now: float) -> _Scope:
        state = self._scopes.get(scope)
        if state is None:
            state = self._scopes[scope] = _Scope()
        state.expire(now - self.window)
        return state

    def beat(
        self, scope: str, visitor: bytes, item: str, now: float, previous: bytes | None = None
    ) -> bool:
        with self._lock:
            state = self._scope(scope, now)
            if previous is not None and previous in state.seen:
                state.drop(previous)
            current = state.seen.get(visitor)
            if current is not None:
                if current[0] == item and now - current[1] < self.min_interval:
                    return False
                state.drop(visitor)
            state.seen[visitor] = (item, now)
            state.counts[item] = state.counts.get(item, 0) + 1
            return True

    def leave(self, scope: str, visitor: bytes, item: str, now: float) -> None:
        with self._lock:
            state = self._scope(scope, now)
            current = state.seen.get(visitor)
            if current is not None and current[0] == item:
                state.drop(visitor)

    def counts(self, scope: str, now: float) -> dict[str, int]:
        with self._lock:
            return dict(self._scope(scope, now).counts)

    def top(self, scope: str, n: int, minimum: int, now: float) -> list[tuple[str, int]]:
        with self._lock:
            return rank(self._scope(scope, now).counts, n, minimum)

    def clear(self) -> None:
        with self._lock:
            self._scopes.clear()
