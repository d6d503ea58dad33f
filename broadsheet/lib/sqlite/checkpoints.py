"""In a server worker, a thread copies the write-ahead log back into the database.

By default SQLite does that copy (and its fsync) inside whichever commit takes the log past
1,000 pages: with a comment's row, its history and its spam signature dirtying about 25 pages,
one post in forty waited for it. Measured in-process, 2,500 API posts on a quiet machine: p99
9.9 ms with SQLite's own checkpoints, 5.3 to 5.7 ms without (means 4.5 to 4.7 against 4.3 to
4.5 ms; on a busy machine 6.3 against 5.0 ms). So the server's workers (gunicorn's post_fork
calls enable()) turn the automatic checkpoint off and run a PASSIVE one every second from a
thread of their own: it never blocks a reader or a writer, the thread waits on the disk without
the GIL, and SQLite runs one checkpoint at a time, so the workers may all try. Other processes
(commands, tests) keep SQLite's default.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 1.0
_enabled = False
_running: set[str] = set()  # database paths this process has a checkpoint thread for
_lock = threading.Lock()


def enable() -> None:
    global _enabled
    _enabled = True


def disable() -> None:
    """The threads stop after their current round (for tests)."""
    global _enabled
    _enabled = False
    with _lock:
        _running.clear()


def take_over(path: str) -> bool:
    """Whether this process checkpoints ``path`` itself; starts its thread the first time."""
    if not _enabled:
        return False
    with _lock:
        if path not in _running:
            _running.add(path)
            threading.Thread(
                target=_run, args=(path,), name="broadsheet-checkpoints", daemon=True
            ).start()
    return True


def _run(path: str) -> None:
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        while _enabled and path in _running:
            time.sleep(INTERVAL_SECONDS)
            try:
                db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error:
                log.exception("checkpoint of %s failed; trying again", path)
    finally:
        db.close()
