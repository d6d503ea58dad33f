"""Every change to a comment's state: one function each, one transaction each.

Side effects (e-mail, webhooks, teaching the spam engine) run only after the transaction commits.
Views, the admin, the e-mailed links and the API all call these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from broadsheet.comments import notifications, pipeline, spam, subscriptions, webhooks
from broadsheet.comments.models import Comment, ModerationEvent, Subscription, Thread, Webhook
from broadsheet.comments.pipeline import Decision, Outcome, Submission
from broadsheet.lib.ip import truncate
from broadsheet.lib.useragent import family

logger = logging.getLogger(__name__)

STATUS_FOR = {
    Outcome.APPROVE: Comment.Status.APPROVED,
    Outcome.HOLD: Comment.Status.PENDING,
    Outcome.SPAM: Comment.Status.SPAM,
}


@dataclass
class Posted:
    decision: Decision
    comment: Comment | None  # None when rejected or discarded


def _move(comment: Comment, to: str, *, action: str, actor: Any = None) -> None:
    """Change the status, keep the thread's approved count true, and record who did it."""
    before = comment.status
    comment.status = to
    comment.save(update_fields=["status"])
    _moved(comment, before, action=action, actor=actor)


def _moved(comment: Comment, before: str, *, action: str, actor: Any = None) -> None:
    """The thread's approved count and version, and the history, after a status change."""
    to = comment.status
    delta = (to == Comment.Status.APPROVED) - (before == Comment.Status.APPROVED)
    Thread.objects.filter(pk=comment.thread_id).update(
        approved_count=F("approved_count") + delta, version=F("version") + 1
    )
    ModerationEvent.objects.create(
        comment=comment, actor=actor, action=action, from_status=before, to_status=to
    )


def _announce_approval(comment: Comment) -> None:
    """Subscribers hear of a comment the first time it is approved, never on a re-approval."""
    approvals = ModerationEvent.objects.filter(comment=comment, to_status=Comment.Status.APPROVED)
    if approvals.count() == 1:
        transaction.on_commit(lambda: subscriptions.comment_approved(comment))


def do_post_comment(sub: Submission, *, subscribe: bool = False) -> Posted:
    """``subscribe``: the author asked for e-mail about replies (confirmed once it is approved)."""
    # The checks read; only the write below holds the database's write lock.
    decision = pipeline.run(sub)
    if decision.outcome is Outcome.REJECT:
        spam.remember(decision.verdict)
        logger.info("comment refused on thread %s: %s", sub.thread.pk, "; ".join(decision.reasons))
        return Posted(decision, None)
    if decision.outcome is Outcome.DISCARD:
        with transaction.atomic():
            spam.remember(decision.verdict)
            Thread.objects.filter(pk=sub.thread.pk).update(discarded_count=F("discarded_count") + 1)
        return Posted(decision, None)

    comment = Comment(
        thread=sub.thread,
        parent=sub.parent,
        user_id=sub.user_id,
        author_name=sub.author_name.strip(),
        author_email=sub.author_email.strip(),
        author_url=sub.author_url.strip(),
        content=sub.content.strip(),
        status=STATUS_FOR[decision.outcome],
        moderation_reasons=decision.reasons,
        spam_score=decision.spam_score,
        spam_reasons=decision.spam_reasons,
        ip_network=truncate(sub.ip),
        ip_hash=sub.ip_hash,
        email_hash=sub.email_hash,
        user_agent_family=family(sub.user_agent),
    )
    comment.render()  # before the transaction: the write lock is held no longer than the write
    with transaction.atomic():
        spam.remember(decision.verdict)
        comment.save()  # stored with its status at once; its history starts from pending
        _moved(comment, Comment.Status.PENDING, action="posted")
        if subscribe and comment.author_email:
            _subscribe(comment.author_email, comment.thread, comment)
        webhooks.enqueue(Webhook.Event.POSTED, comment)
        if comment.status == Comment.Status.PENDING:
            transaction.on_commit(lambda: notifications.notify_moderators(comment))
        elif comment.status == Comment.Status.APPROVED:
            transaction.on_commit(lambda: subscriptions.comment_approved(comment))
    return Posted(decision, comment)


