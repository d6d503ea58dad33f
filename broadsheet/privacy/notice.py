"""What the notices say, built from the inventory and the live settings: never hand-typed.

The paragraph under every comment form and the /privacy/ page read the same declarations and
the same settings as the purge, so changing a period changes what readers are told.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from broadsheet.comments import cookies
from broadsheet.privacy import recipients
from broadsheet.privacy.inventory import Store, installed, store_for
from broadsheet.privacy.models import DUE_DAYS


def days_text(seconds: int) -> str:
    days = seconds // 86400
    if days:
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    hours = max(1, seconds // 3600)
    return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}


def listing(items: list[str]) -> str:
    """ "a, b and c" in the active language."""
    if len(items) < 2:
        return "".join(items)
    return gettext("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def comment_notice() -> dict[str, Any]:
    """The short notice under the comment form (spec B-1)."""
    comments = store_for("comments.Comment")
    active = recipients.active(webhooks=False)
    return {
        "collected": listing([str(datum.short) for datum in comments.data if datum.short]),
        "ip_days": settings.PRIVACY_IP_DAYS,
        "recipients": listing([recipient.name for recipient in active]),
    }


@dataclass
class Row:
    what: str
    purpose: str
    basis: str
    retention: str
    recipients: list[str]


@dataclass
class Section:
    label: str
    title: str
    rows: list[Row]
    kept_because: str


@dataclass
class Cookie:
    name: str
    purpose: str | Promise
    lifetime: str
    when: str | Promise


def _section(store: Store, active: list[recipients.Recipient]) -> Section:
    rows = [
        Row(
            str(datum.what),
            str(datum.purpose),
            str(datum.basis.value),
            datum.retention.describe(),
            [r.name for r in recipients.for_keys(datum.recipients, active)],
        )
        for datum in store.data
    ]
    reason = str(store.kept_because) if store.find is None else ""
    return Section(store.label, str(store.title), rows, reason)


def cookie_list() -> list[Cookie]:
    edit_minutes = settings.COMMENTS_EDIT_WINDOW // 60
    return [
        Cookie(
            cookies.DETAILS,
            _("your name, e-mail address and website, to fill in the comment form next time"),
            days_text(cookies.DETAILS_MAX_AGE),
            _("only when you tick “Save my name…”; posting with the box unticked deletes it"),
        ),
        Cookie(
            cookies.MINE,
            ngettext(
                "which comments you posted from this browser, so you see them while they await "
                "moderation and can change them for %(n)d minute",
                "which comments you posted from this browser, so you see them while they await "
                "moderation and can change them for %(n)d minutes",
                edit_minutes,
            )
            % {"n": edit_minutes},
            days_text(cookies.MINE_MAX_AGE),
            _("when you post a comment"),
        ),
        Cookie(
            settings.CSRF_COOKIE_NAME,
            _("protects the site's forms against forgery from other sites"),
            days_text(settings.CSRF_COOKIE_AGE),
            _(
                "only with forms that need it: signed-in readers' forms, editing a comment, "
                "privacy requests"
            ),
        ),
        Cookie(
            settings.SESSION_COOKIE_NAME,
            _("keeps you signed in"),
            days_text(settings.SESSION_COOKIE_AGE),
            _("only when you sign in"),
        ),
    ]


def page_context() -> dict[str, Any]:
    """Everything /privacy/ states (spec B-2, GDPR Art. 13(1) to (2))."""
    active = recipients.active()
    return {
        "controller": settings.PRIVACY_CONTROLLER,
        "contact": settings.PRIVACY_CONTACT,
        "sections": [_section(store, active) for store in installed()],
        "recipients": active,
        "cookies": cookie_list(),
        "ip_days": settings.PRIVACY_IP_DAYS,
        "ip_key_days": settings.PRIVACY_IP_KEY_DAYS,
        "spam_days": settings.PRIVACY_SPAM_DAYS,
        "pending_days": settings.PRIVACY_PENDING_DAYS,
        "link_hours": settings.PRIVACY_LINK_HOURS,
        "export_hours": settings.PRIVACY_EXPORT_HOURS,
        "request_days": settings.PRIVACY_REQUEST_DAYS,
        "backup_days": settings.PRIVACY_BACKUP_DAYS,
        "due_days": DUE_DAYS,
        "per_email": settings.PRIVACY_RATE_PER_EMAIL,
    }
