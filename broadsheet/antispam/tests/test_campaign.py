from __future__ import annotations

from broadsheet.antispam.engine import check
from broadsheet.antispam.models import RecentText
from broadsheet.antispam.tests.helpers import EngineTestCase, comment

CAMPAIGN = (
    "Great article! I was struggling with my finances until I found a simple method that "
    "changed everything for my family, read my story on my profile page to learn more"
)


class CampaignTests(EngineTestCase):
    def test_same_text_on_other_threads_raises_score(self) -> None:
        first = check(comment(comment_content=CAMPAIGN, is_test=""))
        for i in range(4):
            text = CAMPAIGN.replace("Great", ["Nice", "Good", "Fine", "Super"][i])
            check(
                comment(
                    comment_content=text,
                    is_test="",
                    permalink=f"https://n.example/{i}",
                    user_ip=f"198.51.100.{i}",
                )
            )
        later = check(comment(comment_content=CAMPAIGN, permalink="https://n.example/9"))
        self.assertGreater(later.score, first.score)
        self.assertReason(later, "other threads")

    def test_short_texts_are_never_a_campaign(self) -> None:
        for i in range(5):
            check(
                comment(comment_content="Thanks!", is_test="", permalink=f"https://n.example/{i}")
            )
        self.assertEqual(RecentText.objects.count(), 0)

    def test_test_checks_are_not_recorded(self) -> None:
        check(comment(comment_content=CAMPAIGN))
        self.assertEqual(RecentText.objects.count(), 0)
