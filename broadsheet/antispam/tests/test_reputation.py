from __future__ import annotations

from broadsheet.antispam.engine import check, submit_ham, submit_spam
from broadsheet.antispam.models import Reputation
from broadsheet.antispam.tests.helpers import EngineTestCase, comment

OTHER_TEXT = "Does anyone know when the next meeting about the budget is planned? I would go."


class ReputationTests(EngineTestCase):
    """Moderation on one source counts against that source's next comments."""

    def mark(self, spam: bool, n: int, **fields: str) -> None:
        for i in range(n):
            body = f"Comment number {i} about the town's plans, with some words {i * 7}."
            (submit_spam if spam else submit_ham)(
                comment(comment_content=body, is_test="", **fields)
            )

    def test_email_marked_spam_raises_score(self) -> None:
        before = check(comment(comment_content=OTHER_TEXT))
        self.mark(
            True,
            3,
            user_ip="198.51.100.7",
            comment_author="A",
            comment_author_email="bad@x.example",
        )
        after = check(comment(comment_content=OTHER_TEXT, comment_author_email="bad@x.example"))
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "from this e-mail address as spam")

    def test_ip_marked_spam_raises_score(self) -> None:
        before = check(comment(comment_content=OTHER_TEXT, user_ip="203.0.113.9"))
        self.mark(True, 3, user_ip="203.0.113.9", comment_author="B", comment_author_email="")
        after = check(comment(comment_content=OTHER_TEXT, user_ip="203.0.113.9"))
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "from this IP address as spam")

    def test_author_domain_marked_spam_raises_score(self) -> None:
        url = "https://pills.example.net/buy"
        before = check(comment(comment_content=OTHER_TEXT, comment_author_url=url))
        self.mark(
            True, 3, comment_author_url="http://www.pills.example.net/", user_ip="198.51.100.1"
        )
        after = check(comment(comment_content=OTHER_TEXT, comment_author_url=url))
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "from this website as spam")

    def test_links_to_spam_domains_raise_score(self) -> None:
        text = OTHER_TEXT + " See http://deals.example.org/a and http://deals.example.org/b"
        before = check(comment(comment_content=text))
        for i in range(3):
            submit_spam(
                comment(
                    comment_content=f"Offer {i} http://deals.example.org/{i}",
                    is_test="",
                    user_ip=f"198.51.100.{i}",
                )
            )
        after = check(comment(comment_content=text))
        self.assertGreater(after.score, before.score)
        self.assertReason(after, "2 links to domains seen in spam")

    def test_approved_email_lowers_score(self) -> None:
        before = check(comment(comment_content=OTHER_TEXT))
        self.mark(False, 3, comment_author_email="marta.k@mail.example")
        after = check(comment(comment_content=OTHER_TEXT))
        self.assertLess(after.score, before.score)

    def test_reputation_keeps_no_raw_email_or_ip(self) -> None:
        self.mark(True, 1, comment_author_email="secret@x.example", user_ip="203.0.113.50")
        keys = " ".join(Reputation.objects.values_list("key", flat=True))
        self.assertNotIn("secret", keys)
        self.assertNotIn("203.0.113", keys)
