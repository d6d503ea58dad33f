"""Where a browser says a request comes from, for endpoints that take posts without a CSRF token.

Browsers send ``Origin`` with every POST (and a page cannot forge it); ``Referer`` stands in
when a privacy setting drops ``Origin``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an absolute URL; "" for anything else."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


_site_origin = functools.cache(origin_of)  # only ever called with BASE_URL: a few entries


def sender(meta: Mapping[str, str]) -> str:
    """The sending page's origin: ``Origin``, else the ``Referer``'s; "" when neither is sent."""
    # META rather than request.headers: building that mapping costs more than a heartbeat.
    return meta.get("HTTP_ORIGIN") or origin_of(meta.get("HTTP_REFERER", "")[:2000])


def is_own(request: HttpRequest, origin: str) -> bool:
    """Whether ``origin`` is this site: its public address, or the host the request came to."""
    if not origin:
        return False
    # CommonMiddleware has already checked Host against ALLOWED_HOSTS.
    host = request.META.get("HTTP_HOST") or request.get_host()
    return origin == _site_origin(settings.BASE_URL) or origin == f"{request.scheme}://{host}"
