"""Work that need not hold up a response (e-mail to a mail server): run once it is sent.

A WSGI server closes each response after writing it to the client, and Django then sends
``request_finished``: deferred work runs then, in the same worker, so the reader already has
the page. Outside a request (commands, tests' on-commit callbacks, background threads) it runs
at once. Thread-local, so each worker thread keeps its own list.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.core.signals import request_finished, request_started

logger = logging.getLogger(__name__)
_local = threading.local()


def defer(work: Callable[[], None]) -> None:
    pending: list[Callable[[], None]] | None = getattr(_local, "pending", None)
    if pending is None:
        work()
    else:
        pending.append(work)


def _started(**kwargs: Any) -> None:
    _run()  # a response that was never closed: its work still runs, before the next request's
    _local.pending = []


def _run(**kwargs: Any) -> None:
    pending: list[Callable[[], None]] = getattr(_local, "pending", None) or []
    _local.pending = None
    for work in pending:
        try:
            work()
        except Exception:  # one failed piece of work must not stop the others
            logger.exception("deferred work failed after the response")


def connect() -> None:
    request_started.connect(_started, dispatch_uid="broadsheet.after_response.started")
    request_finished.connect(_run, dispatch_uid="broadsheet.after_response.finished")
