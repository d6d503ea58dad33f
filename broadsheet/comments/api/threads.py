"""Reading: a thread by URI, the rest of a branch, counts for many pages, the form's needs."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from ninja import Query, Router

from broadsheet.articles.models import Article
from broadsheet.comments.api import reading, texts
from broadsheet.comments.api.errors import ApiError
from broadsheet.comments.api.places import Place, locate
from broadsheet.comments.api.reading import Sort
from broadsheet.comments.api.schemas import (
    CommentId,
    CountOut,
    CountsOut,
    FormOut,
    RepliesOut,
    ThreadOut,
    answers,
)
from broadsheet.comments.forms import issue_token
from broadsheet.comments.models import Comment, Thread

router = Router(tags=["reading"])

MAX_LIMIT = 200
MAX_COUNTS = 50


def _json(body: str) -> HttpResponse:
    return HttpResponse(body, content_type="application/json")


@router.get(
    "/threads",
    response={200: ThreadOut, **answers(400, 403, 404, 414, 422)},
    summary="A page of a thread",
)
def thread(
    request: HttpRequest,
    uri: Annotated[str, Query(max_length=1000, description="The page's full address.")],
    sort: Annotated[Sort, Query()] = "oldest",
    cursor: Annotated[
        str | None, Query(max_length=100, description="`next` of the previous page.")
    ] = None,
    limit: Annotated[
        int | None, Query(ge=1, le=MAX_LIMIT, description="Top-level comments.")
    ] = None,
) -> HttpResponse:
    """Top-level comments in the order asked, each with its first replies nested; an unknown
    page of an allowed site is an empty thread."""
    reading.adopt_key(request)
    place = locate(uri)
    per_page = limit or settings.COMMENTS_PER_PAGE
    return _json(reading.thread_json(request, place, sort=sort, cursor=cursor, limit=per_page))


@router.get(
    "/comments/{comment_id}/replies",
    response={200: RepliesOut, **answers(400, 404, 414, 422)},
    summary="The rest of a branch",
)
def replies(
    request: HttpRequest,
    comment_id: CommentId,
    cursor: Annotated[
        str | None, Query(max_length=100, description="`replies_cursor` or `next`.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> HttpResponse:
    reading.adopt_key(request)
    root = (
        Comment.objects.select_related("thread")
        .filter(pk=comment_id, depth=0, status=Comment.Status.APPROVED)
        .first()
    )
    if root is None:
        raise ApiError(404, "not_found", _("There is no such comment."))
    return _json(reading.replies_json(request, root, cursor=cursor, limit=limit))


@router.get(
    "/counts",
    response={200: CountsOut, **answers(400, 403, 404, 414, 422)},
    summary="Comment counts for many pages",
)
def counts(
    request: HttpRequest,
    uri: Annotated[list[str], Query(min_length=1, max_length=MAX_COUNTS)],
) -> CountsOut:
    """Approved comments per page, for index pages (one request for the whole list)."""
    places = [locate(one) for one in uri]
    found = _counts(places)
    result = []
    for one, place in zip(uri, places, strict=True):
        n = found.get(place.article_slug or place.uri, 0)
        label = ngettext("%(count)s comment", "%(count)s comments", n) % {"count": number_format(n)}
        result.append(CountOut(uri=one, count=n, label=label))
    return CountsOut(counts=result)


def _counts(places: list[Place]) -> dict[str, int]:
    """Approved counts by article slug, or by full URI for other sites' pages: one query."""
    by_origin: dict[str, set[str]] = defaultdict(set)
    slugs: set[str] = set()
    for place in places:
        if place.article_slug is None:
            by_origin[place.origin].add(place.path)
        else:
            slugs.add(place.article_slug)
    live = Article.objects.live()
    wanted = Q(article__in=live, article__slug__in=slugs) if slugs else Q(pk__in=[])
    for origin, paths in by_origin.items():
        wanted |= Q(article=None, origin=origin, uri__in=paths)
    rows = Thread.objects.filter(wanted).values_list(
        "origin", "uri", "article__slug", "approved_count"
    )
    return {slug or f"{origin}{path}": count for origin, path, slug, count in rows}


@router.get("/form", response={200: FormOut}, summary="What a new comment needs")
def form(request: HttpRequest) -> FormOut:
    """A fresh form token, the limits, the privacy notice and the widget's translated labels."""
    return FormOut(
        token=issue_token(),
        min_seconds=settings.COMMENTS_MIN_SECONDS,
        min_length=settings.COMMENTS_MIN_LENGTH,
        max_length=settings.COMMENTS_MAX_LENGTH,
        max_depth=settings.COMMENTS_MAX_DEPTH,
        edit_window=settings.COMMENTS_EDIT_WINDOW,
        language=get_language(),
        notice_html=render_to_string("privacy/_comment_notice.html", request=request).strip(),
        texts=texts.widget(),
    )
