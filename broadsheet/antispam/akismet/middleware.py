"""API calls skip the rest of the middleware, and Akismet's own host names are let in.

A call reads no session, user, message or language and sets no cookie; sites send one per
comment, so the middleware they would pass through is pure cost. And a WordPress site pointed
here keeps sending Host: rest.akismet.com, which Django's ALLOWED_HOSTS would answer with 400.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from broadsheet.antispam.akismet import wire

PREFIXES = ("/1.1/", "/1.2/")


class AkismetShortcut:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(PREFIXES):
            return self.get_response(request)
        if not wire.host_allowed(wire.host_name(request)):
            return wire.text("Unknown host", status=400)
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return wire.text("Not found", status=404)
        response: HttpResponse = match.func(request, *match.args, **match.kwargs)
        return response
