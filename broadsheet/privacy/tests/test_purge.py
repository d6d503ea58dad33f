"""`broadsheet privacy purge` under a frozen clock: exactly the expected rows change, once (B-4)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import time_machine
from django.apps import apps
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from broadsheet.antispam.models import RecentText
from broadsheet.comments.models import Comment, Subscription
from broadsheet.privacy import keys
from broadsheet.privacy.inventory import DELETED
from broadsheet.privacy.models import Consent, ExportFile, IpKey, PrivacyRequest, PurgeRun
from broadsheet.privacy.tests.base import ROSA, PrivacyTestCase

NOW = datetime(2026, 6, 1, 3, 17, tzinfo=UTC)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


class PurgeTests(PrivacyTestCase):
    def old(self, age: timedelta, status: str = "approved", **fields: Any) -> Comment:
        comment = self.rosa_comment(f"{status} {age}", status=status, **fields)
        Comment.objects.filter(pk=comment.pk).update(created_at=NOW - age)
        return comment

    def purge(self) -> dict[str, int]:
        out = io.StringIO()
        with time_machine.travel(NOW, tick=False):
            call_command("privacy", "purge", stdout=out)
        return PurgeRun.objects.first().counts  # type: ignore[union-attr]

    def request(self, age: timedelta, status: str, **fields: Any) -> PrivacyRequest:
        values = {"email": ROSA, "email_hash": "h", "ip_hash": "i", **fields}
        return PrivacyRequest.objects.create(
            kind="export", source="reader", status=status, created_at=NOW - age, **values
        )

    def test_purge_leaves_exactly_the_expected_rows_and_a_second_run_changes_nothing(self) -> None:
        keys.forget_cached()
        d = timedelta(days=1)
        h = timedelta(hours=1)
        old_ip = self.old(31 * d)
        new_ip = self.old(29 * d)
        self.old(16 * d, "spam")
        spam_kept = self.old(14 * d, "spam")
        trashed_with_reply = self.old(16 * d, "trash")
        reply = self.add_comment("An answer.", parent=trashed_with_reply, author_name="Ann")
        Comment.objects.filter(pk=reply.pk).update(created_at=ago(days=15))
        spam_parent = self.old(16 * d, "spam")
        self.old(16 * d, "spam", parent=spam_parent)
        self.old(31 * d, "pending")
        pending_kept = self.old(29 * d, "pending")

        RecentText.objects.bulk_create(
            RecentText(
                site="local",
                created=NOW - age,
                signature=np.zeros(2).tobytes(),
                **{f"b{i}": 0 for i in range(8)},
            )
            for age in (73 * h, 71 * h)
        )
        expired = self.request(25 * h, "pending", token_hash="t")
        fresh = self.request(23 * h, "pending", token_hash="t")
        ancient = self.request(366 * d, "completed", email="")
        recent = self.request(364 * d, "completed", email="", outcome={"erased": {}})
        for age, request in ((73 * h, ancient), (71 * h, recent)):
            ExportFile.objects.create(
                request=request, token_hash=str(age), content="{}", created_at=NOW - age
            )
        Consent.objects.create(
            email_hash="h", purpose="details-cookie", given=True, created_at=ago(days=366)
        )
        Consent.objects.create(
            email_hash="h", purpose="details-cookie", given=True, created_at=ago(days=364)
        )
        with time_machine.travel(NOW - 21 * d, tick=False):
            keys.ip_hash("203.0.113.57")
        with time_machine.travel(NOW, tick=False):
            keys.ip_hash("203.0.113.57")
        for email, age, confirmed in (
            ("never@example.org", 31 * d, None),
            ("waiting@example.org", 29 * d, None),
            ("reader@example.org", 400 * d, ago(days=399)),
        ):
            made = Subscription.objects.create(
                email=email, email_hash=email, thread=self.thread, confirmed_at=confirmed
            )
            Subscription.objects.filter(pk=made.pk).update(created_at=NOW - age)
        logs = self._check_logs()

        counts = self.purge()

        self.assertEqual(
            counts,
            {
                "comment_ip_data": 2,  # old_ip, and the old pending one (deleted next)
                "spam_and_trash_comments": 4,  # 3 deleted (2 a chain); 1 with a reply blanked
                "unmoderated_comments": 1,
                "unconfirmed_subscriptions": 1,
                "spam_check_logs": logs,
                "recent_spam_texts": 1,
                "export_files": 1,
                "expired_requests": 1,
                "old_requests": 1,
                "consents": 1,
                "ip_keys": 1,
            },
        )
        left = set(Comment.objects.values_list("pk", flat=True))
        self.assertEqual(
            left,
            {old_ip.pk, new_ip.pk, spam_kept.pk, trashed_with_reply.pk, reply.pk, pending_kept.pk},
        )
        old_ip.refresh_from_db()
        new_ip.refresh_from_db()
        self.assertEqual(
            (old_ip.ip_network, old_ip.ip_hash, old_ip.user_agent_family), ("", "", "")
        )
        self.assertEqual(new_ip.ip_network, "203.0.113.0/24")
        self.assertTrue(new_ip.ip_hash)
        trashed_with_reply.refresh_from_db()
        self.assertEqual(trashed_with_reply.content, DELETED)
        self.assertEqual(trashed_with_reply.author_email, "")
        expired.refresh_from_db()
        fresh.refresh_from_db()
        ancient.refresh_from_db()
        recent.refresh_from_db()
        self.assertEqual((expired.status, expired.email), ("failed", ""))
        self.assertEqual((fresh.status, fresh.email), ("pending", ROSA))
        self.assertEqual((ancient.ip_hash, ancient.outcome, ancient.email_hash), ("", {}, "h"))
        self.assertEqual(recent.ip_hash, "i")
        self.assertEqual(ExportFile.objects.get().request, recent)
        self.assertEqual(RecentText.objects.count(), 1)
        self.assertEqual(Consent.objects.count(), 1)
        self.assertEqual(
            set(Subscription.objects.values_list("email", flat=True)),
            {"waiting@example.org", "reader@example.org"},
        )
        periods = set(IpKey.objects.values_list("period", flat=True))
        self.assertIn(keys.period(NOW), periods)
        self.assertNotIn(keys.period(NOW - 21 * d), periods)

        self.assertEqual(set(self.purge().values()), {0})

    def _check_logs(self) -> int:
        try:
            check_log = apps.get_model("antispam", "CheckLog")
            api_key = apps.get_model("antispam", "ApiKey")
        except LookupError:  # the Akismet-compatible API has not landed in this tree
            return 0
        key = api_key.objects.create(blogs="https://blog.example.com/")
        for age in (16, 14):
            check_log.objects.create(
                key=key,
                call="check",
                blog="blog.example.com",
                created=ago(days=age),
                fields={"user_ip": "203.0.113.57"},
            )
        return 1

    def test_admin_shows_when_the_purge_last_ran(self) -> None:
        self.purge()
        self.moderator.user_permissions.add(Permission.objects.get(codename="view_privacyrequest"))
        self.client.force_login(self.moderator)
        response = self.client.get(reverse("admin:privacy_privacyrequest_changelist"))
        self.assertContains(response, "Retention job last ran")
