"""The comment-author cookies exist only with the reader's consent (spec B-6)."""

from __future__ import annotations

from django.test import override_settings

from broadsheet.comments import cookies
from broadsheet.privacy.models import Consent
from broadsheet.privacy.tests.base import ROSA, PrivacyTestCase


class DetailsCookieTests(PrivacyTestCase):
    def test_box_is_unticked_for_a_new_reader(self) -> None:
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        box = html[html.index('name="remember"') - 200 : html.index('name="remember"') + 100]
        self.assertNotIn("checked", box)

    def test_unticked_post_sets_no_details_cookie(self) -> None:
        response = self.post_comment()
        self.assertNotIn(cookies.DETAILS, response.cookies)

    @override_settings(SESSION_COOKIE_SECURE=True)
    def test_ticked_post_sets_it_with_safe_attributes(self) -> None:
        response = self.post_comment(remember="on")
        cookie = response.cookies[cookies.DETAILS]
        self.assertLessEqual(int(cookie["max-age"]), 365 * 24 * 3600)
        self.assertTrue(cookie["secure"])
        self.assertTrue(cookie["httponly"])
        self.assertEqual(cookie["samesite"], "Lax")
        self.assertEqual(cookie["path"], "/")

    def test_posting_unticked_again_deletes_it(self) -> None:
        self.post_comment(remember="on")
        self.assertIn(cookies.DETAILS, self.client.cookies)
        response = self.post_comment("A second thought.")
        cookie = response.cookies[cookies.DETAILS]
        self.assertEqual(cookie.value, "")
        self.assertEqual(int(cookie["max-age"]), 0)

    def test_consent_records_hold_no_address(self) -> None:
        from broadsheet.privacy.actions import do_record_consent

        do_record_consent(ROSA, given=True)
        do_record_consent("", given=True)  # no address, nothing to record against
        consent = Consent.objects.get()
        self.assertTrue(consent.given)
        self.assertNotIn(ROSA, repr(consent.__dict__))
