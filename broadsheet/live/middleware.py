"""Heartbeats skip the rest of the middleware.

A beat reads no session, user, message or language and sets no cookie, and there are
thousands a second: the middleware it would pass through cost a fifth of its handling.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from broadsheet.live import views


class BeatShortcut:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def beat_path(self) -> str:
        return reverse("live:beat")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info != self.beat_path:
            return self.get_response(request)
        request.get_host()  # the ALLOWED_HOSTS check CommonMiddleware would have made
        return views.beat(request)
