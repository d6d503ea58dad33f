"""A thread's comments as the API shows them: pages of top-level comments, each with its first
replies, and keyset cursors for the next page and for the rest of a branch."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _

from broadsheet.comments import cookies, display
from broadsheet.comments.api.errors import ApiError
from broadsheet.comments.api.places import Place
from broadsheet.comments.api.schemas import CommentOut, RepliesOut, ThreadOut
from broadsheet.comments.display import Node
from broadsheet.comments.models import Comment, Thread

Sort = Literal["oldest", "newest"]
KEY_HEADER = "HTTP_X_BROADSHEET_KEY"
# As long as the thread template tag keeps its rendering; the key changes with the thread.
CACHE_SECONDS = 600
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def adopt_key(request: HttpRequest) -> None:
    """Take the reader's key from its header as if it were the own-comments cookie.

    Browsers do not send this site's cookies from a page of another site, so the widget keeps
    the cookie's signed value itself (it is returned as ``key`` when posting) and sends it
    back; it is then checked exactly as the cookie is.
    """
    key = request.META.get(KEY_HEADER, "")
    if key and len(key) <= 4096:
        request.COOKIES[cookies.MINE] = key


def is_personal(request: HttpRequest, own: set[int]) -> bool:
    """Whether this reader sees the thread differently from everyone else."""
    return bool(own) or request.user.is_authenticated


def cursor_of(comment: Comment) -> str:
    return f"{(comment.created_at - EPOCH) // MICROSECOND}.{comment.pk}"


Position = tuple[datetime, int]


def parse_cursor(cursor: str | None) -> Position | None:
    if not cursor:
        return None
    try:
        micros, pk = (int(part) for part in cursor.split("."))
        return EPOCH + micros * MICROSECOND, pk
    except (ValueError, OverflowError):
        raise ApiError(400, "bad_cursor", _("That cursor is not one this API gave out.")) from None


def after(position: Position, *, newest_first: bool = False) -> Q:
    """Comments after this one in the listing's order."""
    moment, pk = position
    if newest_first:
        return Q(created_at__lt=moment) | Q(created_at=moment, pk__lt=pk)
    return Q(created_at__gt=moment) | Q(created_at=moment, pk__gt=pk)


def page_of(items: QuerySet[Comment], limit: int) -> tuple[list[Comment], str | None]:
    found = list(items[: limit + 1])
    return found[:limit], cursor_of(found[limit - 1]) if len(found) > limit else None


def comment_dict(node: Node, editable: set[int]) -> dict[str, Any]:
    comment = node.comment
    last_shown = max(_descendants(node.children), key=_order, default=None)
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "author": comment.author_name,
        "website": comment.website,
        "html": comment.content_html,
        "created": comment.created_at,
        "edited": comment.edited_at,
        "pending": comment.status != Comment.Status.APPROVED,
        "editable": comment.pk in editable,
        "source": comment.content if comment.pk in editable else None,
        "replies": [comment_dict(child, editable) for child in node.children],
        "more_replies": node.hidden_replies,
        "replies_cursor": cursor_of(last_shown) if node.hidden_replies and last_shown else None,
    }


def _descendants(nodes: Iterable[Node]) -> Iterable[Comment]:
    for node in nodes:
        yield node.comment
        yield from _descendants(node.children)


def _order(comment: Comment) -> tuple[datetime, int]:
    return comment.created_at, comment.pk


def thread_json(
    request: HttpRequest, place: Place, *, sort: Sort, cursor: str | None, limit: int
) -> str:
    """One page of the thread, as JSON. Readers with nothing of their own in it (almost all of
    them) share one cached answer per thread version and page, found with one small query."""
    parse_cursor(cursor)  # a bad one is an error even where there is nothing to page
    own = cookies.own_ids(request)
    personal = is_personal(request, own)
    thread = place.thread() if personal else place.current_thread()
    if thread is None or personal:
        return _thread_json(request, place, thread, own, sort=sort, cursor=cursor, limit=limit)
    key = f"comments:api:thread:{thread.pk}:{thread.version}:{sort}:{cursor}:{limit}"
    found: str | None = cache.get(key)
    if found is None:
        found = _thread_json(request, place, thread, own, sort=sort, cursor=cursor, limit=limit)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _thread_json(
    request: HttpRequest,
    place: Place,
    thread: Thread | None,
    own: set[int],
    *,
    sort: Sort,
    cursor: str | None,
    limit: int,
) -> str:
    page: list[Comment] = []
    following = None
    if thread is not None:
        newest_first = sort == "newest"
        order = ["-created_at", "-id"] if newest_first else ["created_at", "id"]
        roots = Comment.objects.filter(display.visible(own), thread=thread, depth=0).order_by(
            *order
        )
        position = parse_cursor(cursor)
        if position:
            roots = roots.filter(after(position, newest_first=newest_first))
        page, following = page_of(roots, limit)
    nodes = {comment.pk: Node(comment) for comment in page}
    if nodes:
        display.attach_replies(nodes, own)
    editable = cookies.editable(request, display.comments_in(list(nodes.values())))
    result = ThreadOut(
        uri=place.uri,
        title=thread.title if thread else "",
        closed=thread.is_closed if thread else False,
        count=thread.approved_count if thread else 0,
        comments=[CommentOut(**comment_dict(node, editable)) for node in nodes.values()],
        next=following,
    )
    return result.model_dump_json()


def replies_json(request: HttpRequest, root: Comment, *, cursor: str | None, limit: int) -> str:
    """The rest of a branch after the cursor, in order, each reply without its own replies."""
    own = cookies.own_ids(request)
    thread = root.thread
    if is_personal(request, own):
        return _replies_json(request, root, own, cursor=cursor, limit=limit)
    key = f"comments:api:replies:{root.pk}:{thread.version}:{cursor}:{limit}"
    found: str | None = cache.get(key)
    if found is None:
        found = _replies_json(request, root, own, cursor=cursor, limit=limit)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _replies_json(
    request: HttpRequest, root: Comment, own: set[int], *, cursor: str | None, limit: int
) -> str:
    replies = Comment.objects.filter(display.visible(own), root=root, depth__gt=0).order_by(
        "created_at", "id"
    )
    position = parse_cursor(cursor)
    if position:
        replies = replies.filter(after(position))
    page, following = page_of(replies, limit)
    editable = cookies.editable(request, page)
    comments = [CommentOut(**comment_dict(Node(reply), editable)) for reply in page]
    return RepliesOut(comments=comments, next=following).model_dump_json()
