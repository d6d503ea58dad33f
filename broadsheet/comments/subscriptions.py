"""E-mail to readers who follow a thread or the replies to their comment.

Double opt-in: nothing but the confirmation is sent until its single-use link is followed.
Every mail carries a signed unsubscribe link that needs no login, also as the one-click
List-Unsubscribe header of RFC 8058. Mail is written in the site's language, whatever language
the request that caused it was in, and only ever about approved comments.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from broadsheet.comments.models import Comment, Subscription, Thread
from broadsheet.lib.ip import keyed_hash
from broadsheet.lib.mail import send_after_response

CONFIRM_SALT = "broadsheet.comments.subscription.confirm"
UNSUBSCRIBE_SALT = "broadsheet.comments.subscription.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600  # seconds a confirmation link works
# Someone typing another person's address can cause at most a few confirmation mails.
RESEND_AFTER = timedelta(minutes=10)
MAX_UNCONFIRMED = 5


def unconfirmed(now: datetime) -> QuerySet[Subscription]:
    """Subscriptions whose confirmation was not followed within PRIVACY_UNCONFIRMED_DAYS."""
    cutoff = now - timedelta(days=settings.PRIVACY_UNCONFIRMED_DAYS)
    return Subscription.objects.filter(confirmed_at__isnull=True, created_at__lt=cutoff)


def email_hash(email: str) -> str:
    """The same keyed hash comments store for their author's e-mail."""
    return keyed_hash(email, key=settings.SECRET_KEY, purpose="email")


def _token(subscription: Subscription, salt: str) -> str:
    # The hash's prefix ties the token to this address, should an id ever be reused.
    return signing.dumps({"s": subscription.pk, "e": subscription.email_hash[:12]}, salt=salt)


def confirm_url(subscription: Subscription) -> str:
    token = _token(subscription, CONFIRM_SALT)
    return settings.BASE_URL + reverse("comments:confirm-subscription", args=[token])


def unsubscribe_url(subscription: Subscription) -> str:
    token = _token(subscription, UNSUBSCRIBE_SALT)
    return settings.BASE_URL + reverse("comments:unsubscribe", args=[token])


def read_token(token: str, *, salt: str, max_age: int | None = None) -> Subscription | None:
    """The subscription a token names; raises signing.BadSignature when forged or expired.

    None when the token is genuine but the subscription is gone (already unsubscribed).
    """
    data = signing.loads(token, salt=salt, max_age=max_age)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise signing.BadSignature("not a subscription token")
    subscription = (
        Subscription.objects.select_related("thread__article", "comment")
        .filter(pk=data["s"])
        .first()
    )
    if subscription is None or subscription.email_hash[:12] != data.get("e"):
        return None
    return subscription


def _one_line(text: str) -> str:
    return " ".join(text.split())  # a title with a line break must not break the mail's headers


def _message(
    subscription: Subscription, subject: str, template: str, context: dict[str, object]
) -> EmailMessage:
    unsubscribe = unsubscribe_url(subscription)
    body = render_to_string(
        template,
        {
            **context,
            "subscription": subscription,
            "thread_title": _one_line(str(subscription.thread)),
            "unsubscribe_url": unsubscribe,
            "site_name": settings.SITE_NAME,
        },
    )
    return EmailMessage(
        _one_line(subject),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )


def confirmation(subscription: Subscription) -> EmailMessage:
    with translation.override(settings.LANGUAGE_CODE):
        title = _one_line(str(subscription.thread))
        subject = (
            _("Confirm: e-mail me replies to my comment on “%(thread)s”")
            if subscription.comment_id
            else _("Confirm: e-mail me new comments on “%(thread)s”")
        ) % {"thread": title}
        return _message(
            subscription,
            subject,
            "comments/email/confirm_subscription.txt",
            {"confirm_url": confirm_url(subscription), "days": CONFIRM_MAX_AGE // 86400},
        )


def send_confirmation(subscription: Subscription) -> None:
    send_after_response(
        [confirmation(subscription)], f"confirmation of subscription {subscription.pk}"
    )


def recipients(comment: Comment) -> list[Subscription]:
    """Confirmed subscribers to hear of ``comment``, one each, never its own author.

    Someone following both the thread and the comment replied to gets the reply mail.
    """
    wanted = Q(thread_id=comment.thread_id, comment__isnull=True)
    if comment.parent_id is not None:
        wanted |= Q(comment_id=comment.parent_id)
    subscriptions = Subscription.objects.filter(wanted, confirmed_at__isnull=False)
    if comment.author_email:
        subscriptions = subscriptions.exclude(email_hash=email_hash(comment.author_email))
    chosen: dict[str, Subscription] = {}
    for subscription in subscriptions.order_by(F("comment_id").asc(nulls_last=True), "pk"):
        chosen.setdefault(subscription.email_hash, subscription)
    return list(chosen.values())


def notification(subscription: Subscription, comment: Comment, thread: Thread) -> EmailMessage:
    subscription.thread = thread  # already loaded once for every recipient
    title = _one_line(str(thread))
    subject = (
        _("%(name)s replied to your comment on “%(thread)s”")
        if subscription.comment_id
        else _("New comment from %(name)s on “%(thread)s”")
    ) % {"name": _one_line(comment.author_name), "thread": title}
    return _message(
        subscription,
        subject,
        "comments/email/new_comment.txt",
        {"comment": comment, "comment_url": f"{thread.permalink()}#comment-{comment.pk}"},
    )


def comment_approved(comment: Comment) -> None:
    """A comment was approved for the first time: its author's own subscription may now be
    confirmed, and the thread's and the parent's subscribers hear of it."""
    if comment.status != Comment.Status.APPROVED:
        return  # moved on again before this ran
    for pending in Subscription.objects.filter(comment=comment, confirmed_at__isnull=True):
        send_confirmation(pending)
    subscribers = recipients(comment)
    if not subscribers:
        return
    thread = Thread.objects.select_related("article").get(pk=comment.thread_id)
    with translation.override(settings.LANGUAGE_CODE):
        messages = [notification(sub, comment, thread) for sub in subscribers]
    send_after_response(messages, f"subscribers about comment {comment.pk}")
