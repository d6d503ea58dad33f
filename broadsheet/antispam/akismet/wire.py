"""Akismet's wire format: how a request's parameters and key are read, how answers are written.

Requests are form-encoded by PHP, httpx and fetch alike, each a little differently, so the body is
parsed here rather than by Django: values are percent-decoded to bytes and then decoded with the
blog's charset, broken escapes are kept as they are, and PHP's ``name[0]=…`` lists are accepted.
"""

from __future__ import annotations

import codecs
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_to_bytes, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port, validate_host

Params = dict[str, str | list[str]]

TEXT = "text/plain; charset=utf-8"
THANKS = "Thanks for making the web a better place."
# Parameters that carry the API key: never passed to the engine or logged.
KEY_PARAMS = frozenset({"api_key", "key"})
LISTS = frozenset({"comment_context"})  # always a list, however it was encoded
MAX_PARAMS = 2000  # a 64 KB body of one-letter names holds fewer than this


@dataclass(frozen=True)
class Call:
    """One API request, decoded: body parameters over query parameters, and the key."""

    params: Params
    key: str
    host: str  # the Host header's name, lower case, without the port

    def get(self, name: str) -> str:
        value = self.params.get(name, "")
        return value[-1] if isinstance(value, list) and value else str(value or "")

    def fields(self) -> Params:
        """What the engine and the log see: everything but the key."""
        return {k: v for k, v in self.params.items() if k not in KEY_PARAMS}


def too_big(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    return length > settings.AKISMET_MAX_BODY


def read(request: HttpRequest, *, key_first: bool = False) -> Call:
    """Decode a request whose body is known to be within the size limit.

    The key is the first non-empty of body ``api_key``, body ``key``, query ``api_key`` and the
    Host's first label under an Akismet host name; ``key_first`` (verify-key) puts body ``key``
    first, because WordPress sends the key being verified as ``key`` and its old one as
    ``api_key``."""
    charset = _charset(request)
    query = _decode(
        _pairs(request.META.get("QUERY_STRING", "").encode("latin-1", "replace")), charset
    )
    body = _decode(_pairs(request.body), charset) if request.method == "POST" else {}
    host = host_name(request)
    order = ("key", "api_key") if key_first else ("api_key", "key")
    candidates = [_one(body.get(name)) for name in order]
    candidates += [_one(query.get("api_key")), key_label(host)]
    key = next((c.strip() for c in candidates if c and c.strip()), "")
    return Call({**query, **body}, key, host)


def _one(value: str | list[str] | None) -> str:
    if isinstance(value, list):
        return value[-1] if value else ""
    return value or ""


def _pairs(raw: bytes) -> list[tuple[str, bytes]]:
    pairs = []
    for part in raw.split(b"&")[:MAX_PARAMS]:
        if not part:
            continue
        name, _, value = part.partition(b"=")
        pairs.append(
            (
                unquote_to_bytes(name.replace(b"+", b" ")).decode("utf-8", "replace").strip(),
                unquote_to_bytes(value.replace(b"+", b" ")),
            )
        )
    return pairs


def _decode(pairs: list[tuple[str, bytes]], fallback: str) -> Params:
    # blog_charset names the encoding of the values (WordPress: the blog's charset).
    named = next((v for n, v in pairs if n == "blog_charset"), b"").decode("latin-1")
    charset = usable_charset(named) or fallback
    out: Params = {}
    for raw_name, raw in pairs:
        # NUL belongs in no comment, and PostgreSQL's text and JSON columns refuse it.
        name, value = raw_name.replace("\x00", ""), _text(raw, charset).replace("\x00", "")
        base, bracket, _ = name.partition("[")
        if bracket or base in LISTS:  # PHP's name[0]=a&name[1]=b, httpx's repeated names
            existing = out.get(base)
            out[base] = [*existing, value] if isinstance(existing, list) else [value]
        elif name:
            out[name] = value  # repeated plain names: the last wins, as in PHP
    return out


def _text(raw: bytes, charset: str) -> str:
    try:
        return raw.decode(charset)
    except UnicodeDecodeError:
        return raw.decode("latin-1")  # never fails: every byte is a character


def _charset(request: HttpRequest) -> str:
    """The Content-Type's charset parameter if usable, else UTF-8."""
    content_type = request.META.get("CONTENT_TYPE", "")
    for param in content_type.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            return usable_charset(value.strip().strip('"')) or "utf-8"
    return "utf-8"


@functools.lru_cache(maxsize=64)
def usable_charset(name: str) -> str | None:
    """A Python codec for the name, if it is one that keeps ASCII as ASCII (UTF-16 or EBCDIC
    would turn the plain-ASCII parameters into nonsense)."""
    name = name.strip()[:40]
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name
        probe = b"az=AZ&09.-_~"
        if probe.decode(codec) != probe.decode("ascii"):
            return None
    except (LookupError, UnicodeDecodeError, ValueError):
        return None
    return codec


def host_name(request: HttpRequest) -> str:
    raw = request.META.get("HTTP_HOST") or request.META.get("SERVER_NAME", "")
    return split_domain_port(raw.lower())[0]


def _key_bases() -> list[str]:
    own = urlsplit(settings.BASE_URL).hostname or ""
    return [h.lower().lstrip(".") for h in [*settings.AKISMET_HOSTS, own] if h]


def key_label(host: str) -> str:
    """The key in a legacy per-key host name ``{key}.rest.akismet.com``, or ""."""
    for base in _key_bases():
        if host.endswith("." + base):
            return host[: -len(base) - 1].split(".")[0]
    return ""


def host_allowed(host: str) -> bool:
    """The site's own hosts, and Akismet's names (and their per-key subdomains): a WordPress
    site pointed here by a hosts-file entry still sends Host: rest.akismet.com."""
    if host and validate_host(host, settings.ALLOWED_HOSTS):
        return True
    return any(host == b or host.endswith("." + b) for b in _key_bases())


def text(body: str, headers: Mapping[str, str] | None = None, status: int = 200) -> HttpResponse:
    response = HttpResponse(body, content_type=TEXT, status=status)
    response["Content-Length"] = str(len(response.content))  # WordPress speaks HTTP/1.0
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def invalid(reason: str) -> HttpResponse:
    """Akismet's answer to a bad key or blog; clients need the reason in debug-help."""
    return text("invalid", {"X-akismet-debug-help": reason})


def missing(field: str) -> HttpResponse:
    return text(
        f"Missing required field: {field}.", {"X-akismet-debug-help": f'Empty "{field}" value'}
    )


def whole(value: str, default: int) -> int:
    """A non-negative whole number parameter, or the default."""
    try:
        return max(int(value), 0)
    except ValueError:
        return default


def as_json(data: Any) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, separators=(",", ":")), content_type="application/json"
    )
    response["Content-Length"] = str(len(response.content))
    return response
