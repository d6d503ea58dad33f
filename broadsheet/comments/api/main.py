"""The API itself: its routers, and errors turned into JSON bodies with a code and message."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from broadsheet.comments.api import moderation, threads, writing
from broadsheet.comments.api.errors import ApiError, error_response, for_status
from broadsheet.outages import RETRY_AFTER, log_outage, unavailable_message

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title=f"{settings.SITE_NAME} comments API",
    version="1",
    description=(
        "Read and write reader comments on this site's articles and on the pages of sites "
        "listed in BROADSHEET_EMBED_ORIGINS. Every error is a JSON body "
        '`{"code": …, "message": …}`. Moderation needs a staff token: '
        "`Authorization: Bearer bs_…` (`broadsheet api_token USER` makes one)."
    ),
    urls_namespace="api",
)
api.add_router("/", threads.router)
api.add_router("/", writing.router)
api.add_router("/moderation", moderation.router)


@api.exception_handler(ApiError)
def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    return error_response(exc.status, exc.code, exc.message, retry_after=exc.retry_after)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    problems = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "data"))
        problems.append(f"{where}: {error.get('msg', '')}" if where else str(error.get("msg")))
    message = _("The request is not valid: %(problems)s") % {"problems": "; ".join(problems)}
    return error_response(422, "invalid", message)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(401, "unauthorized", _("A valid staff token is needed."))
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", str(exc) or _("Not found."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return for_status(exc.status_code)


# The database's own failures (see broadsheet.outages.OUTAGES), which the catch-all below
# would answer as a 500.
@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def unavailable(request: HttpRequest, exc: Exception) -> HttpResponse:
    log_outage(request, exc)
    response = error_response(503, "unavailable", unavailable_message(), retry_after=RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@api.exception_handler(Exception)
def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", _("Something went wrong on our side."))
