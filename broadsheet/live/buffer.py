"""Beats held in the process for a moment, then sent to Redis together by a background thread.

A beat answered only after a Redis round trip keeps its sync worker idle for that trip; held
here, it costs an append, and one script call every ``interval`` seconds carries every beat
and leave of that time, each with its own timestamp, so the counts come out exactly as if
each had been sent at once, only up to ``interval`` later. With a 90 s window that delay
is harmless. Reading (counts, top) first sends what this process holds, so a process always
sees its own beats.
"""

from __future__ import annotations

import atexit
import os
import threading
from collections.abc import Callable

from broadsheet.live.redis_backend import Op, RedisBackend

# Beats held at most; beyond it (Redis slower than the beats come) new ones are dropped.
LIMIT = 50_000


class BufferedBackend:
    def __init__(
        self,
        inner: RedisBackend,
        interval: float,
        on_error: Callable[[Exception], None],
    ) -> None:
        self.inner = inner
        self.window = inner.window
        self.min_interval = inner.min_interval
        self.interval = interval
        self.on_error = on_error
        self._ops: dict[str, list[Op]] = {}
        self._held = 0
        self._lock = threading.Lock()  # guards _ops: held for an append or a swap, never I/O
        self._sending = threading.Lock()  # one flush at a time, so ops reach Redis in order
        self._stop = threading.Event()
        self._pid = 0

    def _hold(self, scope: str, op: Op) -> None:
        if self._pid != os.getpid():
            self._start()
        with self._lock:
            if self._held < LIMIT:
                self._ops.setdefault(scope, []).append(op)
                self._held += 1

    def _start(self) -> None:
        # Threads do not survive a fork: each gunicorn worker starts its own on its first beat.
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._ops, self._held = {}, 0
        threading.Thread(target=self._run, name="live-flush", daemon=True).start()
        atexit.register(self._send)  # a worker stopping gracefully sends what it holds

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._send()

    def close(self) -> None:
        """Stop sending, forgetting what is held (the store is being replaced, e.g. in tests)."""
        self._stop.set()
        atexit.unregister(self._send)
        with self._lock:
            self._ops, self._held = {}, 0

    def _send(self) -> None:
        try:
            self.flush()
        except Exception as error:  # whatever it is, the thread goes on: the guard decides
            self.on_error(error)

    def flush(self) -> None:
        """Send every held beat and leave; when that fails they are dropped (and it raises)."""
        with self._sending:
            with self._lock:
                ops, self._ops, self._held = self._ops, {}, 0
            for scope, batch in ops.items():
                self.inner.apply(scope, batch)

    def beat(
        self, scope: str, visitor: bytes, item: str, now: float, previous: bytes | None = None
    ) -> bool:
        """Always True: whether a too-early repeat is ignored is decided when it is sent."""
        self._hold(scope, Op(now, visitor, item, previous))
        return True

    def leave(self, scope: str, visitor: bytes, item: str, now: float) -> None:
        self._hold(scope, Op(now, visitor, item, leave=True))

    def counts(self, scope: str, now: float) -> dict[str, int]:
        self.flush()
        return self.inner.counts(scope, now)

    def top(self, scope: str, n: int, minimum: int, now: float) -> list[tuple[str, int]]:
        self.flush()
        return self.inner.top(scope, n, minimum, now)
