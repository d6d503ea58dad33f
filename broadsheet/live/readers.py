"""Counting readers and listing what they read: the logic behind the live views.

Everything reader-facing passes the k threshold here; editors' figures come from ``counts``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.utils.formats import number_format

from broadsheet.articles.models import Article
from broadsheet.live import samples, store
from broadsheet.live.visitors import visitor_keys

# The site's part of a visitor key: the same reader on two sites gets unrelated keys.
SITE_NAME = settings.BASE_URL
SITE = ""  # the scope of this site's own articles; an embedding site's scope is its origin

# Published article ids, refreshed this often, and at most once a second on an unknown id.
ELIGIBLE_SECONDS = 10.0

_eligible: tuple[float, frozenset[int]] = (-1e9, frozenset())


@dataclass(frozen=True)
class Entry:
    title: str
    url: str
    readers: int

    @property
    def shown(self) -> str:
        """Small counts exactly (all are at least k); larger ones in steps, "5+", "10+", "20+"."""
        if self.readers < 5:
            return number_format(self.readers)
        step = 5 if self.readers < 10 else 10
        return f"{number_format(self.readers // step * step, force_grouping=True)}+"


def forget() -> None:
    """Drop what this process holds, e.g. between tests (which clear the shared cache too)."""
    global _eligible
    _eligible = (-1e9, frozenset())
    store.reset()


def is_eligible(article_id: int) -> bool:
    global _eligible
    fetched, ids = _eligible
    age = time.monotonic() - fetched
    if age > ELIGIBLE_SECONDS or (article_id not in ids and age > 1.0):
        ids = frozenset(Article.objects.live().values_list("pk", flat=True))
        _eligible = (time.monotonic(), ids)
    return article_id in ids


def embed_item(scope: str, uri: str) -> str | None:
    """An embedding page's path, when the URI belongs to the origin that sent it."""
    parts = urlsplit(uri)
    if f"{parts.scheme}://{parts.netloc}" != scope or len(parts.path) > 200:
        return None
    return parts.path or "/"


def record(scope: str, item: str, *, ip: str, user_agent: str, leave: bool, now: float) -> bool:
    """Count (or, on leave, stop counting) one beat; False when it was not counted."""
    window = store.backend().window
    visitor, previous = visitor_keys(ip, user_agent, scope or SITE_NAME, now, window)
    if leave:
        store.leave(scope, visitor, item, now)
        return True
    counted = store.beat(scope, visitor, item, now, previous)
    samples.maybe_record(now)  # the editors' sparklines: once a minute, while readers beat
    return counted


def _compute(scope: str, now: float) -> list[Entry]:
    # One more than shown, so a page can leave itself out and still show N.
    wanted = settings.LIVE_TOP + 1
    if scope != SITE:
        pairs = store.top(scope, wanted, settings.LIVE_MIN_READERS, now)
        return [Entry(path, scope + path, count) for path, count in pairs]
    # Ask for more than wanted: an article unpublished since its beats is skipped here.
    pairs = store.top(SITE, wanted + 5, settings.LIVE_MIN_READERS, now)
    counts = {int(item): count for item, count in pairs if item.isdigit()}
    articles = Article.objects.live().filter(pk__in=counts).select_related(None)
    by_id = {article.pk: article for article in articles.only("title", "slug")}
    entries = [
        Entry(by_id[pk].title, by_id[pk].get_absolute_url(), count)
        for pk, count in counts.items()
        if pk in by_id
    ]
    return entries[:wanted]


def _shared(name: str, compute: Callable[[], list[Entry]]) -> list[Entry]:
    """A list kept LIVE_CACHE_SECONDS in the shared cache, so that with Redis every worker and
    host shows the same one."""
    if settings.LIVE_CACHE_SECONDS <= 0:
        return compute()
    key = f"live:list:{name}"
    entries: list[Entry] | None = cache.get(key)
    if entries is None:
        entries = compute()
        cache.set(key, entries, settings.LIVE_CACHE_SECONDS)
    return entries


def top(scope: str, now: float) -> list[Entry]:
    """What the public widget may show: at least k readers each; cached for every process."""
    return _shared(f"top:{scope}", lambda: _compute(scope, now))


@dataclass(frozen=True)
class Listing:
    entries: list[Entry]
    latest: bool = False  # nothing has k readers: the latest articles instead, without numbers


def _latest() -> list[Entry]:
    def compute() -> list[Entry]:
        articles = Article.objects.live().select_related(None).only("title", "slug")
        return [Entry(a.title, a.get_absolute_url(), 0) for a in articles[: settings.LIVE_TOP + 1]]

    return _shared("latest", compute)


def widget(scope: str, now: float, *, exclude: str = "") -> Listing:
    """The list as shown on one page, that page left out.

    Below k readers everywhere it falls back to the latest articles (as Jetpack falls back to
    recent posts); with the store down it is empty, and the widget hides.
    """
    entries = [entry for entry in top(scope, now) if entry.url != exclude]
    if entries or scope != SITE or not store.available():
        return Listing(entries[: settings.LIVE_TOP])
    latest = [entry for entry in _latest() if entry.url != exclude]
    return Listing(latest[: settings.LIVE_TOP], latest=True)


def counts(now: float) -> dict[int, int]:
    """Every article's current readers, however few, for the editors' view."""
    pairs = store.counts(SITE, now)
    return {int(item): count for item, count in pairs.items() if item.isdigit()}
