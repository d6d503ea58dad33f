"""The heartbeat and the widget's data: thin views over ``readers``."""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from broadsheet.lib.ip import client_ip
from broadsheet.lib.origins import is_own, origin_of, sender
from broadsheet.live import readers
from broadsheet.live.bots import is_bot
from broadsheet.outages import OUTAGES

MAX_BODY = 256  # bytes; a beat is {"article_id": 123} or a page URI


def _scope(request: HttpRequest) -> str | None:
    """Whose beat this is: this site (""), an allowed embedding site (its origin), or None."""
    origin = sender(request.META)
    if is_own(request, origin):
        return readers.SITE
    if origin in settings.EMBED_ORIGINS:
        return origin
    return None


def _answer(status: int, scope: str | None = None) -> HttpResponse:
    # Nothing from the request is echoed back, and nothing here may be cached.
    response = HttpResponse(status=status)
    response["Cache-Control"] = "no-store"
    if scope:
        response["Access-Control-Allow-Origin"] = scope
        patch_vary_headers(response, ["Origin"])
    return response


@csrf_exempt  # no cookie is read or set: the origin check below stands in for the token
@require_POST
def beat(request: HttpRequest) -> HttpResponse:
    if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY or len(request.body) > MAX_BODY:
        return _answer(413)
    scope = _scope(request)
    if scope is None:
        return _answer(403)
    try:
        return _count(request, scope)
    except OUTAGES:
        # The site database (articles, visitor salts) is down: the beat goes uncounted, as it
        # does when the counting store is down, and the page beats again in LIVE_PERIOD.
        return _answer(204, scope)


def _count(request: HttpRequest, scope: str) -> HttpResponse:
    user_agent = request.META.get("HTTP_USER_AGENT", "")
    if is_bot(user_agent):
        return _answer(204, scope)
    try:
        data = json.loads(request.body)
    except ValueError:
        return _answer(400, scope)
    if not isinstance(data, dict):
        return _answer(400, scope)
    if scope == readers.SITE:
        article_id = data.get("article_id")
        if type(article_id) is not int or article_id < 1:
            return _answer(400, scope)
        if not readers.is_eligible(article_id):
            return _answer(204, scope)  # drafts, embargoed or deleted: silently not counted
        item = str(article_id)
    else:
        uri = data.get("uri")
        found = readers.embed_item(scope, uri) if isinstance(uri, str) else None
        if found is None:
            return _answer(400, scope)
        item = found
    # Parsing the address costs as much as counting the beat: only behind a proxy.
    proxies = settings.TRUSTED_PROXIES
    ip = client_ip(request.META, proxies) if proxies else request.META.get("REMOTE_ADDR", "")
    readers.record(
        scope,
        item,
        ip=ip,
        user_agent=user_agent,
        leave=data.get("leave") is True,
        now=time.time(),
    )
    return _answer(204, scope)


@require_GET
def top(request: HttpRequest) -> HttpResponse:
    """The widget's list for one page (``?page=`` its path, or an embedding page's URI)."""
    page = request.GET.get("page", "")[:300]
    scope = origin_of(page)
    if scope and scope not in settings.EMBED_ORIGINS:
        return _answer(404)
    listing = readers.widget(scope, time.time(), exclude=page)
    html = render_to_string(
        "live/_list.html",
        {"listing": listing, "window": settings.LIVE_WINDOW, "embedded": bool(scope)},
    ).strip()
    response = JsonResponse({"html": html, "shown": len(listing.entries), "latest": listing.latest})
    patch_cache_control(response, public=True, max_age=settings.LIVE_CACHE_SECONDS)
    if scope:
        response["Access-Control-Allow-Origin"] = scope
        patch_vary_headers(response, ["Origin"])
    return response
