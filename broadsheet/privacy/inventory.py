"""Every place the site keeps personal data, declared once.

Each ``Store`` names a model, the personal fields in it (what, why, on which legal basis, for
how long, shared with whom), how to find one person's rows, what their export holds and what
their erasure does. The notice, the /privacy/ page, export and erasure all read this list, and
a test fails when a model gains a field that looks personal without being declared here (or in
``NOT_PERSONAL`` with the reason).

A model that is not installed (yet) is skipped, so a store can be declared before it lands.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from broadsheet.lib.ip import keyed_hash
from broadsheet.lib.markdown import render_comment

Text = str | Promise
Rows = models.QuerySet[Any]

DELETED = "[deleted]"  # the text that replaces an erased comment's, when asked for


class Basis(enum.Enum):
    """Legal bases (GDPR Art. 6(1)) with the words readers see."""

    LEGITIMATE_INTEREST = _("legitimate interest (GDPR Art. 6(1)(f))")
    CONSENT = _("consent (GDPR Art. 6(1)(a))")
    REQUEST = _("your request (GDPR Art. 6(1)(b)), and our duty to show we answered it (6(1)(c))")


@dataclass(frozen=True)
class Retention:
    """How long: a number read from a setting (so the notice cannot drift from the purge), or,
    for data kept as long as something else exists, words."""

    setting: str = ""
    unit: str = "days"  # or "hours"
    words: Text = ""  # "%(period)s" in it is replaced by the setting's period

    @property
    def amount(self) -> int | None:
        return int(getattr(settings, self.setting)) if self.setting else None

    def describe(self) -> str:
        amount = self.amount
        if amount is None:
            return str(self.words)
        if self.unit == "hours":
            period = ngettext("%(n)d hour", "%(n)d hours", amount) % {"n": amount}
        else:
            period = ngettext("%(n)d day", "%(n)d days", amount) % {"n": amount}
        return str(self.words) % {"period": period} if self.words else period


def days(setting: str, words: Text = "") -> Retention:
    return Retention(setting, "days", words)


def hours(setting: str, words: Text = "") -> Retention:
    return Retention(setting, "hours", words)


def kept(words: Text) -> Retention:
    return Retention(words=words)


@dataclass(frozen=True)
class Datum:
    """One personal field: what it is to a reader, why it is kept, on which basis, how long."""

    field: str
    what: Text
    purpose: Text
    basis: Basis
    retention: Retention
    recipients: tuple[str, ...] = ()  # keys of broadsheet.privacy.recipients.RECIPIENTS
    derived: bool = False  # not typed in by the reader (hashes, links)
    short: Text = ""  # its words in the notice under the comment form; "" leaves it out


@dataclass
class Person:
    """Whoever holds an e-mail address. Their comment ids are read once, before any erasure."""

    email: str

    def __post_init__(self) -> None:
        self.email = self.email.strip().lower()

    @cached_property
    def email_hash(self) -> str:
        return keyed_hash(self.email, key=settings.SECRET_KEY, purpose="email")

    @cached_property
    def comment_ids(self) -> list[int]:
        comments = apps.get_model("comments", "Comment")
        return list(comments.objects.filter(_comments_of(self)).values_list("pk", flat=True))


Finder = Callable[[Person], Q]
Exporter = Callable[[Rows], Iterator[dict[str, Any]]]
Eraser = Callable[[Rows, bool], int]  # (the person's rows, replace_content) -> rows changed


def delete_rows(rows: Rows, replace_content: bool) -> int:
    return sum(rows.delete()[1].values())


def keep_rows(rows: Rows, replace_content: bool) -> int:
    return 0


@dataclass(frozen=True)
class Store:
    label: str  # "app_label.ModelName"
    title: Text
    data: tuple[Datum, ...]
    # How to find one person's rows; None when nothing in it can be tied to an address.
    find: Finder | None
    export_fields: tuple[str, ...] = ()  # besides the personal ones (``values()`` lookups)
    exporter: Exporter | None = None  # instead of ``values()``, when rows need shaping
    eraser: Eraser = delete_rows
    # Why a person's rows are kept on erasure (eraser keep_rows), or why they cannot be found.
    kept_because: Text = ""
    counts_as_erased: bool = True  # False: rows "kept" (listed in the erasure report)

    @property
    def model(self) -> type[models.Model] | None:
        try:
            return apps.get_model(self.label)
        except LookupError:
            return None

    def rows(self, person: Person) -> Rows:
        assert self.find is not None
        assert self.model is not None
        return self.model._default_manager.filter(self.find(person))

    def export(self, rows: Rows) -> Iterator[dict[str, Any]]:
        if self.exporter is not None:
            yield from self.exporter(rows)
            return
        names = ["pk", *(datum.field for datum in self.data), *self.export_fields]
        yield from rows.order_by("pk").values(*names).iterator(chunk_size=500)


# --- comments --------------------------------------------------------------------------------


def _comments_of(person: Person) -> Q:
    return (
        Q(email_hash=person.email_hash)
        | Q(author_email__iexact=person.email)
        | Q(user__email__iexact=person.email)
    )


def _export_comments(rows: Rows) -> Iterator[dict[str, Any]]:
    for comment in rows.select_related("thread__article").order_by("pk").iterator(chunk_size=500):
        yield {
            "id": comment.pk,
            "page": {"title": str(comment.thread), "url": comment.thread.permalink()},
            "url": f"{comment.thread.permalink()}#comment-{comment.pk}",
            "in_reply_to": comment.parent_id,  # an id only: the reply is someone else's
            "status": comment.status,
            "created_at": comment.created_at,
            "edited_at": comment.edited_at,
            "author_name": comment.author_name,
            "author_email": comment.author_email,
            "author_url": comment.author_url,
            "signed_in_user": comment.user_id,
            "content": comment.content,
            "ip_network": comment.ip_network,
            "ip_hash": comment.ip_hash,
            "email_hash": comment.email_hash,
            "user_agent_family": comment.user_agent_family,
        }


def erased_comment(replace_content: bool) -> dict[str, Any]:
    """What an erasure leaves in a comment's fields."""
    values: dict[str, Any] = {
        "author_name": gettext("Anonymous"),
        "author_email": "",
        "author_url": "",
        "user": None,
        "ip_network": "",
        "ip_hash": "",
        "email_hash": "",
        "user_agent_family": "",
        # A moderator's reasons may quote the name or address that held the comment.
        "moderation_reasons": [],
        "spam_reasons": [],
    }
    if replace_content:
        values.update(content=DELETED, content_html=render_comment(DELETED))
    return values


