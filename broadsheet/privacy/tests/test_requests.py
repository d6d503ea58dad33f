"""Readers' export and erasure requests: double opt-in, tokens, limits, export (B-7, B-8, B-13)."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path

import jsonschema_rs
import time_machine
from django.contrib.auth.models import Permission
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from broadsheet.comments.models import Comment, Subscription
from broadsheet.comments.tests.base import site_hash
from broadsheet.privacy.models import ExportFile, PrivacyRequest
from broadsheet.privacy.tests.base import ROSA, PrivacyTestCase

SCHEMA = json.loads((Path(__file__).parents[1] / "export_schema.json").read_text())


class RequestTestCase(PrivacyTestCase):
    def ask(self, email: str = ROSA, kind: str = "export", **extra: str):  # type: ignore[no-untyped-def]
        data = {"email": email, "kind": kind, **extra}
        return self.client.post(reverse("privacy:request"), data, REMOTE_ADDR="198.51.100.7")

    def confirm_path(self) -> str:
        match = re.search(r"https?://[^/\s]+(/privacy/confirm/\S+/)", mail.outbox[-1].body)
        assert match is not None, mail.outbox[-1].body
        return match.group(1)

    def confirm(self, path: str | None = None):  # type: ignore[no-untyped-def]
        with self.captureOnCommitCallbacks(execute=True):
            return self.client.post(path or self.confirm_path())

    def requested(self, email: str = ROSA, kind: str = "export") -> str:
        with self.captureOnCommitCallbacks(execute=True):
            self.ask(email, kind)
        return self.confirm_path()


class IntakeTests(RequestTestCase):
    def test_known_and_unknown_addresses_get_the_same_answer(self) -> None:
        self.rosa_comment()
        with self.captureOnCommitCallbacks(execute=True):
            known = self.ask(ROSA)
            unknown = self.ask("nobody@example.org")
        self.assertEqual(known.status_code, unknown.status_code)
        self.assertEqual(known.content, unknown.content)
        self.assertEqual(len(mail.outbox), 2)  # both are asked to confirm
        self.assertEqual(PrivacyRequest.objects.filter(status="pending").count(), 2)

    def test_a_mail_server_that_fails_costs_the_mail_not_the_readers_page(self) -> None:
        with (
            override_settings(EMAIL_BACKEND="broadsheet.test.RefusingMailServer"),
            self.assertLogs("broadsheet.lib.mail", "ERROR") as logs,
            self.captureOnCommitCallbacks(execute=True),
        ):
            response = self.ask(ROSA)
        self.assertContains(response, "link")
        self.assertEqual(PrivacyRequest.objects.filter(status="pending").count(), 1)
        self.assertNotIn(ROSA, "".join(logs.output))  # the log names the request, not the reader

    def test_nothing_happens_until_the_link_is_followed(self) -> None:
        self.rosa_comment()
        path = self.requested(kind="erase")
        self.assertEqual(self.client.get(path).status_code, 200)  # a mail scanner's visit
        self.assertEqual(Comment.objects.get().author_email, ROSA)
        self.assertEqual(self.confirm(path).status_code, 200)
        self.assertEqual(Comment.objects.get().author_email, "")

    def test_a_reused_token_is_refused(self) -> None:
        path = self.requested()
        self.assertEqual(self.confirm(path).status_code, 200)
        again = self.confirm(path)
        self.assertEqual(again.status_code, 400)
        self.assertContains(again, "already used", status_code=400)
        self.assertEqual(ExportFile.objects.count(), 1)

    def test_a_token_after_24_hours_is_refused_and_the_request_failed(self) -> None:
        path = self.requested(kind="erase")
        self.rosa_comment()
        with time_machine.travel(timezone.now() + timedelta(hours=24, seconds=1)):
            response = self.confirm(path)
        self.assertContains(response, "expired", status_code=400)
        request = PrivacyRequest.objects.get()
        self.assertEqual(request.status, PrivacyRequest.Status.FAILED)
        self.assertEqual(request.email, "")
        self.assertEqual(Comment.objects.get().author_email, ROSA)

    def test_a_token_just_inside_24_hours_works(self) -> None:
        path = self.requested()
        with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
            self.assertEqual(self.confirm(path).status_code, 200)

    def test_forged_token_is_refused(self) -> None:
        self.assertEqual(self.client.post("/privacy/confirm/nonsense/").status_code, 400)

    @override_settings(PRIVACY_RATE_PER_EMAIL=3)
    def test_an_address_gets_three_requests_a_day_silently(self) -> None:
        with self.captureOnCommitCallbacks(execute=True):
            answers = [self.ask(ROSA).content for _ in range(5)]
        self.assertEqual(len(set(answers)), 1)
        self.assertEqual(len(mail.outbox), 3)

    @override_settings(PRIVACY_RATE_PER_IP=10, PRIVACY_RATE_PER_EMAIL=100)
    def test_an_ip_address_gets_ten_requests_an_hour(self) -> None:
        codes = [self.ask(f"p{n}@example.org").status_code for n in range(11)]
        self.assertEqual(codes, [200] * 10 + [429])

    def test_bad_input_shows_the_form_again(self) -> None:
        response = self.ask("not-an-address", kind="nonsense")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'action="/privacy/request/"', status_code=400)

    def test_signed_in_reader_confirms_in_session(self) -> None:
        self.client.force_login(self.reader)
        self.rosa_comment(author_email="reader@example.org", email_hash="")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.ask("reader@example.org", kind="erase")
        self.assertContains(response, "Your data has been erased")
        self.assertEqual(mail.outbox, [])
        self.assertEqual(Comment.objects.get().author_email, "")

    def test_after_completion_only_a_keyed_hash_of_the_address_is_kept(self) -> None:
        self.confirm(self.requested())
        request = PrivacyRequest.objects.get()
        self.assertEqual(request.status, PrivacyRequest.Status.COMPLETED)
        self.assertEqual(request.email, "")
        self.assertEqual(request.email_hash, site_hash(ROSA))
        self.assertFalse(PrivacyRequest.objects.filter(email__icontains="rosa").exists())


class ExportTests(RequestTestCase):
    def download(self) -> dict:  # type: ignore[type-arg]
        response = self.confirm(self.requested())
        link = re.search(r'href="(/privacy/download/[^"]+/)"', response.content.decode())
        assert link is not None
        got = self.client.get(link.group(1))
        self.assertEqual(got.status_code, 200)
        self.assertEqual(got["Content-Type"], "application/json; charset=utf-8")
        self.assertEqual(self.client.get(link.group(1)).status_code, 404)  # once only
        return json.loads(got.content)

    def test_export_matches_the_schema_and_holds_only_rosas_data(self) -> None:
        mine = [
            self.rosa_comment(),
            self.rosa_comment("Held for moderation.", status=Comment.Status.PENDING),
            self.rosa_comment("Buy now", status=Comment.Status.SPAM),
        ]
        theirs = self.add_comment(
            "Another reader's view.", author_name="Ann Other", author_email="ann@example.org"
        )
        reply = self.add_comment(
            "Replying to Rosa.",
            parent=mine[0],
            author_name="Ann Other",
            author_email="ann@example.org",
        )
        Subscription.objects.create(email=ROSA, email_hash=site_hash(ROSA), thread=self.thread)
        Subscription.objects.create(
            email="ann@example.org", email_hash=site_hash("ann@example.org"), thread=self.thread
        )
        data = self.download()
        validator = jsonschema_rs.validator_for(SCHEMA)
        errors = [error.message for error in validator.iter_errors(data)]
        self.assertEqual(errors, [])
        comments = data["stores"]["comments.Comment"]["items"]
        self.assertEqual(sorted(c["id"] for c in comments), sorted(c.pk for c in mine))
        self.assertEqual(len(comments), Comment.objects.filter(author_email=ROSA).count())
        self.assertEqual({c["status"] for c in comments}, {"approved", "pending", "spam"})
        self.assertEqual(len(data["stores"]["comments.Subscription"]["items"]), 1)
        text = json.dumps(data)
        for other in ["ann@example.org", "Ann Other", "Replying to Rosa", theirs.content]:
            self.assertNotIn(other, text)
        self.assertNotIn(str(reply.pk), [str(c["in_reply_to"]) for c in comments])
        self.assertTrue(any(p["field"] == "ip_network" for p in data["processing"]))

    def test_expired_export_link_is_refused(self) -> None:
        response = self.confirm(self.requested())
        link = re.search(r'href="(/privacy/download/[^"]+/)"', response.content.decode())
        assert link is not None
        with time_machine.travel(timezone.now() + timedelta(hours=72, seconds=1)):
            self.assertEqual(self.client.get(link.group(1)).status_code, 404)

    def test_export_of_many_comments_is_complete(self) -> None:
        Comment.objects.bulk_create(
            Comment(thread=self.thread, author_name="Rosa", author_email=ROSA, content=f"n{n}")
            for n in range(1200)
        )
        data = self.download()
        self.assertEqual(len(data["stores"]["comments.Comment"]["items"]), 1200)


class StaffTests(RequestTestCase):
    def grant(self, *codenames: str) -> None:
        self.moderator.user_permissions.add(
            *Permission.objects.filter(content_type__app_label="privacy", codename__in=codenames)
        )

    def test_staff_without_the_permission_get_403(self) -> None:
        self.client.force_login(self.moderator)
        response = self.client.post(reverse("admin:privacy_run"), {"email": ROSA, "kind": "export"})
        self.assertEqual(response.status_code, 403)

    def test_export_needs_the_download_permission(self) -> None:
        self.grant("handle_request", "view_privacyrequest")
        self.client.force_login(self.moderator)
        response = self.client.post(reverse("admin:privacy_run"), {"email": ROSA, "kind": "export"})
        self.assertEqual(response.status_code, 403)

    def test_staff_export_and_erase_from_the_admin_are_logged(self) -> None:
        self.grant("handle_request", "download_export", "view_privacyrequest")
        self.rosa_comment()
        self.client.force_login(self.moderator)
        export = self.client.post(reverse("admin:privacy_run"), {"email": ROSA, "kind": "export"})
        self.assertEqual(export.status_code, 200)
        self.assertEqual(len(json.loads(export.content)["stores"]["comments.Comment"]["items"]), 1)
        erase = self.client.post(reverse("admin:privacy_run"), {"email": ROSA, "kind": "erase"})
        self.assertEqual(erase.status_code, 302)
        self.assertEqual(Comment.objects.get().author_email, "")
        log = PrivacyRequest.objects.order_by("pk")
        self.assertEqual(
            [(r.kind, r.actor, r.source) for r in log],
            [("export", self.moderator, "admin"), ("erase", self.moderator, "admin")],
        )
        queue = self.client.get(reverse("admin:privacy_privacyrequest_changelist"))
        self.assertContains(queue, "never run")

    def test_commands_export_and_erase(self) -> None:
        self.rosa_comment()
        out = io.StringIO()
        call_command("privacy", "export", "--email", ROSA, stdout=out)
        self.assertEqual(len(json.loads(out.getvalue())["stores"]["comments.Comment"]["items"]), 1)
        call_command("privacy", "erase", "--email", ROSA.upper(), stdout=io.StringIO())
        self.assertEqual(Comment.objects.get().author_name, "Anonymous")
        self.assertEqual(PrivacyRequest.objects.filter(source="command").count(), 2)
