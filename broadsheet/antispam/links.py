"""Finding links in a comment and reducing them to the domains that reputation is kept for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from broadsheet.antispam.lexicon import SHORTENER_DOMAINS

_ANCHOR = re.compile(r"<a\b[^>]*?href\s*=\s*[\"']?([^\"'\s>]+)[^>]*>(.*?)</a\s*>", re.I | re.S)
_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'()\[\]]+", re.I)
# Bare domains ("cheap-pills.com/offer"): a label, a dot and a common top-level domain.
_BARE = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|ru|cn|io|co|me|xyz|top|online|site|club|shop|"
    r"ly|gl|to|us|uk|de|pl|tk|ml|ga|cf|gq|in|tv|cc|ws|su|pw|link|click|store|live|app)\b"
    r"(?:/[^\s<>\"']*)?",
    re.I,
)
# Second-level labels under which registrations happen (example.co.uk).
_SECOND_LEVEL = {"co", "com", "net", "org", "gov", "ac", "edu", "ne", "or"}
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Links:
    urls: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)  # registrable domain per URL
    anchors: list[str] = field(default_factory=list)  # visible text of <a> links
    shorteners: int = 0


def registrable_domain(host: str) -> str:
    host = host.lower().strip(".").removeprefix("www.")
    if ":" in host:
        host = host.split(":", 1)[0]
    labels = [p for p in host.split(".") if p]
    if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL and len(labels[-1]) == 2:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def url_domain(url: str) -> str:
    url = url.strip()
    if not url:
        return ""
    if "://" not in url:
        url = "http://" + url
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return ""
    return registrable_domain(host) if "." in host else ""


def find_links(raw: str) -> Links:
    """All links in raw (HTML or plain) text; anchors keep their visible text."""
    out = Links()
    seen_spans: list[tuple[int, int]] = []
    for match in _ANCHOR.finditer(raw):
        out.urls.append(match.group(1))
        out.anchors.append(_TAG.sub(" ", match.group(2)).strip().lower())
        seen_spans.append(match.span())
    stripped = _ANCHOR.sub(" ", raw) if seen_spans else raw
    for match in _URL.finditer(stripped):
        out.urls.append(match.group(0))
    rest = _URL.sub(" ", stripped)
    for match in _BARE.finditer(rest):
        out.urls.append(match.group(0))
    for url in out.urls:
        domain = url_domain(url)
        out.domains.append(domain)
        if domain in SHORTENER_DOMAINS:
            out.shorteners += 1
    return out
