"""E-mail to moderators about held comments, with signed links that act in one click."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from broadsheet.comments.models import Comment
from broadsheet.lib.mail import send_after_response
from broadsheet.roles import MODERATORS

SALT = "broadsheet.comments.moderate"
LINK_MAX_AGE = 7 * 24 * 3600  # a week: long enough for a moderator's holiday inbox
ACTIONS = ("approve", "spam")


def moderation_token(comment: Comment, action: str, moderator_id: int) -> str:
    return signing.dumps({"c": comment.pk, "a": action, "m": moderator_id}, salt=SALT)


def read_token(token: str) -> dict[str, Any]:
    """The signed comment, action and moderator; raises signing.BadSignature when forged or old."""
    data: dict[str, Any] = signing.loads(token, salt=SALT, max_age=LINK_MAX_AGE)
    if data.get("a") not in ACTIONS:
        raise signing.BadSignature("unknown action")
    return data


def moderators() -> list[Any]:
    return list(
        get_user_model()
        .objects.filter(groups__name=MODERATORS, is_active=True)
        .exclude(email="")
        .distinct()
    )


def notify_moderators(comment: Comment) -> None:
    if not settings.COMMENTS_NOTIFY_MODERATORS:
        return
    messages = []
    for moderator in moderators():
        links = {
            action: settings.BASE_URL
            + reverse("comments:moderate", args=[moderation_token(comment, action, moderator.pk)])
            for action in ACTIONS
        }
        body = render_to_string(
            "comments/email/held.txt", {"comment": comment, "links": links, "moderator": moderator}
        )
        subject = _("Comment awaiting moderation on “%(thread)s”") % {"thread": comment.thread}
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [moderator.email]))
    # The comment is saved and waits in the queue whether or not the mail goes out.
    send_after_response(messages, f"moderators about comment {comment.pk}")
