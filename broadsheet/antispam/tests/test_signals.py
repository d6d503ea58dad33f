from __future__ import annotations

from typing import Any

from broadsheet.antispam.engine import Verdict, check
from broadsheet.antispam.tests.helpers import ORDINARY, EngineTestCase, comment


class SignalTests(EngineTestCase):
    """Each signal moves the score the expected way, and the reasons name it."""

    def compare(self, **overrides: Any) -> tuple[Verdict, Verdict]:
        return check(comment()), check(comment(**overrides))

    def test_ordinary_comment_is_ham(self) -> None:
        verdict = check(comment())
        self.assertFalse(verdict.spam)
        self.assertLess(verdict.score, 0.4)

    def test_spam_wording_raises_score(self) -> None:
        before, after = self.compare(
            comment_content="Check out my channel!!! Please subscribe and like my new video, "
            "free gift cards for everyone who subscribes"
        )
        self.assertGreater(after.score, before.score)
        self.assertTrue(after.spam)
        self.assertReason(after, "wording is typical of spam")

    def test_links_raise_score(self) -> None:
        links = " ".join(f"http://site{i}.example.com/offer" for i in range(4))
        before, after = self.compare(comment_content=f"{ORDINARY} {links}")
        self.assertGreater(after.score, before.score)

    def test_link_shortener_raises_score(self) -> None:
        before, after = self.compare(comment_content=f"{ORDINARY} More: https://bit.ly/3xYz12")
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "link shortener")

    def test_commercial_anchor_text_raises_score(self) -> None:
        html = f'{ORDINARY} <a href="http://x.example.com">best casino bonus</a>'
        before, after = self.compare(comment_content=html)
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "link text advertises")

    def test_hidden_html_raises_score(self) -> None:
        html = f'{ORDINARY} <div style="display:none">cheap pills</div>'
        before, after = self.compare(comment_content=html)
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "hides text")

    def test_obfuscated_words_raise_score(self) -> None:
        before, after = self.compare(comment_content=ORDINARY + " b\u200buy v i a g r a \u0441heap")
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "disguises words")

    def test_link_only_in_author_url_raises_score(self) -> None:
        before, after = self.compare(comment_author_url="https://best-casino-bonus-online.example")
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "website address is stuffed")

    def test_keyword_stuffed_name_raises_score(self) -> None:
        before, after = self.compare(comment_author="Cheap Viagra Pharmacy Online")
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "name is stuffed with keywords")

    def test_throwaway_email_raises_score(self) -> None:
        before, after = self.compare(comment_author_email="x81@mailinator.com")
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "throwaway")

    def test_script_user_agent_raises_score(self) -> None:
        before, after = self.compare(user_agent="python-requests/2.31.0")
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "script")

    def test_stale_browser_raises_score(self) -> None:
        old = "Mozilla/4.0 (compatible; MSIE 6.0; Windows NT 5.1)"
        before, after = self.compare(user_agent=old)
        self.assertGreater(after.score, before.score)

    def test_offsite_referrer_raises_score(self) -> None:
        before, after = self.compare(referrer="https://elsewhere.example.org/list")
        self.assertGreater(after.score, before.score)

    def test_language_unlike_site_raises_score(self) -> None:
        german = (
            "Ich habe gestern die Sitzung gesehen und die Zahlen für die neue Linie sind "
            "nicht richtig, das ist nicht gut für die Stadt und wir sind dagegen."
        )
        before, after = self.compare(comment_content=german)
        de_site = check(comment(comment_content=german, blog_lang="de_DE"))
        self.assertGreater(after.score, de_site.score)
        self.assertReason(after, "another language")
        self.assertNotIn("another language", " ".join(before.reasons))

    def test_trackback_raises_score(self) -> None:
        before, after = self.compare(comment_type="trackback")
        self.assertGreater(after.score, before.score)

    def test_honeypot_filled_is_blatant_spam(self) -> None:
        before, after = self.compare(
            honeypot_field_name="hp_website", hp_website="http://x.example"
        )
        empty = check(comment(honeypot_field_name="hp_website", hp_website=""))
        self.assertEqual(empty.score, before.score)
        self.assertTrue(after.spam)
        self.assertTrue(after.discard)
        self.assertReason(after, "trap field")

    def test_fast_form_submission_raises_score(self) -> None:
        before, after = self.compare(broadsheet_form_seconds="0.8")
        slow = check(comment(broadsheet_form_seconds="45"))
        self.assertEqual(slow.score, before.score)
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "seconds after the form appeared")

    def test_signed_in_role_lowers_score(self) -> None:
        before, after = self.compare(user_role="editor")
        self.assertLess(after.score, before.score)