def erased_addresses() -> dict[str, bool]:
    """The hashes of the addresses whose data was erased, each with whether the comments' texts
    went too: what importing an older file must not bring back."""
    erased: dict[str, bool] = {}
    requests = apps.get_model("privacy", "PrivacyRequest").objects.filter(
        kind="erase", status="completed"
    )
    for hashed, replace in requests.values_list("email_hash", "replace_content"):
        erased[hashed] = erased.get(hashed, False) or replace
    return erased


def erase_comments(rows: Rows, replace_content: bool) -> int:
    values = erased_comment(replace_content)
    rows = rows.model._default_manager.filter(pk__in=list(rows.values_list("pk", flat=True)))
    threads = set(rows.values_list("thread_id", flat=True))
    changed = rows.update(**values)
    # Cached thread renderings are keyed by version: bumping it purges them.
    apps.get_model("comments", "Thread").objects.filter(pk__in=threads).update(
        version=F("version") + 1
    )
    return changed


def _clear_extra(rows: Rows, replace_content: bool) -> int:
    """The link to the imported comment stays, so importing the old file again updates it."""
    return rows.exclude(extra={}).update(extra={})


def _deliveries_of(person: Person) -> Q:
    """Queued webhook bodies about this person's comments. The log is short (WEBHOOK_LOG_DAYS),
    so reading it beats matching thousands of ids inside the body's text in SQL."""
    ids = set(person.comment_ids)
    if not ids:
        return Q(pk__in=[])
    deliveries = apps.get_model("comments", "WebhookDelivery").objects.values_list("pk", "body")
    return Q(pk__in=[pk for pk, body in deliveries.iterator(2000) if _comment_id(body) in ids])


def _comment_id(body: str) -> int | None:
    try:
        comment = json.loads(body).get("comment") or {}
    except (ValueError, AttributeError):
        return None
    return comment.get("id") if isinstance(comment, dict) else None


