"""Every change to a comment's state: one function each, one transaction each.

Side effects (e-mail, teaching the spam engine) run only after the transaction commits.
Views, the admin, the e-mailed links and the API all call these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from broadsheet.comments import notifications, pipeline, spam
from broadsheet.comments.models import Comment, ModerationEvent, Thread
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
    delta = (to == Comment.Status.APPROVED) - (before == Comment.Status.APPROVED)
    Thread.objects.filter(pk=comment.thread_id).update(
        approved_count=F("approved_count") + delta, version=F("version") + 1
    )
    ModerationEvent.objects.create(
        comment=comment, actor=actor, action=action, from_status=before, to_status=to
    )


def do_post_comment(sub: Submission) -> Posted:
    # The checks read; only the write below holds the database's write lock.
    decision = pipeline.run(sub)
    if decision.outcome is Outcome.REJECT:
        logger.info("comment refused on thread %s: %s", sub.thread.pk, "; ".join(decision.reasons))
        return Posted(decision, None)
    if decision.outcome is Outcome.DISCARD:
        Thread.objects.filter(pk=sub.thread.pk).update(discarded_count=F("discarded_count") + 1)
        return Posted(decision, None)

    with transaction.atomic():
        comment = Comment(
            thread=sub.thread,
            parent=sub.parent,
            user_id=sub.user_id,
            author_name=sub.author_name.strip(),
            author_email=sub.author_email.strip(),
            author_url=sub.author_url.strip(),
            content=sub.content.strip(),
            status=Comment.Status.PENDING,
            moderation_reasons=decision.reasons,
            spam_score=decision.spam_score,
            spam_reasons=decision.spam_reasons,
            ip_network=truncate(sub.ip),
            ip_hash=sub.ip_hash,
            email_hash=sub.email_hash,
            user_agent_family=family(sub.user_agent),
        )
        comment.save()
        _move(comment, STATUS_FOR[decision.outcome], action="posted")
        if comment.status == Comment.Status.PENDING:
            transaction.on_commit(lambda: notifications.notify_moderators(comment))
    return Posted(decision, comment)


def do_edit(comment: Comment, sub: Submission, *, actor: Any = None) -> Posted:
    """An author's edit goes through the pipeline again, as a recheck."""
    decision = pipeline.run(sub)
    if decision.outcome in (Outcome.REJECT, Outcome.DISCARD):
        return Posted(decision, None)
    with transaction.atomic():
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
            _move(comment, target, action="edited", actor=actor)
    return Posted(decision, comment)


def do_approve(comment: Comment, *, moderator: Any) -> None:
    was_spam = comment.status == Comment.Status.SPAM
    with transaction.atomic():
        _move(comment, Comment.Status.APPROVED, action="approve", actor=moderator)
        if was_spam:
            transaction.on_commit(lambda: spam.learn(comment, is_spam=False))


def do_mark_spam(comment: Comment, *, moderator: Any) -> None:
    with transaction.atomic():
        _move(comment, Comment.Status.SPAM, action="spam", actor=moderator)
        transaction.on_commit(lambda: spam.learn(comment, is_spam=True))


def do_mark_ham(comment: Comment, *, moderator: Any) -> None:
    """Not spam: approve it, and teach the engine it was wrong."""
    with transaction.atomic():
        _move(comment, Comment.Status.APPROVED, action="ham", actor=moderator)
        transaction.on_commit(lambda: spam.learn(comment, is_spam=False))


def do_trash(comment: Comment, *, actor: Any = None) -> None:
    with transaction.atomic():
        _move(comment, Comment.Status.TRASH, action="trash", actor=actor)
