"""Moderation for staff tokens: the queue, and the same actions as the admin and the e-mails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from broadsheet.comments.actions import do_approve, do_mark_ham, do_mark_spam, do_trash
from broadsheet.comments.api.errors import ApiError
from broadsheet.comments.api.reading import after, page_of, parse_cursor
from broadsheet.comments.api.schemas import CommentId, ModeratedOut, QueueOut, answers
from broadsheet.comments.api.tokens import MODERATE, StaffToken
from broadsheet.comments.models import Comment

router = Router(tags=["moderation"], auth=StaffToken())

Action = Literal["approve", "spam", "ham", "trash"]
ACTIONS: dict[str, Callable[[Comment, Any], None]] = {
    "approve": lambda comment, user: do_approve(comment, moderator=user),
    "spam": lambda comment, user: do_mark_spam(comment, moderator=user),
    "ham": lambda comment, user: do_mark_ham(comment, moderator=user),
    "trash": lambda comment, user: do_trash(comment, actor=user),
}


def _moderator(request: HttpRequest) -> Any:
    user = request.auth  # type: ignore[attr-defined]
    if not user.has_perm(MODERATE):
        raise ApiError(403, "forbidden", _("This token's user may not moderate comments."))
    return user


def _out(comment: Comment) -> ModeratedOut:
    return ModeratedOut(
        id=comment.pk,
        uri=comment.thread.permalink(),
        status=comment.status,  # type: ignore[arg-type]
        author=comment.author_name,
        email=comment.author_email,
        website=comment.author_url,
        html=comment.content_html,
        created=comment.created_at,
        reasons=[str(reason) for reason in comment.moderation_reasons],
        spam_score=comment.spam_score,
    )


@router.get(
    "/queue",
    response={200: QueueOut, **answers(400, 401, 403, 414, 422)},
    summary="Comments awaiting a decision",
)
def queue(
    request: HttpRequest,
    status: Annotated[Literal["pending", "spam"], Query()] = "pending",
    cursor: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> QueueOut:
    """Oldest first, so the longest-waiting comment is decided first."""
    _moderator(request)
    comments = (
        Comment.objects.filter(status=status)
        .select_related("thread__article")
        .order_by("created_at", "id")
    )
    position = parse_cursor(cursor)
    if position:
        comments = comments.filter(after(position))
    page, following = page_of(comments, limit)
    return QueueOut(comments=[_out(comment) for comment in page], next=following)


@router.post(
    "/comments/{comment_id}/{action}",
    response={200: ModeratedOut, **answers(401, 403, 404, 422)},
    summary="Approve, mark as spam or not spam, or trash",
)
def moderate(request: HttpRequest, comment_id: CommentId, action: Action) -> ModeratedOut:
    """Marking spam or not spam teaches the site's spam filter, as in the admin."""
    user = _moderator(request)
    comment = Comment.objects.select_related("thread__article").filter(pk=comment_id).first()
    if comment is None:
        raise ApiError(404, "not_found", _("There is no such comment."))
    ACTIONS[action](comment, user)
    return _out(comment)
