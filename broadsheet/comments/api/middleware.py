"""CORS for the API, for the origins in BROADSHEET_EMBED_ORIGINS only, and JSON for every error.

A small middleware rather than django-cors-headers: one list of origins shared with the live
widget, one path prefix, and nothing to configure twice. Other paths pay one prefix test.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from broadsheet.comments.api.errors import error_response, for_status
from broadsheet.comments.api.places import SITE_ORIGIN

PREFIX = "/api/"
ALLOW_METHODS = "GET, POST, PUT, DELETE, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, X-Broadsheet-Key"
PREFLIGHT_MAX_AGE = "86400"


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        origin = request.META.get("HTTP_ORIGIN", "")
        allowed = origin in settings.EMBED_ORIGINS
        if origin and not allowed and not _same_origin(request, origin):
            # Browsers send Origin on every cross-site write: refusing here means a page of
            # another site cannot make a reader's browser post, even with no cookie involved.
            message = _("This site may not use the comments API.")
            response = error_response(403, "origin_not_allowed", message)
        elif _too_big(request):
            message = _("The request is too large.")
            response = error_response(413, "too_large", message)
        elif _has_nul(request):
            message = _("Text may not contain NUL characters.")
            response = error_response(400, "nul_character", message)
        elif allowed and request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOW_METHODS
            response["Access-Control-Allow-Headers"] = ALLOW_HEADERS
            response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
        else:
            response = self.get_response(request)
            if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
                "application/json"
            ):
                response = _as_json(response)
        if allowed:
            response["Access-Control-Allow-Origin"] = origin
            response["Access-Control-Expose-Headers"] = "Retry-After"
        patch_vary_headers(response, ["Origin"])
        return response


def _too_big(request: HttpRequest) -> bool:
    """Over DATA_UPLOAD_MAX_MEMORY_SIZE, which Django would answer with an HTML page."""
    try:
        request.body  # noqa: B018 (read once, here, where the refusal can be JSON)
    except RequestDataTooBig:
        return True
    return False


def _has_nul(request: HttpRequest) -> bool:
    """NUL belongs in no comment or address, and PostgreSQL's text columns refuse it."""
    query = request.META.get("QUERY_STRING", "").lower()
    body = request.body if request.method in ("POST", "PUT") else b""
    return "%00" in query or b"\x00" in body or b"\\u0000" in body


def _same_origin(request: HttpRequest, origin: str) -> bool:
    return origin == SITE_ORIGIN or origin == f"{request.scheme}://{request.get_host()}"


def _as_json(response: HttpResponse) -> HttpResponse:
    """Django's own error pages (unknown path, wrong method, server error) as JSON."""
    replacement = for_status(response.status_code)
    for header in ("Allow", "Retry-After"):
        if header in response:
            replacement[header] = response[header]
    return replacement
