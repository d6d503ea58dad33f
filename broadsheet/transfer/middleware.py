"""Old addresses of imported articles answer with a permanent redirect to the new one."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect

from broadsheet.transfer.models import LegacyPath, normalise


class LegacyRedirect:
    """Looks at 404s only, so every page that exists costs one comparison, no query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        legacy = (
            LegacyPath.objects.filter(path=normalise(request.path))
            .select_related("article")
            .first()
        )
        if legacy is None:
            return response
        return HttpResponsePermanentRedirect(legacy.article.get_absolute_url())
