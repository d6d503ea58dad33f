from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from unittest import mock

import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import TransactionTestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from broadsheet.comments import actions, webhooks
from broadsheet.comments.models import Comment, Webhook, WebhookDelivery
from broadsheet.comments.pipeline import Submission
from broadsheet.comments.tests.base import CommentsTestCase
from broadsheet.test import free_port

SECRET = "s3cret-shared-with-the-receiver"


def verify(secret: str, body: bytes, timestamp: str, signature: str, tolerance: int = 300) -> bool:
    """The receiver's check, as the README shows it."""
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return hmac.compare_digest("sha256=" + expected.hexdigest(), signature)


class Receiver:
    """A webhook receiver on loopback that checks each request's signature."""

    def __init__(self, status: int = 204, headers: dict[str, str] | None = None) -> None:
        self.status = status
        self.headers = headers or {}
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(
                    {
                        "headers": dict(self.headers),
                        "body": body,
                        "verified": verify(
                            SECRET,
                            body,
                            self.headers["X-Broadsheet-Timestamp"],
                            self.headers["X-Broadsheet-Signature"],
                        ),
                    }
                )
                self.send_response(receiver.status)
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    @contextmanager
    def running(self) -> Iterator[Receiver]:
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def make_hook(url: str, events: list[str] | None = None, **fields: Any) -> Webhook:
    return Webhook.objects.create(
        name="Newsroom chat",
        url=url,
        secret=SECRET,
        events=events if events is not None else list(Webhook.Event.values),
        **fields,
    )


class QueueTests(CommentsTestCase):
    def test_no_webhook_means_no_delivery_and_no_thread(self) -> None:
        comment = self.add_comment(status=Comment.Status.PENDING)
        with (
            mock.patch("broadsheet.comments.webhooks.deliver_soon") as soon,
            self.captureOnCommitCallbacks(execute=True),
        ):
            actions.do_approve(comment, moderator=self.moderator)
        self.assertFalse(WebhookDelivery.objects.exists())
        soon.assert_not_called()

    def test_only_active_webhooks_that_want_the_event_get_it(self) -> None:
        wants = make_hook("http://127.0.0.1:9/a", [Webhook.Event.SPAM])
        make_hook("http://127.0.0.1:9/b", [Webhook.Event.APPROVED])
        make_hook("http://127.0.0.1:9/c", [Webhook.Event.SPAM], is_active=False)
        comment = self.add_comment(status=Comment.Status.PENDING)
        with self.captureOnCommitCallbacks() as callbacks:
            actions.do_mark_spam(comment, moderator=self.moderator)
        delivery = WebhookDelivery.objects.get()
        self.assertEqual((delivery.webhook, delivery.event), (wants, "comment.spam"))
        self.assertIn(webhooks.deliver_soon, callbacks)

    def test_approve_and_post_queue_their_events(self) -> None:
        make_hook("http://127.0.0.1:9/")
        comment = self.add_comment(status=Comment.Status.PENDING)
        actions.do_approve(comment, moderator=self.moderator)
        self.assertEqual(WebhookDelivery.objects.get().event, "comment.approved")

    def test_an_edit_whose_recheck_approves_queues_approved(self) -> None:
        make_hook("http://127.0.0.1:9/", [Webhook.Event.APPROVED])
        comment = self.add_comment("Held.", status=Comment.Status.PENDING)
        sub = Submission(
            thread=self.thread,
            content="Edited.",
            author_name="Someone",
            author_email="",
            author_url="",
            parent=None,
            ip="198.51.100.7",
            ip_hash="",
            email_hash="",
            user_agent="",
            referrer="",
            now=timezone.now(),
            is_staff=True,
            editing=comment,
        )
        actions.do_edit(comment, sub)
        self.assertEqual(WebhookDelivery.objects.get().event, "comment.approved")

    def test_a_change_that_rolls_back_queues_nothing(self) -> None:
        make_hook("http://127.0.0.1:9/")
        comment = self.add_comment(status=Comment.Status.PENDING)
        with self.assertRaises(RuntimeError), transaction.atomic():
            actions.do_approve(comment, moderator=self.moderator)
            raise RuntimeError("the request failed after approving")
        self.assertFalse(WebhookDelivery.objects.exists())

    def test_payload_describes_the_comment_without_email_or_address(self) -> None:
        make_hook("http://127.0.0.1:9/")
        comment = self.add_comment(
            "Well said.", author_email="rosa@example.org", status=Comment.Status.PENDING
        )
        actions.do_approve(comment, moderator=self.moderator)
        body = WebhookDelivery.objects.get().body
        data = json.loads(body)
        self.assertEqual(data["event"], "comment.approved")
        self.assertEqual(data["comment"]["id"], comment.pk)
        self.assertEqual(data["comment"]["status"], "approved")
        self.assertEqual(data["comment"]["content"], "Well said.")
        self.assertEqual(data["comment"]["thread"]["title"], "Bridge reopens")
        self.assertTrue(data["comment"]["url"].endswith(f"/bridge-reopens/#comment-{comment.pk}"))
        self.assertNotIn("rosa@example.org", body)
        self.assertNotIn("198.51.100", body)


