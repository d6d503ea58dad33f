"""API keys: made by the command or the admin, listed, revoked; the dashboard shows their calls."""

from __future__ import annotations

import re
from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from broadsheet.antispam.models import ApiKey, CheckLog
from broadsheet.antispam.tests.api_base import BLOG, ApiTestCase

KEY = re.compile(r"^[a-z0-9]{12}$")


def run(*args: str) -> str:
    out = StringIO()
    call_command("akismet", "keys", *args, stdout=out)
    return out.getvalue()


class KeyCommandTests(ApiTestCase):
    def test_create_prints_the_key_alone_on_the_last_line(self) -> None:
        output = run("create", "--site", "https://news.example/", "--site", "http://b.example")
        key = output.strip().splitlines()[-1]
        self.assertRegex(key, KEY)  # WordPress only accepts 12 characters
        self.assertEqual(
            ApiKey.objects.get(key=key).blog_list, ["https://news.example/", "http://b.example"]
        )
        answer = self.call("/1.1/verify-key", {"key": key, "blog": "http://news.example"})
        self.assertEqual(answer.content, b"valid")

    def test_create_refuses_a_bad_url(self) -> None:
        with self.assertRaises(CommandError):
            run("create", "--site", "news.example")

    def test_list_and_revoke(self) -> None:
        self.assertIn(self.api_key.key, run("list"))
        self.assertEqual(
            self.call("/1.1/verify-key", {"key": self.api_key.key, "blog": BLOG}).content, b"valid"
        )
        with self.captureOnCommitCallbacks(execute=True):
            run("revoke", self.api_key.key)
        self.assertIn("revoked", run("list"))
        answer = self.call("/1.1/verify-key", {"key": self.api_key.key, "blog": BLOG})
        self.assertEqual(answer.content, b"invalid")

    def test_revoke_an_unknown_key(self) -> None:
        with self.assertRaises(CommandError):
            run("revoke", "nosuchkey123")

    def test_keys_are_all_different(self) -> None:
        made = {ApiKey.objects.create(blogs=BLOG).key for _ in range(50)}
        self.assertEqual(len(made), 50)
        self.assertTrue(all(KEY.match(k) for k in made))


class KeyAdminTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")

    def test_superuser_creates_a_key_in_the_admin(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            "/admin/antispam/apikey/add/",
            {"name": "Partner", "blogs": "https://partner.example/\n"},
        )
        self.assertEqual(response.status_code, 302)
        key = ApiKey.objects.get(name="Partner")
        self.assertRegex(key.key, KEY)
        page = self.client.get(f"/admin/antispam/apikey/{key.pk}/change/")
        self.assertContains(page, key.key)

    def test_admin_refuses_a_blog_without_scheme(self) -> None:
        self.client.force_login(self.admin)
        response = self.client.post(
            "/admin/antispam/apikey/add/", {"name": "X", "blogs": "partner.example"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(ApiKey.objects.filter(name="X").exists())

    def test_revoke_action(self) -> None:
        self.client.force_login(self.admin)
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(
                "/admin/antispam/apikey/",
                {"action": "revoke", "_selected_action": [self.api_key.pk]},
            )
        self.api_key.refresh_from_db()
        self.assertIsNotNone(self.api_key.revoked)
        self.assertEqual(
            self.call("/1.1/verify-key", {"key": self.api_key.key, "blog": BLOG}).content,
            b"invalid",
        )

    def test_moderators_and_editors_cannot_see_keys(self) -> None:
        for user in (self.moderator, self.editor):
            self.client.force_login(user)
            self.assertEqual(self.client.get("/admin/antispam/apikey/").status_code, 403)


class DashboardTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.admin = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")

    def test_dashboard_charts_checks_spam_discards_and_corrections(self) -> None:
        self.check()
        self.check(comment_author="akismet-guaranteed-spam")
        self.call("/1.1/submit-ham", self.comment(comment_author="akismet-guaranteed-spam"))
        self.client.force_login(self.admin)
        page = self.client.get("/admin/antispam/apiday/")
        self.assertContains(page, "Spam dashboard")
        self.assertContains(page, '<svg class="spam-chart"', count=2)
        self.assertContains(page, 'class="ham"')
        self.assertContains(page, 'class="false_positives"')
        self.assertContains(page, "blog.example.test")
        totals = page.context["totals"]
        self.assertEqual((totals["checks"], totals["spam"], totals["false_positives"]), (2, 1, 1))

    def test_dashboard_for_one_site_and_period(self) -> None:
        self.check()
        self.client.force_login(self.admin)
        page = self.client.get("/admin/antispam/apiday/", {"site": "other.example", "days": "7"})
        self.assertEqual(page.context["totals"]["checks"], 0)
        self.assertEqual(len(page.context["verdicts"].bars), 7)
        odd = self.client.get("/admin/antispam/apiday/", {"days": "nonsense", "site": "x" * 999})
        self.assertEqual(odd.status_code, 200)

    def test_staff_without_the_permission_get_403(self) -> None:
        self.client.force_login(self.editor)
        self.assertEqual(self.client.get("/admin/antispam/apiday/").status_code, 403)

    def test_moderators_see_the_dashboard(self) -> None:
        self.client.force_login(self.moderator)
        self.assertEqual(self.client.get("/admin/antispam/apiday/").status_code, 200)

    def test_call_log_recheck(self) -> None:
        self.check()
        self.client.force_login(self.admin)
        response = self.client.post(
            "/admin/antispam/checklog/",
            {
                "action": "recheck",
                "_selected_action": list(CheckLog.objects.values_list("pk", flat=True)),
            },
            follow=True,
        )
        self.assertContains(response, "0 verdicts would now differ")