def _log_entries_of(person: Person) -> Q:
    from django.contrib.contenttypes.models import ContentType

    comments = ContentType.objects.get_by_natural_key("comments", "comment")
    by_comment = Q(content_type=comments, object_id__in=[str(pk) for pk in person.comment_ids])
    return by_comment | Q(object_repr__icontains=person.email)


def _erase_log_entries(rows: Rows, replace_content: bool) -> int:
    return rows.update(object_repr=DELETED, change_message="")


def _erase_requests(rows: Rows, replace_content: bool) -> int:
    """Requests stay as the record of what was asked and done, with only the address's hash."""
    open_ = rows.filter(status__in=["pending", "confirmed"])
    failed = open_.update(status="failed", outcome={"reason": "superseded by an erasure"})
    return failed + rows.exclude(email="", token_hash="").update(email="", token_hash="")


_LI = Basis.LEGITIMATE_INTEREST

_COMMENT_DAYS = _("as long as the comment is kept (unpublished ones: see below)")
_UNCONFIRMED = _("until you unsubscribe (requests never confirmed: %(period)s)")

STORES: tuple[Store, ...] = (
    Store(
        "comments.Comment",
        _("Comments"),
        (
            Datum(
                "author_name",
                _("your name"),
                _("shown with your comment"),
                _LI,
                kept(_COMMENT_DAYS),
                ("email", "webhooks"),
                short=_("your name"),
            ),
            Datum(
                "author_email",
                _("your e-mail address (optional, never shown)"),
                _(
                    "to tell you apart from others of the same name, and to find your comments "
                    "when you ask for them or for their erasure"
                ),
                _LI,
                kept(_COMMENT_DAYS),
                ("email",),
                short=_("your e-mail address (optional, never shown)"),
            ),
            Datum(
                "author_url",
                _("your website (optional)"),
                _("linked from your name"),
                _LI,
                kept(_COMMENT_DAYS),
                ("webhooks",),
                short=_("your website (optional)"),
            ),
            Datum(
                "content",
                _("your comment"),
                _("published once approved"),
                _LI,
                kept(_COMMENT_DAYS),
                ("email", "webhooks"),
                short=_("your comment"),
            ),
            Datum(
                "user",
                _("your account, if you were signed in"),
                _("lets you edit your comments later"),
                _LI,
                kept(_COMMENT_DAYS),
                derived=True,
            ),
            Datum(
                "ip_network",
                _("the network part of your IP address (the last part removed)"),
                _("lets moderators spot abuse from one network"),
                _LI,
                days("PRIVACY_IP_DAYS"),
                short=_("a shortened IP address"),
            ),
            Datum(
                "ip_hash",
                _("a keyed hash of your full IP address, under a key that changes regularly"),
                _("rate limits and spam protection, without keeping the address"),
                _LI,
                days("PRIVACY_IP_DAYS"),
                derived=True,
            ),
            Datum(
                "email_hash",
                _("a keyed hash of your e-mail address (never shown)"),
                _("groups your comments for rate limits and moderation"),
                _LI,
                kept(_COMMENT_DAYS),
                derived=True,
            ),
            Datum(
                "user_agent_family",
                _("your browser's name (such as “Firefox”), not its full identification"),
                _("spotting scripts that post spam"),
                _LI,
                days("PRIVACY_IP_DAYS"),
                short=_("your browser's name"),
            ),
        ),
        find=_comments_of,
        exporter=_export_comments,
        eraser=erase_comments,
    ),
    Store(
        "comments.Subscription",
        _("Reply notifications"),
        (
            Datum(
                "email",
                _("your e-mail address"),
                _("to send the notifications you asked for"),
                Basis.CONSENT,
                days("PRIVACY_UNCONFIRMED_DAYS", _UNCONFIRMED),
                ("email",),
            ),
            Datum(
                "email_hash",
                _("a keyed hash of your e-mail address"),
                _("finds your subscriptions without reading every address"),
                Basis.CONSENT,
                days("PRIVACY_UNCONFIRMED_DAYS", _UNCONFIRMED),
                derived=True,
            ),
        ),
        find=lambda person: Q(email_hash=person.email_hash) | Q(email__iexact=person.email),
        export_fields=("thread_id", "comment_id", "confirmed_at", "created_at"),
    ),
    Store(
        "comments.WebhookDelivery",
        _("Notifications to the site's own systems (webhooks)"),
        (
            Datum(
                "body",
                _(
                    "a copy of a comment (name, website, text) sent to a system the site's staff "
                    "set up"
                ),
                _("lets the site's other systems know about new and moderated comments"),
                _LI,
                days("WEBHOOK_LOG_DAYS"),
                ("webhooks",),
            ),
        ),
        find=_deliveries_of,
        export_fields=("event", "created_at"),
    ),
    Store(
        "antispam.CheckLog",
        _("Spam checks asked of this site by other sites"),
        (
            Datum(
                "fields",
                _(
                    "a comment sent to our spam check by another site (name, e-mail, IP address, "
                    "text)"
                ),
                _("answering that site's spam check and its corrections"),
                _LI,
                days("PRIVACY_CHECK_LOG_DAYS"),
            ),
            Datum(
                "email_hash",
                _("a keyed hash of the e-mail address in it"),
                _("finds these copies for export and erasure"),
                _LI,
                days("PRIVACY_CHECK_LOG_DAYS"),
                derived=True,
            ),
            Datum(
                "match",
                _("a keyed hash of the comment's fields"),
                _("pairs a site's correction with its check"),
                _LI,
                days("PRIVACY_CHECK_LOG_DAYS"),
                derived=True,
            ),
        ),
        find=lambda person: Q(email_hash=person.email_hash),
        export_fields=("created", "call", "blog", "spam"),
    ),
    Store(
        "antispam.Reputation",
        _("Spam filter: reputation"),
        (
            Datum(
                "key",
                _(
                    "a keyed hash of an e-mail address, IP address, network, name or web domain, "
                    "with counts of spam and approved comments from it"
                ),
                _("spam protection learnt from moderators' decisions"),
                _LI,
                kept(_("while the filter uses it; yours is deleted when you ask for erasure")),
            ),
        ),
        find=lambda person: Q(kind="email", key=person.email_hash),
        export_fields=("kind", "spam", "ham"),
    ),
    Store(
        "antispam.RecentText",
        _("Spam filter: recent comments"),
        (
            Datum(
                "signature",
                _("a fingerprint of a recent comment's text (not the text)"),
                _("spotting the same spam posted many times"),
                _LI,
                hours("SPAM_CAMPAIGN_HOURS"),
            ),
        ),
        find=None,
        kept_because=_(
            "fingerprints of recent texts hold no address or name, so they cannot be found by "
            "address; they are deleted after the period shown for them"
        ),
    ),
    Store(
        "antispam.Feedback",
        _("Spam filter: what it learnt"),
        (
            Datum(
                "vector",
                _("hashed features of comments moderators marked as spam or not spam"),
                _("teaching the spam filter"),
                _LI,
                kept(_("while the filter learns from it")),
            ),
        ),
        find=None,
        kept_because=_(
            "what the spam filter learnt holds no address, name or text and cannot be tied to "
            "anyone"
        ),
    ),
    Store(
        "privacy.Consent",
        _("Your cookie choice"),
        (
            Datum(
                "email_hash",
                _("a keyed hash of your e-mail address, with whether you ticked “save my details”"),
                _("proof of your consent to the cookie (GDPR Art. 7(1))"),
                Basis.REQUEST,
                kept(_("as long as the cookie may live (1 year)")),
                derived=True,
            ),
        ),
        find=lambda person: Q(email_hash=person.email_hash),
        export_fields=("purpose", "given", "created_at"),
    ),
    Store(
        "privacy.PrivacyRequest",
        _("Your export and erasure requests"),
        (
            Datum(
                "email",
                _("your e-mail address"),
                _("to confirm and carry out your request"),
                Basis.REQUEST,
                hours(
                    "PRIVACY_LINK_HOURS",
                    _("until the request is done, at most %(period)s unconfirmed"),
                ),
                ("email",),
            ),
            Datum(
                "email_hash",
                _("a keyed hash of your e-mail address"),
                _("the record of what was asked and done, and the daily limit of requests"),
                Basis.REQUEST,
                days("PRIVACY_REQUEST_DAYS"),
                derived=True,
            ),
            Datum(
                "ip_hash",
                _("a keyed hash of your IP address"),
                _("limits how many requests one address can send"),
                Basis.REQUEST,
                days("PRIVACY_REQUEST_DAYS"),
                derived=True,
            ),
        ),
        find=lambda person: Q(email_hash=person.email_hash),
        export_fields=("kind", "status", "created_at", "completed_at"),
        eraser=_erase_requests,
        counts_as_erased=False,
        kept_because=_(
            "the record of your request is kept, with a keyed hash of your address instead of "
            "the address, to show that it was answered (GDPR Art. 5(2))"
        ),
    ),
    Store(
        "privacy.ExportFile",
        _("Your data exports"),
        (
            Datum(
                "content",
                _("a copy of everything above about you"),
                _("your export, until you download it"),
                Basis.REQUEST,
                hours("PRIVACY_EXPORT_HOURS", _("until downloaded, at most %(period)s")),
            ),
        ),
        find=lambda person: Q(request__email_hash=person.email_hash),
        exporter=lambda rows: iter(rows.order_by("pk").values("pk", "created_at", "downloaded_at")),
    ),
    Store(
        "admin.LogEntry",
        _("Staff's change history"),
        (
            Datum(
                "object_repr",
                _("the start of a comment (with its author's name) that staff changed"),
                _("shows who changed what in the admin"),
                _LI,
                kept(_("as long as the history is kept")),
            ),
        ),
        find=_log_entries_of,
        export_fields=("action_time", "action_flag"),
        eraser=_erase_log_entries,
    ),
    Store(
        "auth.User",
        _("Accounts"),
        (
            Datum(
                "username",
                _("your user name"),
                _("signing in"),
                Basis.REQUEST,
                kept(_("until the account is closed")),
            ),
            Datum(
                "first_name",
                _("your first name"),
                _("signing in"),
                Basis.REQUEST,
                kept(_("until the account is closed")),
            ),
            Datum(
                "last_name",
                _("your last name"),
                _("signing in"),
                Basis.REQUEST,
                kept(_("until the account is closed")),
            ),
            Datum(
                "email",
                _("your e-mail address"),
                _("signing in"),
                Basis.REQUEST,
                kept(_("until the account is closed")),
            ),
        ),
        find=lambda person: Q(email__iexact=person.email),
        export_fields=("date_joined", "last_login"),
        eraser=keep_rows,
        counts_as_erased=False,
        kept_because=_(
            "an account is closed by the site's staff, who check first that it is yours: "
            "write to the contact below"
        ),
    ),
    Store(
        "transfer.ImportedObject",
        _("Comments imported from the site's previous system"),
        (
            Datum(
                "extra",
                _("what the previous system kept about your comment beyond its text and author"),
                _("written back when the site is exported, so moving loses nothing"),
                _LI,
                kept(_("as long as the comment")),
            ),
        ),
        find=lambda person: Q(comment_id__in=person.comment_ids),
        eraser=_clear_extra,
    ),
)

# Fields whose names look personal but are not about readers, with the reason.
NOT_PERSONAL: dict[str, Text] = {
    "auth.Group.name": _("a staff group's name"),
    "auth.Permission.name": _("a permission's name"),
    "admin.LogEntry.user": _("the staff member who made a change"),
    "articles.Section.name": _("a section's name"),
    "comments.Thread.uri": _("a page's address"),
    "comments.Thread.origin": _("a site's address"),
    "comments.ApiToken.user": _("the staff member an API token belongs to"),
    "comments.ApiToken.name": _("an API token's label"),
    "comments.Webhook.name": _("a webhook's label, set by staff"),
    "comments.Webhook.url": _("a system's address, set by staff"),
    "antispam.ApiKey.name": _("an API key's label, set by staff"),
    "privacy.PrivacyRequest.actor": _("the staff member who ran a request"),
}


def installed() -> list[Store]:
    """The declared stores whose models exist in this installation."""
    return [store for store in STORES if store.model is not None]


def declared_fields() -> set[str]:
    return {f"{store.label}.{datum.field}" for store in STORES for datum in store.data}


def store_for(label: str) -> Store:
    return next(store for store in STORES if store.label == label)
