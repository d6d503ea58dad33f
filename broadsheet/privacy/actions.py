"""Every change privacy makes: requests, their confirmation, export, erasure, consent, purge.

One function each, one transaction each; e-mail goes out only after the commit. The reader's
form, the admin and the `privacy` command all call these.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from broadsheet.lib.ip import keyed_hash
from broadsheet.lib.mail import send_after_response
from broadsheet.privacy import keys, people, retention, tokens
from broadsheet.privacy.inventory import Person
from broadsheet.privacy.models import Consent, ExportFile, PrivacyRequest, PurgeRun

logger = logging.getLogger(__name__)

Status = PrivacyRequest.Status


class RateLimited(Exception):
    """Too many requests from one IP address in the last hour."""


@dataclass
class Outcome:
    """What a confirmation or a staff run did; ``download`` is the export link's secret."""

    request: PrivacyRequest
    refused: str = ""  # "invalid", "used" or "expired" when nothing was done
    download: str = ""
    json: str = ""


def do_submit_request(
    *, email: str, kind: str, replace_content: bool, ip: str, user: Any = None
) -> Outcome | None:
    """A reader asks for an export or erasure. The answer must not show whether we know the
    address, so whatever is or is not sent, the caller shows the same page; None when the
    address's daily limit silently swallowed it. A signed-in reader asking about their own
    account's address is carried out at once: they have proved it is theirs."""
    person = Person(email)
    now = timezone.now()
    ip_hash = keys.ip_hash(ip)
    recent = PrivacyRequest.objects.filter(created_at__gte=now - timedelta(hours=1))
    if recent.filter(ip_hash=ip_hash).count() >= settings.PRIVACY_RATE_PER_IP:
        raise RateLimited
    today = PrivacyRequest.objects.filter(created_at__gte=now - timedelta(days=1))
    if today.filter(email_hash=person.email_hash).count() >= settings.PRIVACY_RATE_PER_EMAIL:
        return None
    in_session = bool(
        user is not None and user.is_authenticated and user.email.strip().lower() == person.email
    )
    with transaction.atomic():
        request = PrivacyRequest.objects.create(
            kind=kind,
            source=PrivacyRequest.Source.READER,
            email=person.email,
            email_hash=person.email_hash,
            ip_hash=ip_hash,
            replace_content=replace_content and kind == PrivacyRequest.Kind.ERASE,
        )
        if in_session:
            return _carry_out(request, person, now=now)
        raw, request.token_hash = tokens.new_secret()
        request.save(update_fields=["token_hash"])
        link = settings.BASE_URL + reverse(
            "privacy:confirm", args=[tokens.confirm_token(request.pk, raw)]
        )
        transaction.on_commit(lambda: _mail_confirmation(request, link))
    return Outcome(request)


def do_confirm(token: str) -> Outcome | None:
    """The reader followed the e-mailed link and pressed the button: carry the request out.

    None for a forged token; an Outcome with ``refused`` for a used or expired one (an expired
    request is marked failed).
    """
    read = tokens.read_confirm_token(token)
    if read is None:
        return None
    request_id, raw = read
    now = timezone.now()
    with transaction.atomic():
        request = PrivacyRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None:
            return None
        if request.status != Status.PENDING or not tokens.matches(raw, request.token_hash):
            return Outcome(request, refused="used")
        if now - request.created_at > timedelta(hours=settings.PRIVACY_LINK_HOURS):
            _fail(request, "the confirmation link expired")
            return Outcome(request, refused="expired")
        outcome = _carry_out(request, Person(request.email), now=now)
        transaction.on_commit(lambda: _notify_staff(request))
    return outcome