def do_edit(comment: Comment, sub: Submission, *, actor: Any = None) -> Posted:
    """An author's edit goes through the pipeline again, as a recheck."""
    decision = pipeline.run(sub)
    if decision.outcome in (Outcome.REJECT, Outcome.DISCARD):
        spam.remember(decision.verdict)
        return Posted(decision, None)
    with transaction.atomic():
        spam.remember(decision.verdict)
        comment.content = sub.content.strip()
        comment.edited_at = timezone.now()
        comment.moderation_reasons = decision.reasons
        comment.spam_score = decision.spam_score
        comment.spam_reasons = decision.spam_reasons
        comment.save()
        Thread.objects.filter(pk=comment.thread_id).update(version=F("version") + 1)
        # An approved comment stays approved unless the edit turned it into spam or a hold.
        target = STATUS_FOR[decision.outcome]
        if comment.status != Comment.Status.APPROVED or target != Comment.Status.APPROVED:
            before = comment.status
            _move(comment, target, action="edited", actor=actor)
            if before != target == Comment.Status.APPROVED:
                webhooks.enqueue(Webhook.Event.APPROVED, comment)
                _announce_approval(comment)
            elif before != target == Comment.Status.SPAM:
                webhooks.enqueue(Webhook.Event.SPAM, comment)
    return Posted(decision, comment)


def do_approve(comment: Comment, *, moderator: Any) -> None:
    was_spam = comment.status == Comment.Status.SPAM
    with transaction.atomic():
        _move(comment, Comment.Status.APPROVED, action="approve", actor=moderator)
        webhooks.enqueue(Webhook.Event.APPROVED, comment)
        _announce_approval(comment)
        if was_spam:
            transaction.on_commit(lambda: spam.learn(comment, is_spam=False))


def do_mark_spam(comment: Comment, *, moderator: Any) -> None:
    with transaction.atomic():
        _move(comment, Comment.Status.SPAM, action="spam", actor=moderator)
        webhooks.enqueue(Webhook.Event.SPAM, comment)
        transaction.on_commit(lambda: spam.learn(comment, is_spam=True))


def do_mark_ham(comment: Comment, *, moderator: Any) -> None:
    """Not spam: approve it, and teach the engine it was wrong."""
    with transaction.atomic():
        _move(comment, Comment.Status.APPROVED, action="ham", actor=moderator)
        webhooks.enqueue(Webhook.Event.APPROVED, comment)
        _announce_approval(comment)
        transaction.on_commit(lambda: spam.learn(comment, is_spam=False))


def do_trash(comment: Comment, *, actor: Any = None) -> None:
    with transaction.atomic():
        _move(comment, Comment.Status.TRASH, action="trash", actor=actor)


def _subscribe(email: str, thread: Thread, comment: Comment | None) -> Subscription | None:
    """The unconfirmed subscription that a confirmation mail should now go out for, if any.

    None when nothing is to be sent: already confirmed, a confirmation went out moments ago,
    or the address already has too many unconfirmed ones.
    """
    hashed = subscriptions.email_hash(email)
    now = timezone.now()
    # Bounded housekeeping between purges: confirmations never followed are forgotten.
    subscriptions.unconfirmed(now).delete()
    existing = Subscription.objects.filter(email_hash=hashed, thread=thread, comment=comment)
    found = existing.first()
    if found is not None:
        if found.confirmed_at or found.created_at > now - subscriptions.RESEND_AFTER:
            return None
        existing.update(created_at=now, email=email)  # restarts the resend clock
        return found
    unconfirmed = Subscription.objects.filter(email_hash=hashed, confirmed_at__isnull=True)
    if unconfirmed.count() >= subscriptions.MAX_UNCONFIRMED:
        return None
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                email=email, email_hash=hashed, thread=thread, comment=comment
            )
    except IntegrityError:
        return None  # the same request, twice at once: the other one sends the mail


def do_subscribe(email: str, thread: Thread, *, comment: Comment | None = None) -> None:
    """Ask for e-mail about new comments on a thread (or replies to one comment).

    Nothing is sent but a confirmation mail until its link is followed; the caller answers
    the same whatever happened, so the form tells nobody whether an address is subscribed.
    """
    with transaction.atomic():
        pending = _subscribe(email.strip(), thread, comment)
        if pending is not None:
            transaction.on_commit(lambda: subscriptions.send_confirmation(pending))


def do_confirm_subscription(subscription: Subscription) -> None:
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now()
        )


def do_unsubscribe(subscription: Subscription, *, everything: bool = False) -> int:
    """Delete the subscription, or every one of this address; returns how many went."""
    with transaction.atomic():
        rows = (
            Subscription.objects.filter(email_hash=subscription.email_hash)
            if everything
            else Subscription.objects.filter(pk=subscription.pk)
        )
        deleted, _ = rows.delete()
    return deleted
