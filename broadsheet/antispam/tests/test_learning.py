from __future__ import annotations

from django.core.management import call_command
from django.db import transaction
from django.test import TransactionTestCase, override_settings

from broadsheet.antispam import refit, store
from broadsheet.antispam.engine import check, retrain, submit_ham, submit_spam
from broadsheet.antispam.model import Model
from broadsheet.antispam.models import Feedback, SiteLayer
from broadsheet.antispam.online import Layer
from broadsheet.antispam.tests.helpers import EngineTestCase, comment

NEW_SPAM = (
    "Our town's finest roofing crew offers gutter repair at half price this month, "
    "ring Dave on the number on our van for a quote"
)


def live(text: str, n: int = 0) -> dict[str, str]:
    return comment(
        comment_content=text,
        is_test="",
        user_ip=f"198.51.100.{n}",
        comment_author=f"Author {n}",
        comment_author_email=f"a{n}@m.example",
    )


class LearningTests(EngineTestCase):
    def test_moderator_spam_flips_the_same_comment(self) -> None:
        self.assertFalse(check(comment(comment_content=NEW_SPAM), "a").spam)
        self.assertTrue(submit_spam(live(NEW_SPAM), "a"))
        self.assertTrue(check(comment(comment_content=NEW_SPAM), "a").spam)

    def test_moderator_spam_generalises_to_variants(self) -> None:
        before = check(comment(comment_content=NEW_SPAM.replace("Dave", "Pete")), "a")
        submit_spam(live(NEW_SPAM, 1), "a")
        submit_spam(live(NEW_SPAM.replace("half price", "a discount"), 2), "a")
        after = check(comment(comment_content=NEW_SPAM.replace("Dave", "Pete")), "a")
        self.assertGreater(after.score, before.score)

    def test_moderator_ham_lowers_score(self) -> None:
        text = "Win a free seat at the council's budget meeting: the lottery for places is open."
        before = check(comment(comment_content=text), "a")
        submit_ham(live(text), "a")
        self.assertLess(check(comment(comment_content=text), "a").score, before.score)

    def test_learning_on_one_site_leaves_another_unchanged(self) -> None:
        texts = [NEW_SPAM, "Lovely piece, thank you.", "Check out my channel and subscribe!"]
        before = [check(comment(comment_content=t), "site-b") for t in texts]
        for i in range(5):
            submit_spam(live(NEW_SPAM, i), "site-a")
            submit_ham(live("Check out my channel and subscribe!", i), "site-a")
        after = [check(comment(comment_content=t), "site-b") for t in texts]
        self.assertEqual([v.score for v in after], [v.score for v in before])
        self.assertTrue(check(comment(comment_content=NEW_SPAM), "site-a").spam)

    def test_other_workers_pick_up_feedback(self) -> None:
        check(comment(comment_content=NEW_SPAM), "a")  # this "worker" caches the layer
        submit_spam(live(NEW_SPAM), "a")
        learnt = check(comment(comment_content=NEW_SPAM), "a").score
        store.reset()  # a fresh worker: loads from the database and replays the feedback
        self.assertEqual(check(comment(comment_content=NEW_SPAM), "a").score, learnt)

    @override_settings(SPAM_SNAPSHOT_EVERY=2)
    def test_layer_snapshots_reload_identically(self) -> None:
        for i in range(5):
            submit_spam(live(NEW_SPAM, i), "a")
        self.assertTrue(SiteLayer.objects.filter(site="a").exists())
        learnt = check(comment(comment_content=NEW_SPAM), "a").score
        store.reset()
        self.assertEqual(check(comment(comment_content=NEW_SPAM), "a").score, learnt)

    def test_retrain_rebuilds_layer_from_feedback(self) -> None:
        for i in range(3):
            submit_spam(live(NEW_SPAM, i), "a")
        self.assertEqual(retrain("a"), 3)
        row = SiteLayer.objects.get(site="a")
        self.assertTrue(check(comment(comment_content=NEW_SPAM), "a").spam)
        call_command("spam", "retrain", "--site", "a", stdout=open("/dev/null", "w"))  # noqa: SIM115
        self.assertEqual(SiteLayer.objects.get(site="a").generation, row.generation + 1)

    def test_version_names_site_layer(self) -> None:
        submit_spam(live(NEW_SPAM), "a")
        self.assertIn("+a.", check(comment(), "a").version)

    def test_feedback_keeps_no_raw_text(self) -> None:
        submit_spam(live(NEW_SPAM), "a")
        stored = bytes(Feedback.objects.get().vector)
        self.assertNotIn(b"roofing", stored)


class BaseModelInstallTests(EngineTestCase):
    @override_settings(SPAM_REFRESH_SECONDS=0)
    def test_workers_pick_up_an_installed_base_model(self) -> None:
        from broadsheet.antispam.actions import do_install_base

        shipped = store.shipped_model()
        self.assertTrue(check(comment()).version.startswith(shipped.version))
        model = Model.from_bytes(shipped.to_bytes())
        model.version = "base-installed"
        do_install_base(model.version, model.to_bytes())
        self.assertTrue(check(comment()).version.startswith("base-installed+"))


class RefitTests(TransactionTestCase):
    """The batch refit runs in a background thread, so these tests commit for real."""

    def setUp(self) -> None:
        store.reset()

    @override_settings(SPAM_REFIT_SECONDS=0)
    def test_labels_schedule_a_background_refit_every_worker_loads(self) -> None:
        # One transaction (as a moderator's bulk action is): the refit, scheduled on commit, then
        # reads the labels while this thread writes nothing. In the tests' in-memory database a
        # read of a table by one thread makes another's write to it fail at once.
        with transaction.atomic():
            for i in range(3):
                submit_spam(live(NEW_SPAM.replace("Dave", f"Dave {i}"), i), "a")
                submit_ham(live(f"Thanks for the report on the tram, part {i}.", i), "a")
        self.assertTrue(refit.wait(timeout=60))
        row = SiteLayer.objects.get(site="a")
        self.assertEqual(Layer.from_bytes(bytes(row.snapshot)).fitted, 6)
        verdict = check(comment(comment_content=NEW_SPAM), "a")
        self.assertTrue(verdict.spam)
        self.assertIn(f"+a.{row.generation}.6", verdict.version)
        store.reset()  # another worker: loads the refitted generation
        self.assertEqual(check(comment(comment_content=NEW_SPAM), "a").score, verdict.score)

    def test_retrain_counts_the_latest_label_of_a_relabelled_comment(self) -> None:
        submit_spam(live(NEW_SPAM), "a")
        submit_ham(live(NEW_SPAM), "a")  # the moderator changed their mind
        self.assertEqual(retrain("a"), 2)
        self.assertFalse(check(comment(comment_content=NEW_SPAM), "a").spam)
