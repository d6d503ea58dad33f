"""Which thread a URI names: an article of this site, or a page of an allowed embedding site."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from broadsheet.articles.models import Article
from broadsheet.comments.api.errors import ApiError
from broadsheet.comments.models import Thread


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


SITE_ORIGIN = origin_of(settings.BASE_URL)
MAX_PATH = 500  # Thread.uri's length
# How long a page's thread is remembered by its URI: a thread keeps its page, but an article
# unpublished meanwhile is still read through the API until this runs out.
PLACE_SECONDS = 60


@dataclass(frozen=True)
class Place:
    """A page that may have comments: its site's origin and its path (no query, no fragment)."""

    origin: str
    path: str
    article_slug: str | None = None

    @property
    def uri(self) -> str:
        return f"{self.origin}{self.path}"

    def thread(self) -> Thread | None:
        """The page's thread, if anyone has commented there yet (reading creates nothing).
        An address here that is no live article is a 404."""
        if self.article_slug is None:
            return Thread.objects.filter(article=None, origin=self.origin, uri=self.path).first()
        return _thread_of(self._article())

    def current_thread(self) -> Thread | None:
        """The page's thread, for readers who share cached answers (which are keyed by its
        version). Remembered by URI, so while its version stands this is one small query."""
        key = f"comments:api:place:{self.uri}"
        thread: Thread | None = cache.get(key)
        if thread is not None:
            now = Thread.objects.filter(pk=thread.pk).values_list("version", flat=True)[:1]
            if list(now) == [thread.version]:
                return thread
        thread = self.thread()
        if thread is not None:
            cache.set(key, thread, PLACE_SECONDS)
        return thread

    def thread_for_posting(self, title: str) -> Thread:
        if self.article_slug is None:
            thread, _created = Thread.objects.get_or_create(
                article=None, origin=self.origin, uri=self.path, defaults={"title": title}
            )
            return thread
        article = self._article()
        found = _thread_of(article)
        if found is None:
            found, _created = Thread.objects.get_or_create(article=article)
        return found

    def _article(self) -> Article:
        article = Article.objects.live().filter(slug=self.article_slug).first()
        if article is None:
            raise _no_article()
        return article


def _thread_of(article: Article) -> Thread | None:
    """The article's thread, which Article.objects.live() fetched with it."""
    try:
        return article.comment_thread
    except Thread.DoesNotExist:
        return None


def locate(uri: str) -> Place:
    """The page a URI names: ``https://partner.example/post/1`` (an origin in
    BROADSHEET_EMBED_ORIGINS), or an article here, by its full URL or its path."""
    parts = urlsplit(uri.strip())
    if parts.scheme not in ("http", "https", "") or not parts.path.startswith("/"):
        raise ApiError(400, "bad_uri", _("The URI must be a page's full address."))
    if len(parts.path) > MAX_PATH:
        raise ApiError(400, "bad_uri", _("The URI is too long."))
    origin = f"{parts.scheme}://{parts.netloc}" if parts.netloc else SITE_ORIGIN
    if origin in settings.EMBED_ORIGINS:
        return Place(origin, parts.path)
    if origin != SITE_ORIGIN:
        raise ApiError(403, "site_not_allowed", _("Comments are not enabled for that site."))
    try:
        match = resolve(parts.path)
    except Resolver404:
        raise _no_article() from None
    if match.view_name != "articles:article":
        raise _no_article()
    return Place(origin, parts.path, article_slug=match.kwargs["slug"])


def _no_article() -> ApiError:
    return ApiError(404, "not_found", _("There is no article at that address."))
