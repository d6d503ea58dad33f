"""A database that is down, restarting or full answers 503 with Retry-After, not a 500.

The request could not be done now and will likely work in a minute: saying so lets readers try
again, and lets proxies and uptime checks tell an outage from a bug. Each one is still logged.
The middleware answers for views; ``server_error``, the site's handler500, for the rest (other
middleware, the 404 page), which Django answers before any middleware could see the error.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults

logger = logging.getLogger(__name__)

# Errors of the database rather than of the query: a refused or dropped connection, a server
# shutting down, a full disk, a lock held past the busy timeout.
OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER = 30  # seconds


def unavailable_message() -> str:
    return _(
        "We could not do this just now because of a problem on our side. "
        "Please try again in a minute."
    )


def log_outage(request: HttpRequest, error: Exception) -> None:
    logger.error("database unavailable for %s %s", request.method, request.path, exc_info=error)


def unavailable(request: HttpRequest) -> HttpResponse:
    # A comment that was not stored is shown back, so its author can copy it and try again.
    unsaved = request.POST.get("content", "") if request.method == "POST" else ""
    context = {"message": unavailable_message(), "unsaved": unsaved}
    response = render(request, "503.html", context, status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class OutageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OUTAGES):
            return None
        log_outage(request, exception)
        return unavailable(request)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500. Django calls it while handling the error (and has logged it)."""
    if isinstance(sys.exc_info()[1], OUTAGES):
        return unavailable(request)
    return defaults.server_error(request)
