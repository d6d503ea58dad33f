"""Writing: post a comment, and edit or delete your own within the window.

The same pipeline and actions as the site's form, through the same ``submission``.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status

from broadsheet.comments import cookies
from broadsheet.comments.actions import Posted, do_post_comment, do_trash
from broadsheet.comments.api import reading
from broadsheet.comments.api.errors import ApiError
from broadsheet.comments.api.places import locate
from broadsheet.comments.api.schemas import (
    CommentId,
    CommentOut,
    EditIn,
    NewComment,
    PostedOut,
    answers,
)
from broadsheet.comments.display import Node
from broadsheet.comments.forms import token_time
from broadsheet.comments.models import Comment, Thread
from broadsheet.comments.views import submission, submit_edit

router = Router(tags=["writing"])


def reply_target(thread: Thread, parent_id: int | None) -> Comment | None:
    if parent_id is None:
        return None
    try:
        return thread.reply_parent(parent_id)
    except Comment.DoesNotExist:
        message = _("The comment you are replying to is not there any more.")
        raise ApiError(400, "no_parent", message) from None


def _refused(posted: Posted) -> ApiError:
    decision = posted.decision
    code = "rate_limited" if decision.retry_after else "refused"
    status = 429 if decision.retry_after else 400
    return ApiError(status, code, decision.message, retry_after=decision.retry_after)


def _answer(request: HttpRequest, response: HttpResponse, comment: Comment) -> PostedOut:
    """The comment as its author now sees it, and the key that proves they wrote it."""
    cookies.remember(request, response, comment)
    out = CommentOut(**reading.comment_dict(Node(comment), {comment.pk}))
    if out.pending:
        message = _("Your comment is awaiting moderation.")
    else:
        message = _("Your comment was posted.")
    return PostedOut(comment=out, message=message, key=response.cookies[cookies.MINE].value)


@router.post(
    "/comments",
    response={201: PostedOut, **answers(400, 403, 404, 422, 429)},
    summary="Post a comment",
)
def post(request: HttpRequest, response: HttpResponse, data: NewComment) -> Status[PostedOut]:
    """Get a token from GET /form first, and send this no sooner than its min_seconds. A
    refused comment is not stored (400, or 429 with Retry-After when sent too often)."""
    if data.notify and not data.email:
        message = _("Give your e-mail address to be told about replies.")
        raise ApiError(400, "notify_needs_email", message)
    reading.adopt_key(request)
    thread = locate(data.uri).thread_for_posting(data.title.strip())
    sub = submission(
        request,
        thread,
        data.content,
        author_name=data.name,
        author_email=data.email,
        author_url=data.website,
        parent=reply_target(thread, data.parent),
        honeypot=data.homepage,
        form_issued_at=token_time(data.token),
    )
    posted = do_post_comment(sub, subscribe=data.notify)
    if posted.comment is None:
        raise _refused(posted)
    return Status(201, _answer(request, response, posted.comment))


def _own(request: HttpRequest, comment_id: int) -> Comment:
    reading.adopt_key(request)
    comment = (
        Comment.objects.select_related("thread__article", "parent")
        .exclude(status=Comment.Status.TRASH)
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise ApiError(404, "not_found", _("There is no such comment."))
    if not cookies.may_edit(request, comment):
        raise ApiError(403, "not_editable", _("This comment can no longer be changed."))
    return comment


@router.put(
    "/comments/{comment_id}",
    response={200: PostedOut, **answers(400, 403, 404, 422, 429)},
    summary="Edit your comment",
)
def edit(
    request: HttpRequest, response: HttpResponse, comment_id: CommentId, data: EditIn
) -> PostedOut:
    """Within the edit window, with the key from posting. The edit is checked again; the
    answer carries a new key, as the key is bound to the text."""
    comment = _own(request, comment_id)
    posted = submit_edit(request, comment, data.content)
    if posted.comment is None:
        raise _refused(posted)
    return _answer(request, response, posted.comment)


@router.delete(
    "/comments/{comment_id}",
    response={204: None, **answers(403, 404, 422)},
    summary="Delete your comment",
)
def delete(request: HttpRequest, comment_id: CommentId) -> Status[None]:
    comment = _own(request, comment_id)
    do_trash(comment, actor=request.user if request.user.is_authenticated else None)
    return Status(204, None)
