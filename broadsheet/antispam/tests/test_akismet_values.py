from __future__ import annotations

from django.test import override_settings

from broadsheet.antispam.engine import check, submit_spam
from broadsheet.antispam.models import Feedback, RecentText
from broadsheet.antispam.tests.helpers import EngineTestCase, comment


class AkismetTestValueTests(EngineTestCase):
    """Akismet's documented test values (spec §5.3) answer as Akismet promises."""

    def test_guaranteed_spam_author_is_spam(self) -> None:
        verdict = check(comment(comment_author="akismet-guaranteed-spam"))
        self.assertTrue(verdict.spam)
        self.assertFalse(verdict.discard)
        self.assertReason(verdict, "guaranteed spam")

    def test_guaranteed_spam_email_is_spam(self) -> None:
        verdict = check(comment(comment_author_email="akismet-guaranteed-spam@example.com"))
        self.assertTrue(verdict.spam)

    def test_older_test_author_is_spam(self) -> None:
        self.assertTrue(check(comment(comment_author="viagra-test-123")).spam)

    def test_administrator_is_always_ham(self) -> None:
        spammy = comment(comment_content="BUY CHEAP VIAGRA http://bit.ly/x casino bonus now!!!")
        self.assertTrue(check(spammy).spam)
        verdict = check(dict(spammy, user_role="administrator"))
        self.assertFalse(verdict.spam)
        self.assertEqual(verdict.score, 0.0)

    def test_administrator_wins_over_guaranteed_spam(self) -> None:
        verdict = check(
            comment(comment_author="akismet-guaranteed-spam", user_role="editor,administrator")
        )
        self.assertFalse(verdict.spam)

    @override_settings(SPAM_TEST_DISCARD=True)
    def test_guaranteed_spam_can_exercise_discard(self) -> None:
        self.assertTrue(check(comment(comment_author="akismet-guaranteed-spam")).discard)

    def test_is_test_never_trains(self) -> None:
        fields = comment(comment_content="A perfectly normal remark about the weather and trams.")
        before = check(fields, "site-t")
        for _ in range(5):
            self.assertFalse(submit_spam(dict(fields, is_test="true"), "site-t"))
            self.assertFalse(submit_spam(dict(fields, is_test="1"), "site-t"))
        self.assertEqual(check(fields, "site-t"), before)
        self.assertEqual(Feedback.objects.count(), 0)
        self.assertEqual(RecentText.objects.count(), 0)
