"""The notice under the form and the /privacy/ page say what the settings make true (B-1, B-2)."""

from __future__ import annotations

import itertools

from django.template.loader import render_to_string
from django.test import override_settings

from broadsheet.comments.models import Webhook
from broadsheet.privacy.tests.base import PrivacyTestCase


class CommentNoticeTests(PrivacyTestCase):
    def test_notice_is_under_the_comment_form_and_links_to_the_page(self) -> None:
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        form = html.index('class="comment-form"')
        notice = html.index('id="comment-privacy"')
        self.assertLess(form, notice)
        self.assertIn('href="/privacy/#comments"', html[notice:])
        self.assertIn("Learn how your comment data is processed", html)

    def test_notice_states_the_ip_period_from_the_settings(self) -> None:
        with override_settings(PRIVACY_IP_DAYS=9):
            html = render_to_string("privacy/_comment_notice.html")
        self.assertIn("removed after 9 days", html)
        self.assertIn("a shortened IP address", html)
        self.assertIn("your e-mail address (optional, never shown)", html)

    def test_every_configuration_names_exactly_its_recipients(self) -> None:
        for mail_host, ip_days in itertools.product(["", "smtp.mailer.example"], [1, 30]):
            with (
                self.subTest(mail_host=mail_host, ip_days=ip_days),
                override_settings(EMAIL_HOST=mail_host, PRIVACY_IP_DAYS=ip_days),
            ):
                html = render_to_string("privacy/_comment_notice.html")
                self.assertIn("Spam is checked on this server", html)
                self.assertNotIn("Akismet", html)
                self.assertEqual("smtp.mailer.example" in html, bool(mail_host))
                self.assertIn(f"after {ip_days} day", html)


class PrivacyPageTests(PrivacyTestCase):
    def page(self) -> str:
        response = self.client.get("/privacy/")
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_changing_a_retention_setting_changes_the_page(self) -> None:
        self.assertIn("removed for good after 15 days", self.page())
        with override_settings(
            PRIVACY_SPAM_DAYS=4, PRIVACY_EXPORT_HOURS=5, PRIVACY_UNCONFIRMED_DAYS=6
        ):
            html = self.page()
        self.assertIn("removed for good after 4 days", html)
        self.assertIn("for 5 hours", html)
        self.assertIn("requests never confirmed: 6 days", html)
        self.assertNotIn("after 15 days", html)

    def test_page_has_every_item_article_13_asks_for(self) -> None:
        with override_settings(
            PRIVACY_CONTROLLER="Town Gazette Ltd", PRIVACY_CONTACT="dpo@gazette.example"
        ):
            html = self.page()
        items = {
            "controller identity": "Town Gazette Ltd",
            "controller contact": "mailto:dpo@gazette.example",
            "purposes": "spotting scripts that post spam",
            "legal basis": "legitimate interest (GDPR Art. 6(1)(f))",
            "legitimate interests": 'id="basis"',
            "recipients": 'id="recipients"',
            "transfers": 'id="transfers"',
            "retention": "30 days",
            "rights": 'id="rights"',
            "objection (Art. 21)": 'id="object"',
            "withdrawing consent": "Withdrawing consent",
            "complaint": 'id="complaint"',
            "e-mail optional and consequence": "Your e-mail address is optional",
            "automated decisions": 'id="automated"',
            "cookies with lifetimes": "365 days",
            "how to ask for export or erasure": 'action="/privacy/request/"',
            "backup window": "up to 14 days",
            "live readers": 'id="privacy-live-readers"',
        }
        for item, text in items.items():
            with self.subTest(item=item):
                self.assertIn(text, html)

    def test_by_default_nobody_outside_the_site_receives_data(self) -> None:
        html = self.page()
        self.assertIn("Nobody outside this site", html)

    def test_a_mail_server_and_webhooks_appear_as_recipients(self) -> None:
        Webhook.objects.create(name="CRM", url="https://crm.example.com/hook", events=[])
        with override_settings(EMAIL_HOST="smtp.mailer.example"):
            html = self.page()
        self.assertIn("smtp.mailer.example", html)
        self.assertIn("crm.example.com", html)
        self.assertNotIn("Nobody outside this site", html)

    def test_cookies_are_listed_with_their_lifetimes(self) -> None:
        html = self.page()
        for name in ["broadsheet_commenter", "broadsheet_comments", "csrftoken", "sessionid"]:
            with self.subTest(cookie=name):
                self.assertIn(f"<code>{name}</code>", html)
        self.assertIn("7 days", html)
