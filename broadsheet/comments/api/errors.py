"""Every API error is a JSON body with a code and a message, whatever raised it."""

from __future__ import annotations

import json
import re
from http import HTTPStatus

from django.http import HttpResponse


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, *, retry_after: int | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


def error_response(
    status: int, code: str, message: str, *, retry_after: int | None = None
) -> HttpResponse:
    body = {"code": code, "message": message}
    response = HttpResponse(json.dumps(body), status=status, content_type="application/json")
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def for_status(status: int) -> HttpResponse:
    """A JSON error for a status Django or the framework answered with a page of its own."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "Error"
    return error_response(status, re.sub(r"\W+", "_", phrase.lower()).strip("_"), phrase)