class DeliveryTests(CommentsTestCase):
    def queue(self, url: str) -> WebhookDelivery:
        make_hook(url)
        actions.do_mark_spam(
            self.add_comment(status=Comment.Status.PENDING), moderator=self.moderator
        )
        return WebhookDelivery.objects.get()

    def test_receiver_verifies_the_signature_and_sees_the_event(self) -> None:
        with Receiver().running() as receiver:
            delivery = self.queue(receiver.url)
            self.assertEqual(webhooks.deliver_due(), 1)
        [request] = receiver.requests
        self.assertTrue(request["verified"])
        self.assertEqual(request["body"], delivery.body.encode())
        self.assertEqual(request["headers"]["X-Broadsheet-Event"], "comment.spam")
        self.assertEqual(request["headers"]["X-Broadsheet-Delivery"], str(delivery.pk))
        self.assertTrue(request["headers"]["Content-Type"].startswith("application/json"))
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, WebhookDelivery.Status.DELIVERED)
        self.assertEqual((delivery.attempts, delivery.status_code, delivery.error), (1, 204, ""))

    def test_a_wrong_secret_fails_the_receivers_check(self) -> None:
        with Receiver().running() as receiver:
            delivery = self.queue(receiver.url)
            Webhook.objects.update(secret="not-the-shared-one")
            webhooks.deliver_due()
        self.assertFalse(receiver.requests[0]["verified"])
        delivery.refresh_from_db()
        self.assertEqual(delivery.attempts, 1)

    @override_settings(WEBHOOK_MAX_ATTEMPTS=3, WEBHOOK_RETRY_SECONDS=30)
    def test_failing_receiver_is_retried_with_backoff_then_logged_as_failed(self) -> None:
        with Receiver(status=503).running() as receiver, time_machine.travel(0, tick=False) as t:
            delivery = self.queue(receiver.url)
            start = timezone.now()
            self.assertEqual(webhooks.deliver_due(), 1)
            delivery.refresh_from_db()
            self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)
            self.assertEqual((delivery.attempts, delivery.status_code), (1, 503))
            self.assertEqual(delivery.error, "HTTP 503 Service Unavailable")
            self.assertEqual(delivery.next_attempt_at, start + timedelta(seconds=30))

            t.shift(29)
            self.assertEqual(webhooks.deliver_due(), 0)  # not due yet
            t.shift(1)
            self.assertEqual(webhooks.deliver_due(), 1)
            delivery.refresh_from_db()
            self.assertEqual(delivery.attempts, 2)
            self.assertEqual(delivery.next_attempt_at, timezone.now() + timedelta(seconds=60))

            t.shift(60)
            call_command("comments", "deliver", verbosity=0)
            delivery.refresh_from_db()
        self.assertEqual(len(receiver.requests), 3)
        self.assertTrue(all(request["verified"] for request in receiver.requests))
        self.assertEqual(delivery.status, WebhookDelivery.Status.FAILED)
        self.assertEqual((delivery.attempts, delivery.status_code), (3, 503))
        self.assertIsNone(delivery.next_attempt_at)
        self.assertEqual(webhooks.deliver_due(), 0)

    def test_unreachable_receiver_is_logged_with_the_reason(self) -> None:
        delivery = self.queue(f"http://127.0.0.1:{free_port()}/")
        webhooks.deliver_due()
        delivery.refresh_from_db()
        self.assertIsNone(delivery.status_code)
        self.assertIn("refused", delivery.error.lower())
        self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)

    def test_a_redirect_is_a_failure_and_is_not_followed(self) -> None:
        with Receiver(status=302, headers={"Location": "http://127.0.0.1:9/"}).running() as r:
            delivery = self.queue(r.url)
            webhooks.deliver_due()
        delivery.refresh_from_db()
        self.assertEqual((delivery.status_code, delivery.attempts), (302, 1))
        self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)
        self.assertEqual(len(r.requests), 1)

    def test_a_claimed_delivery_is_not_sent_twice(self) -> None:
        with Receiver().running() as receiver:
            delivery = self.queue(receiver.url)
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=timezone.now() + webhooks.LEASE
            )  # as another process's claim leaves it
            self.assertEqual(webhooks.deliver_due(), 0)
        self.assertEqual(receiver.requests, [])

    @override_settings(WEBHOOK_LOG_DAYS=30)
    def test_log_older_than_its_retention_is_pruned(self) -> None:
        delivery = self.queue("http://127.0.0.1:9/")
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            created_at=timezone.now() - timedelta(days=31), status=WebhookDelivery.Status.FAILED
        )
        self.assertEqual(webhooks.prune_log(), 1)


