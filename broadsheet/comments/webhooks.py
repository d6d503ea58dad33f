"""Signed webhooks: an outbox of deliveries, sent after commit and retried with backoff.

A state change queues one ``WebhookDelivery`` per interested webhook inside its own
transaction, so an event is never sent for a change that rolled back, nor lost when the process
dies. After commit a short-lived thread sends what is due, off the request's path; failed
attempts wait twice as long each time and are picked up by the next thread or by
``broadsheet comments deliver`` (cron or ``--loop``). Claims are conditional updates, so any
number of threads and commands may run at once without sending a delivery twice.

Nothing is ever sent unless a site has configured an active webhook.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import logging
import threading
import urllib.error
import urllib.request
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from broadsheet.comments.models import Comment, Webhook, WebhookDelivery

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Broadsheet-Signature"
TIMESTAMP_HEADER = "X-Broadsheet-Timestamp"
# A claimed delivery is left alone this long: longer than any attempt, so only a process that
# died mid-attempt has its claim taken over.
LEASE = timedelta(minutes=5)
BATCH = 100


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header's value: HMAC-SHA256 of the timestamp, a dot and the body.

    The timestamp is signed with the body so a captured request cannot be replayed later.
    """
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def payload(event: str, comment: Comment) -> str:
    """What a receiver is told: the comment and its thread, never an e-mail or IP address."""
    thread = comment.thread
    return json.dumps(
        {
            "event": event,
            "created_at": timezone.now().isoformat(),
            "comment": {
                "id": comment.pk,
                "status": comment.status,
                "url": f"{thread.permalink()}#comment-{comment.pk}",
                "parent_id": comment.parent_id,
                "author_name": comment.author_name,
                "author_url": comment.author_url,
                "content": comment.content,
                "content_html": comment.content_html,
                "created_at": comment.created_at.isoformat(),
                "thread": {
                    "id": thread.pk,
                    "title": str(thread),
                    "url": thread.permalink(),
                    "origin": thread.origin,
                    "uri": thread.uri,
                },
            },
        },
        ensure_ascii=False,
    )


def enqueue(event: str, comment: Comment) -> None:
    """Queue the event for every active webhook that wants it; call inside the transaction."""
    hooks = [hook for hook in Webhook.objects.filter(is_active=True) if event in hook.events]
    if not hooks:
        return
    body = payload(event, comment)
    now = timezone.now()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(webhook=hook, event=event, body=body, next_attempt_at=now) for hook in hooks
    )
    transaction.on_commit(deliver_soon)


def ping(hook: Webhook) -> None:
    """A test event from the admin, to check the receiver and its secret."""
    body = json.dumps({"event": "ping", "created_at": timezone.now().isoformat()})
    with transaction.atomic():
        WebhookDelivery.objects.create(
            webhook=hook, event="ping", body=body, next_attempt_at=timezone.now()
        )
        transaction.on_commit(deliver_soon)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts: doubling each time."""
    return timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** (attempts - 1))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect is an answer from the wrong place: it counts as a failure, and the signed body
    # is never sent on to wherever it points.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(delivery: WebhookDelivery, now: datetime) -> tuple[int | None, str]:
    """Send one attempt; the HTTP status (None when there was no answer) and what went wrong."""
    body = delivery.body.encode()
    timestamp = str(int(now.timestamp()))
    request = urllib.request.Request(
        delivery.webhook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Broadsheet-Webhooks/1",
            "X-Broadsheet-Event": delivery.event,
            "X-Broadsheet-Delivery": str(delivery.pk),
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: sign(delivery.webhook.secret, timestamp, body),
        },
    )
    try:
        with _opener.open(request, timeout=settings.WEBHOOK_TIMEOUT) as response:
            status: int = response.status
    except urllib.error.HTTPError as error:
        error.close()
        return error.code, f"HTTP {error.code} {error.reason}"
    except urllib.error.URLError as error:
        return None, str(error.reason)
    except (OSError, http.client.HTTPException, ValueError) as error:
        return None, str(error) or type(error).__name__
    if 200 <= status < 300:
        return status, ""
    return status, f"HTTP {status}"


def attempt(delivery: WebhookDelivery, now: datetime) -> None:
    """One attempt, recorded: delivered, failed for good, or due again after a backoff."""
    code, error = post(delivery, now)
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.status_code = code
    delivery.error = error[:500]
    if not error:
        delivery.status = WebhookDelivery.Status.DELIVERED
        delivery.delivered_at = now
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.next_attempt_at = None
        logger.warning(
            "webhook %s gave up on delivery %s after %s attempts: %s",
            delivery.webhook,
            delivery.pk,
            delivery.attempts,
            error,
        )
    else:
        delivery.next_attempt_at = now + backoff(delivery.attempts)
    delivery.save()


def deliver_due() -> int:
    """Send every delivery that is due, each claimed first; returns how many were attempted."""
    now = timezone.now()
    due = WebhookDelivery.objects.filter(
        status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now, webhook__is_active=True
    )
    attempted = 0
    for pk in due.order_by("next_attempt_at").values_list("pk", flat=True)[:BATCH]:
        claimed = due.filter(pk=pk).update(next_attempt_at=now + LEASE)
        if claimed:
            attempt(WebhookDelivery.objects.select_related("webhook").get(pk=pk), now)
            attempted += 1
    return attempted


def prune_log() -> int:
    """Forget deliveries older than the log's retention: their bodies hold names and text."""
    cutoff = timezone.now() - timedelta(days=settings.WEBHOOK_LOG_DAYS)
    deleted, _ = WebhookDelivery.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def retry_now(deliveries: list[WebhookDelivery]) -> None:
    """Make deliveries due at once, even failed ones (each gets one more attempt)."""
    ids = [delivery.pk for delivery in deliveries]
    WebhookDelivery.objects.filter(pk__in=ids).update(
        status=WebhookDelivery.Status.PENDING, next_attempt_at=timezone.now()
    )
    transaction.on_commit(deliver_soon)


# One sender thread per process at a time; a request for more while it runs makes it go round
# once more rather than starting another.
_running = threading.Lock()
_wanted = threading.Event()


def deliver_soon() -> None:
    """Send due deliveries in a short-lived thread, so no request waits for a receiver."""
    _wanted.set()
    if _running.acquire(blocking=False):
        threading.Thread(target=_drain, name="broadsheet-webhooks", daemon=True).start()


def _drain() -> None:
    try:
        while _wanted.is_set():
            _wanted.clear()
            while deliver_due() == BATCH:
                pass
            prune_log()
    except Exception:
        # Whatever is left stays pending for the next thread or `broadsheet comments deliver`.
        logger.exception("webhook delivery thread failed")
    finally:
        connections.close_all()
        _running.release()
    if _wanted.is_set():  # asked for again between the last round and the release
        deliver_soon()