def do_staff_request(
    *, email: str, kind: str, actor: Any, source: str, replace_content: bool = False
) -> Outcome:
    """Staff export or erase for an address (admin or command line); logged as a request.

    The export's JSON is handed back directly rather than stored behind a link.
    """
    person = Person(email)
    now = timezone.now()
    with transaction.atomic():
        request = PrivacyRequest.objects.create(
            kind=kind,
            source=source,
            email=person.email,
            email_hash=person.email_hash,
            actor=actor,
            replace_content=replace_content,
            confirmed_at=now,
        )
        return _carry_out(request, person, now=now, store_export=False)


def do_download(raw: str) -> str | None:
    """The export's JSON, once: the file is emptied as it is handed over. None when the link
    is unknown, used or expired."""
    with transaction.atomic():
        export = (
            ExportFile.objects.select_for_update()
            .filter(token_hash=tokens.digest(raw), downloaded_at__isnull=True)
            .first()
        )
        if export is None or timezone.now() > export.expires_at:
            return None
        content = export.content
        export.content = ""
        export.downloaded_at = timezone.now()
        export.save(update_fields=["content", "downloaded_at"])
    return content


def do_record_consent(email: str, *, given: bool) -> None:
    """The commenter's answer to "save my details" (GDPR Art. 7(1): consent can be shown)."""
    if not email.strip():
        return
    Consent.objects.create(
        email_hash=keyed_hash(email, key=settings.SECRET_KEY, purpose="email"),
        purpose=Consent.Purpose.DETAILS_COOKIE,
        given=given,
    )


def do_purge() -> PurgeRun:
    started = timezone.now()
    with transaction.atomic():
        counts = retention.purge(started)
        run = PurgeRun.objects.create(started_at=started, finished_at=timezone.now(), counts=counts)
    keys.forget_cached()
    return run


def _carry_out(
    request: PrivacyRequest, person: Person, *, now: Any, store_export: bool = True
) -> Outcome:
    outcome = Outcome(request)
    if request.kind == PrivacyRequest.Kind.EXPORT:
        data = people.export_data(person)
        outcome.json = people.to_json(data)
        request.outcome = {"items": {label: len(s["items"]) for label, s in data["stores"].items()}}
        if store_export:
            outcome.download, token_hash = tokens.new_secret()
            ExportFile.objects.create(request=request, token_hash=token_hash, content=outcome.json)
    else:
        request.outcome = people.erase_data(person, replace_content=request.replace_content)
    request.status = Status.COMPLETED
    request.confirmed_at = request.confirmed_at or now
    request.completed_at = timezone.now()
    request.email = ""  # from now on only the keyed hash (spec B-11)
    request.token_hash = ""
    request.save()
    return outcome


def _fail(request: PrivacyRequest, reason: str) -> None:
    request.status = Status.FAILED
    request.email = ""
    request.token_hash = ""
    request.outcome = {"reason": reason}
    request.save(update_fields=["status", "email", "token_hash", "outcome"])


def _mail_confirmation(request: PrivacyRequest, link: str) -> None:
    context = {
        "request": request,
        "link": link,
        "hours": settings.PRIVACY_LINK_HOURS,
        "SITE_NAME": settings.SITE_NAME,
    }
    subject = render_to_string("privacy/email/confirm_subject.txt", context).strip()
    body = render_to_string("privacy/email/confirm.txt", context)
    message = EmailMessage(subject, body, to=[request.email])
    send_after_response([message], f"confirmation of privacy request {request.pk}")


def _notify_staff(request: PrivacyRequest) -> None:
    """Staff who handle requests hear of each one carried out (no address in the mail)."""
    staff = get_user_model().objects.filter(is_active=True).exclude(email="")
    recipients = [user.email for user in staff if user.has_perm("privacy.handle_request")]
    if not recipients:
        return
    link = settings.BASE_URL + reverse("admin:privacy_privacyrequest_change", args=[request.pk])
    body = render_to_string("privacy/email/staff.txt", {"request": request, "link": link})
    subject = f"[{settings.SITE_NAME}] {request}"
    send_after_response(
        [EmailMessage(subject, body, to=recipients)], f"staff about privacy request {request.pk}"
    )
