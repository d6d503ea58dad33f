"""Whole pages shared by every reader who brings nothing of their own.

Most readers send no cookies, so their page is the same as everyone's (the comment form's token
and the reader's own comments come by script or by cookie): one rendering can serve them all
for a few seconds. The key holds what must show at once, such as an article's last edit and its
thread's version; the rest of the page (live readers, navigation) may lag by PAGE_CACHE_SECONDS.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

# Cookies that do not change a page: the language is part of the key; the CSRF cookie is only
# read when a form is posted.
NEUTRAL_COOKIES = frozenset({settings.CSRF_COOKIE_NAME, settings.LANGUAGE_COOKIE_NAME})


def shareable(request: HttpRequest) -> bool:
    """A reader whose page is everyone's page: a plain GET, no cookie of their own."""
    if request.method not in ("GET", "HEAD") or not settings.PAGE_CACHE_SECONDS:
        return False
    if set(request.GET) - {"page"} or not request.GET.get("page", "1").isdigit():
        return False
    return not set(request.COOKIES) - NEUTRAL_COOKIES


def shared_page(
    request: HttpRequest, parts: Iterable[object], render: Callable[[], HttpResponse]
) -> HttpResponse:
    """``render()``'s page, rendered once per key for every reader ``shareable`` accepts."""
    if not shareable(request):
        return render()
    key = ":".join(["page", *map(str, parts), get_language(), request.GET.get("page", "1")])
    content: bytes | None = cache.get(key)
    if content is None:
        response = render()
        if response.status_code == 200 and not response.cookies:
            cache.set(key, response.content, settings.PAGE_CACHE_SECONDS)
    else:
        response = HttpResponse(content)
    # Both paths vary alike, so that no shared cache downstream hands this page to a reader
    # who signed in or has comments of their own.
    patch_vary_headers(response, ["Cookie"])
    return response
