"""Batch refits of sites' layers on their stored labels, off the moderators' requests.

A label is learnt online at once (online.py); the worker that stored it also schedules a refit
of the site's layer (store.rebuild) in this process's background thread, once no new label has
come for SPAM_REFIT_SECONDS (a moderator clearing a queue gets one refit, not one per click),
or at most _MAX_WAIT seconds after the first waiting label in a steady stream. The refit covers
the feedback up to the newest scheduled label, so its result does not depend on timing.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from broadsheet.antispam import store

log = logging.getLogger(__name__)
_MAX_WAIT = 60.0


@dataclass
class _Pending:
    up_to: int  # newest feedback id to include
    first: float  # monotonic time of the first label waiting for this refit
    last: float  # and of the newest one


_cond = threading.Condition()
_pending: dict[str, _Pending] = {}
_busy = False
_thread: threading.Thread | None = None


def schedule(site: str, up_to: int) -> None:
    """Refit the site's layer on its feedback up to id up_to, soon, in the background."""
    global _thread
    now = time.monotonic()
    with _cond:
        waiting = _pending.get(site)
        if waiting:
            waiting.up_to, waiting.last = max(waiting.up_to, up_to), now
        else:
            _pending[site] = _Pending(up_to, now, now)
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_run, name="antispam-refit", daemon=True)
            _thread.start()
        _cond.notify_all()


def wait(timeout: float | None = None) -> bool:
    """Block until every scheduled refit has run (evaluations and commands, which must not
    measure or exit before the site would have refitted). False on timeout."""
    with _cond:
        return _cond.wait_for(lambda: not _pending and not _busy, timeout)


def _next() -> tuple[str, int]:
    """The next due site (waiting until one is), marked busy; call with _cond held."""
    global _busy
    while True:
        now = time.monotonic()
        due_at = {
            site: min(p.last + settings.SPAM_REFIT_SECONDS, p.first + _MAX_WAIT)
            for site, p in _pending.items()
        }
        site = min(due_at, key=lambda s: due_at[s], default=None)
        if site is not None and due_at[site] <= now:
            _busy = True
            return site, _pending.pop(site).up_to
        _cond.wait(None if site is None else due_at[site] - now)


def _run() -> None:
    global _busy
    while True:
        with _cond:
            site, up_to = _next()
        try:
            store.rebuild(site, up_to)
        except Exception:  # a failed refit leaves the online layer in place; the next one retries
            log.exception("refit of the spam layer of %r failed", site)
        finally:
            connection.close()  # this thread's own connection: never left open between refits
            with _cond:
                _busy = False
                _cond.notify_all()
