"""The retention periods, applied: what `broadsheet privacy purge` changes, rule by rule.

Every period is a setting, the same one the notice prints. Each rule changes only rows not
already in their final state, so a second run at the same time changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Exists, OuterRef

from broadsheet.comments import subscriptions
from broadsheet.comments.cookies import DETAILS_MAX_AGE
from broadsheet.comments.models import Comment
from broadsheet.privacy import keys
from broadsheet.privacy.inventory import DELETED, erase_comments
from broadsheet.privacy.models import Consent, ExportFile, IpKey, PrivacyRequest

Rows = Any


def _ip_data(now: datetime) -> int:
    """IP network, IP hash and browser family leave comments after PRIVACY_IP_DAYS."""
    old = Comment.objects.filter(created_at__lt=now - timedelta(days=settings.PRIVACY_IP_DAYS))
    return old.exclude(ip_network="", ip_hash="", user_agent_family="").update(
        ip_network="", ip_hash="", user_agent_family=""
    )


def _remove_comments(rows: Rows) -> int:
    """Delete comments nobody answered; blank those with replies, which keep the thread whole.

    Deleting a leaf can leave its parent a leaf, so this repeats until nothing changes.
    """
    removed = 0
    while True:
        leaves = rows.filter(~Exists(Comment.objects.filter(parent=OuterRef("pk"))))
        deleted = leaves.delete()[1].get("comments.Comment", 0)
        removed += deleted
        if not deleted:
            break
    still = rows.exclude(content=DELETED, author_email="", author_url="", email_hash="")
    return removed + erase_comments(still, replace_content=True)


def _spam_and_trash(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.PRIVACY_SPAM_DAYS)
    statuses = [Comment.Status.SPAM, Comment.Status.TRASH]
    return _remove_comments(Comment.objects.filter(status__in=statuses, created_at__lt=cutoff))


def _unmoderated(now: datetime) -> int:
    cutoff = now - timedelta(days=settings.PRIVACY_PENDING_DAYS)
    return _remove_comments(
        Comment.objects.filter(status=Comment.Status.PENDING, created_at__lt=cutoff)
    )


def _unconfirmed_subscriptions(now: datetime) -> int:
    return int(subscriptions.unconfirmed(now).delete()[0])


def _check_logs(now: datetime) -> int:
    try:
        check_log = apps.get_model("antispam", "CheckLog")
    except LookupError:  # the Akismet-compatible API is not installed
        return 0
    cutoff = now - timedelta(days=settings.PRIVACY_CHECK_LOG_DAYS)
    return int(check_log.objects.filter(created__lt=cutoff).delete()[0])


def _recent_texts(now: datetime) -> int:
    from broadsheet.antispam.models import RecentText

    cutoff = now - timedelta(hours=settings.SPAM_CAMPAIGN_HOURS)
    return int(RecentText.objects.filter(created__lt=cutoff).delete()[0])


def _exports(now: datetime) -> int:
    cutoff = now - timedelta(hours=settings.PRIVACY_EXPORT_HOURS)
    return int(ExportFile.objects.filter(created_at__lt=cutoff).delete()[0])


def _expired_requests(now: datetime) -> int:
    """Unconfirmed requests fail when their link expires, and forget the address."""
    cutoff = now - timedelta(hours=settings.PRIVACY_LINK_HOURS)
    return PrivacyRequest.objects.filter(
        status=PrivacyRequest.Status.PENDING, created_at__lt=cutoff
    ).update(
        status=PrivacyRequest.Status.FAILED,
        email="",
        token_hash="",
        outcome={"reason": "the confirmation link expired"},
    )


def _old_requests(now: datetime) -> int:
    """After a year a request keeps its type, status, timestamps and the address's hash only."""
    cutoff = now - timedelta(days=settings.PRIVACY_REQUEST_DAYS)
    return PrivacyRequest.objects.filter(created_at__lt=cutoff, reduced_at__isnull=True).update(
        email="", ip_hash="", token_hash="", outcome={}, actor=None, reduced_at=now
    )


def _consents(now: datetime) -> int:
    cutoff = now - timedelta(seconds=DETAILS_MAX_AGE)
    return int(Consent.objects.filter(created_at__lt=cutoff).delete()[0])


def _ip_keys(now: datetime) -> int:
    """Keys of past periods; the previous one stays, so rate limits hold across the change."""
    return int(IpKey.objects.filter(period__lt=keys.period(now) - 1).delete()[0])


RULES: dict[str, Callable[[datetime], int]] = {
    "comment_ip_data": _ip_data,
    "spam_and_trash_comments": _spam_and_trash,
    "unmoderated_comments": _unmoderated,
    "unconfirmed_subscriptions": _unconfirmed_subscriptions,
    "spam_check_logs": _check_logs,
    "recent_spam_texts": _recent_texts,
    "export_files": _exports,
    "expired_requests": _expired_requests,
    "old_requests": _old_requests,
    "consents": _consents,
    "ip_keys": _ip_keys,
}


def purge(now: datetime) -> dict[str, int]:
    return {name: rule(now) for name, rule in RULES.items()}