class AdminTests(CommentsTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.client.force_login(self.editor)
        self.editor.is_superuser = True
        self.editor.save()

    def test_webhook_is_configured_with_url_secret_events_and_active(self) -> None:
        response = self.client.post(
            reverse("admin:comments_webhook_add"),
            {
                "name": "Chat",
                "url": "https://hooks.example/broadsheet",
                "secret": "abc",
                "events": ["comment.posted", "comment.spam"],
                "is_active": "on",
            },
        )
        self.assertEqual(response.status_code, 302)
        hook = Webhook.objects.get()
        self.assertEqual(hook.events, ["comment.posted", "comment.spam"])
        self.assertTrue(hook.is_active)

    def test_a_new_webhook_gets_a_random_secret(self) -> None:
        response = self.client.get(reverse("admin:comments_webhook_add"))
        self.assertEqual(len(response.context["adminform"].form["secret"].value()), 64)

    def test_delivery_log_shows_status_code_attempts_and_error_and_filters(self) -> None:
        hook = make_hook("http://127.0.0.1:9/")
        WebhookDelivery.objects.create(
            webhook=hook,
            event="comment.posted",
            body="{}",
            status="failed",
            attempts=8,
            status_code=500,
            error="HTTP 500 Internal Server Error",
        )
        WebhookDelivery.objects.create(
            webhook=hook,
            event="comment.spam",
            body="{}",
            status="delivered",
            attempts=1,
            status_code=200,
        )
        url = reverse("admin:comments_webhookdelivery_changelist")
        failed = self.client.get(url, {"status__exact": "failed"})
        self.assertContains(failed, '<td class="field-status_code">500</td>', html=False)
        self.assertContains(failed, '<td class="field-attempts">8</td>', html=False)
        self.assertContains(failed, "HTTP 500 Internal Server Error")
        self.assertEqual([d.event for d in failed.context["cl"].result_list], ["comment.posted"])
        by_event = self.client.get(url, {"event": "comment.spam"})
        self.assertEqual([d.status for d in by_event.context["cl"].result_list], ["delivered"])

    def test_retry_action_makes_failed_deliveries_due_again(self) -> None:
        hook = make_hook("http://127.0.0.1:9/")
        delivery = WebhookDelivery.objects.create(
            webhook=hook, event="comment.posted", body="{}", status="failed", attempts=8
        )
        with self.captureOnCommitCallbacks() as callbacks:
            self.client.post(
                reverse("admin:comments_webhookdelivery_changelist"),
                {"action": "retry", "_selected_action": [delivery.pk]},
            )
        delivery.refresh_from_db()
        self.assertEqual(delivery.status, WebhookDelivery.Status.PENDING)
        self.assertLessEqual(delivery.next_attempt_at, timezone.now())
        self.assertIn(webhooks.deliver_soon, callbacks)

    def test_ping_sends_a_signed_test_event(self) -> None:
        with Receiver().running() as receiver:
            hook = make_hook(receiver.url)
            self.client.post(
                reverse("admin:comments_webhook_changelist"),
                {"action": "send_ping", "_selected_action": [hook.pk]},
            )
            webhooks.deliver_due()
        self.assertTrue(receiver.requests[0]["verified"])
        self.assertEqual(json.loads(receiver.requests[0]["body"])["event"], "ping")

    def test_moderator_without_webhook_rights_cannot_see_them(self) -> None:
        self.client.force_login(self.moderator)
        response = self.client.get(reverse("admin:comments_webhook_changelist"))
        self.assertEqual(response.status_code, 403)


class BackgroundDeliveryTests(TransactionTestCase):
    """After commit, a thread of the serving process delivers: no request waits for it."""

    def test_after_commit_a_background_thread_delivers_the_event(self) -> None:
        from broadsheet.articles.models import Article, Section
        from broadsheet.comments.models import Thread

        section = Section.objects.create(name="Town", slug="town")
        article = Article.objects.create(
            title="Bridge",
            slug="bridge",
            section=section,
            status=Article.Status.PUBLISHED,
            published_at=timezone.now(),
        )
        comment = Comment.objects.create(
            thread=Thread.objects.create(article=article), author_name="Rosa", content="Hi."
        )
        with Receiver().running() as receiver:
            make_hook(receiver.url)
            actions.do_approve(comment, moderator=None)
            deadline = time.monotonic() + 10
            while not receiver.requests and time.monotonic() < deadline:
                time.sleep(0.02)
            while webhooks._running.locked() and time.monotonic() < deadline:
                time.sleep(0.02)  # let the thread record the attempt and close its connection
        self.assertTrue(receiver.requests[0]["verified"])
        delivery = WebhookDelivery.objects.get()
        self.assertEqual(delivery.status, WebhookDelivery.Status.DELIVERED)
