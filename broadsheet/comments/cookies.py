"""The reader's own signed cookies: which comments they wrote, and details they asked us to keep.

Nothing here identifies a reader to anyone else: the comment cookie only lets its holder see
their own pending comments and edit them for a short while; the details cookie is set only
when the reader ticks the box.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

from broadsheet.comments.models import Comment

MINE = "broadsheet_comments"
DETAILS = "broadsheet_commenter"
SALT = "broadsheet.comments.cookie"
MINE_MAX_AGE = 7 * 24 * 3600
MINE_KEEP = 20
DETAILS_MAX_AGE = 365 * 24 * 3600


def own_entries(request: HttpRequest) -> list[list[Any]]:
    """[comment id, text hash, posted at] for each comment this browser posted lately."""
    try:
        entries = signing.loads(request.COOKIES[MINE], salt=SALT, max_age=MINE_MAX_AGE)
    except (KeyError, signing.BadSignature, ValueError):
        return []
    return [entry for entry in entries if isinstance(entry, list) and len(entry) == 3]


def own_ids(request: HttpRequest) -> set[int]:
    return {int(entry[0]) for entry in own_entries(request)}


def remember(request: HttpRequest, response: HttpResponse, comment: Comment) -> None:
    entries = [entry for entry in own_entries(request) if entry[0] != comment.pk]
    entries.append([comment.pk, comment.text_hash, int(time.time())])
    response.set_cookie(
        MINE,
        signing.dumps(entries[-MINE_KEEP:], salt=SALT),
        max_age=MINE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def editable(request: HttpRequest, comments: Iterable[Comment]) -> set[int]:
    """Which of these comments this reader may still edit.

    Signed-in authors always; guests within the window, while the text is still theirs.
    """
    user = request.user
    now = time.time()
    recent = {
        entry[0]: entry[1]
        for entry in own_entries(request)
        if now - entry[2] <= settings.COMMENTS_EDIT_WINDOW
    }
    return {
        comment.pk
        for comment in comments
        if (user.is_authenticated and comment.user_id == user.pk)
        or recent.get(comment.pk) == comment.text_hash
    }


def may_edit(request: HttpRequest, comment: Comment) -> bool:
    return comment.pk in editable(request, [comment])


def saved_details(request: HttpRequest) -> dict[str, str]:
    try:
        details = signing.loads(request.COOKIES[DETAILS], salt=SALT, max_age=DETAILS_MAX_AGE)
    except (KeyError, signing.BadSignature, ValueError):
        return {}
    return {key: str(details.get(key, "")) for key in ("name", "email", "url")}


def save_details(response: HttpResponse, name: str, email: str, url: str) -> None:
    response.set_cookie(
        DETAILS,
        signing.dumps({"name": name, "email": email, "url": url}, salt=SALT),
        max_age=DETAILS_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_details(response: HttpResponse) -> None:
    response.delete_cookie(DETAILS, samesite="Lax")
