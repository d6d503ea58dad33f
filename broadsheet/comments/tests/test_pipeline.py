from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from broadsheet.comments import pipeline
from broadsheet.comments.models import Comment, Thread
from broadsheet.comments.pipeline import Decision, Outcome, Submission
from broadsheet.comments.tests.base import CommentsTestCase


class PipelineTestCase(CommentsTestCase):
    def judge(self, check: pipeline.Check, sub: Submission) -> Outcome | None:
        step = check(sub, Decision(Outcome.APPROVE))
        return None if step is None else step.outcome


class ThreadClosedTests(PipelineTestCase):
    def test_closed_thread_rejects(self) -> None:
        self.thread.is_closed = True
        self.assertIs(self.judge(pipeline.thread_closed, self.submission()), Outcome.REJECT)

    def test_open_thread_passes(self) -> None:
        self.assertIsNone(self.judge(pipeline.thread_closed, self.submission()))


class LengthTests(PipelineTestCase):
    @override_settings(COMMENTS_MIN_LENGTH=5, COMMENTS_MAX_LENGTH=20)
    def test_too_short_and_too_long_reject_and_between_passes(self) -> None:
        check = pipeline.length_limits
        self.assertIs(self.judge(check, self.submission("hi")), Outcome.REJECT)
        self.assertIs(self.judge(check, self.submission("x" * 21)), Outcome.REJECT)
        self.assertIsNone(self.judge(check, self.submission("just right")))

    def test_whitespace_does_not_count(self) -> None:
        self.assertIs(self.judge(pipeline.length_limits, self.submission("  a  ")), Outcome.REJECT)


class HoneypotTests(PipelineTestCase):
    def test_filled_honeypot_rejects(self) -> None:
        sub = self.submission(honeypot="http://spam.example")
        self.assertIs(self.judge(pipeline.honeypot, sub), Outcome.REJECT)

    def test_empty_honeypot_passes(self) -> None:
        self.assertIsNone(self.judge(pipeline.honeypot, self.submission()))


class FormTimingTests(PipelineTestCase):
    def test_too_fast_rejects(self) -> None:
        sub = self.submission(form_issued_at=timezone.now() - timedelta(seconds=1))
        self.assertIs(self.judge(pipeline.form_timing, sub), Outcome.REJECT)

    def test_too_old_rejects(self) -> None:
        sub = self.submission(form_issued_at=timezone.now() - timedelta(hours=3))
        self.assertIs(self.judge(pipeline.form_timing, sub), Outcome.REJECT)

    def test_missing_token_rejects(self) -> None:
        sub = self.submission(form_issued_at=None)
        self.assertIs(self.judge(pipeline.form_timing, sub), Outcome.REJECT)

    def test_a_form_sent_without_a_script_is_not_timed(self) -> None:
        sub = self.submission(form_issued_at=None, form_without_script=True)
        self.assertIsNone(self.judge(pipeline.form_timing, sub))

    def test_a_human_pace_passes(self) -> None:
        self.assertIsNone(self.judge(pipeline.form_timing, self.submission()))

    def test_edits_are_not_timed(self) -> None:
        sub = self.submission(form_issued_at=None, editing=self.add_comment())
        self.assertIsNone(self.judge(pipeline.form_timing, sub))


class DuplicateTests(PipelineTestCase):
    def test_the_text_is_found_by_the_same_text_index_not_by_reading_the_thread(self) -> None:
        sub = self.submission("Same words, a busy thread.")
        with CaptureQueriesContext(connection) as queries:
            self.judge(pipeline.duplicate, sub)
        [query] = queries.captured_queries
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enable_seqscan = off")  # these tables are tiny
                cursor.execute("EXPLAIN " + query["sql"])
                plan = " ".join(row[0] for row in cursor.fetchall())
                self.assertIn("comments_same_text", plan)
                self.assertIn('"substring"(content, 1, 64) = ', plan)
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                plan = " ".join(row[3] for row in cursor.fetchall())
                self.assertIn("comments_same_text (thread_id=? AND <expr>=?)", plan)

    def test_same_author_same_text_rejects(self) -> None:
        sub = self.submission("Same words.")
        self.add_comment("Same words.", ip_hash=sub.ip_hash)
        self.assertIs(self.judge(pipeline.duplicate, sub), Outcome.REJECT)

    def test_someone_else_saying_the_same_passes(self) -> None:
        self.add_comment("Same words.", ip_hash="other", author_email="other@example.org")
        self.assertIsNone(self.judge(pipeline.duplicate, self.submission("Same words.")))

    def test_trashed_original_does_not_count(self) -> None:
        sub = self.submission("Same words.")
        self.add_comment("Same words.", ip_hash=sub.ip_hash, status=Comment.Status.TRASH)
        self.assertIsNone(self.judge(pipeline.duplicate, sub))

    def test_the_same_text_from_the_same_email_elsewhere_rejects(self) -> None:
        sub = self.submission("Same words.")
        self.add_comment("Same words.", ip_hash="other", author_email="rosa@example.org")
        self.assertIs(self.judge(pipeline.duplicate, sub), Outcome.REJECT)

    def test_an_edit_is_no_duplicate_of_itself(self) -> None:
        sub = self.submission("Same words.")
        own = self.add_comment("Same words.", ip_hash=sub.ip_hash)
        edit = self.submission("Same words.", editing=own)
        self.assertIsNone(self.judge(pipeline.duplicate, edit))

    def test_the_same_text_on_another_thread_passes(self) -> None:
        sub = self.submission("Same words.")
        other = Thread.objects.create(origin="https://partner.example", uri="/other/")
        self.add_comment("Same words.", ip_hash=sub.ip_hash, thread=other)
        self.assertIsNone(self.judge(pipeline.duplicate, sub))


@override_settings(COMMENTS_RATE_PER_IP=2, COMMENTS_RATE_PER_EMAIL=2, COMMENTS_RATE_WINDOW=60)
class RateLimitTests(PipelineTestCase):
    def test_over_the_limit_per_address_rejects_with_retry_after(self) -> None:
        sub = self.submission(author_email="")
        for n in range(2):
            self.add_comment(f"Comment {n}", ip_hash=sub.ip_hash, author_email="")
        step = pipeline.rate_limits(sub, Decision(Outcome.APPROVE))
        assert step is not None
        self.assertIs(step.outcome, Outcome.REJECT)
        self.assertTrue(1 <= (step.retry_after or 0) <= 61)

    def test_over_the_limit_per_email_rejects(self) -> None:
        sub = self.submission()
        for n in range(2):
            self.add_comment(f"Comment {n}", email_hash=sub.email_hash, ip_hash=f"ip{n}")
        self.assertIs(self.judge(pipeline.rate_limits, sub), Outcome.REJECT)

    def test_under_the_limit_passes(self) -> None:
        sub = self.submission()
        self.add_comment("One", ip_hash=sub.ip_hash)
        self.assertIsNone(self.judge(pipeline.rate_limits, sub))

    @override_settings(
        COMMENTS_RATE_PER_IP=0, COMMENTS_RATE_PER_EMAIL=0, COMMENTS_RATE_PER_THREAD=2
    )
    def test_a_limit_of_zero_is_no_limit_and_the_others_still_count(self) -> None:
        sub = self.submission()
        elsewhere = Thread.objects.create(origin="https://partner.example", uri="/other/")
        for n in range(5):
            self.add_comment(f"Comment {n}", ip_hash=sub.ip_hash, thread=elsewhere)
        self.assertIsNone(self.judge(pipeline.rate_limits, sub))  # the address is not counted
        self.add_comment("Here, once.")
        self.add_comment("Here, twice.")
        self.assertIs(self.judge(pipeline.rate_limits, sub), Outcome.REJECT)  # the thread is

    @override_settings(
        COMMENTS_RATE_PER_IP=0, COMMENTS_RATE_PER_EMAIL=0, COMMENTS_RATE_PER_THREAD=0
    )
    def test_all_limits_off_cost_no_query(self) -> None:
        with self.assertNumQueries(0):
            self.assertIsNone(self.judge(pipeline.rate_limits, self.submission()))

    @override_settings(COMMENTS_RATE_PER_THREAD=3)
    def test_over_the_limit_per_thread_rejects_whoever_posts(self) -> None:
        for n in range(3):
            self.add_comment(f"Comment {n}", ip_hash=f"ip{n}", author_email=f"{n}@example.org")
        self.assertIs(self.judge(pipeline.rate_limits, self.submission()), Outcome.REJECT)

    def test_retry_after_counts_from_the_oldest_comment_in_the_window(self) -> None:
        sub = self.submission(author_email="")
        for age in (50, 20):
            old = self.add_comment(f"{age} seconds ago", ip_hash=sub.ip_hash)
            Comment.objects.filter(pk=old.pk).update(created_at=sub.now - timedelta(seconds=age))
        step = pipeline.rate_limits(sub, Decision(Outcome.APPROVE))
        assert step is not None
        self.assertEqual(step.retry_after, 11)  # the older one leaves the 60 s window then

    def test_staff_and_edits_are_not_limited(self) -> None:
        sub = self.submission(author_email="")
        for n in range(2):
            self.add_comment(f"Comment {n}", ip_hash=sub.ip_hash)
        self.assertIsNone(self.judge(pipeline.rate_limits, self.submission(is_staff=True)))
        edit = self.submission(author_email="", editing=Comment.objects.first())
        self.assertIsNone(self.judge(pipeline.rate_limits, edit))

    def test_old_comments_do_not_count(self) -> None:
        sub = self.submission(author_email="")
        for n in range(2):
            old = self.add_comment(f"Comment {n}", ip_hash=sub.ip_hash)
            Comment.objects.filter(pk=old.pk).update(created_at=sub.now - timedelta(minutes=5))
        self.assertIsNone(self.judge(pipeline.rate_limits, sub))


class StaffTests(PipelineTestCase):
    def test_staff_are_approved(self) -> None:
        self.assertIs(self.judge(pipeline.staff, self.submission(is_staff=True)), Outcome.APPROVE)

    def test_readers_pass_on(self) -> None:
        self.assertIsNone(self.judge(pipeline.staff, self.submission()))


class LinkTests(PipelineTestCase):
    @override_settings(COMMENTS_MAX_LINKS=2)
    def test_more_links_than_allowed_holds(self) -> None:
        text = "See https://a.example https://b.example and www.c.example"
        self.assertIs(self.judge(pipeline.too_many_links, self.submission(text)), Outcome.HOLD)

    @override_settings(COMMENTS_MAX_LINKS=2)
    def test_a_link_or_two_passes(self) -> None:
        text = "Source: https://a.example/report"
        self.assertIsNone(self.judge(pipeline.too_many_links, self.submission(text)))


@override_settings(COMMENTS_HOLD_WORDS=["casino"], COMMENTS_REJECT_WORDS=["buy pills"])
class WordListTests(PipelineTestCase):
    def test_reject_word_rejects(self) -> None:
        sub = self.submission("Cheap! Buy pills here")
        self.assertIs(self.judge(pipeline.word_lists, sub), Outcome.REJECT)

    def test_hold_word_in_the_name_holds(self) -> None:
        sub = self.submission(author_name="Best Casino")
        self.assertIs(self.judge(pipeline.word_lists, sub), Outcome.HOLD)

    def test_words_inside_other_words_pass(self) -> None:
        self.assertIsNone(self.judge(pipeline.word_lists, self.submission("The casinos closed.")))


class SpamEngineStepTests(PipelineTestCase):
    def verdict(self, **fields: Any) -> mock.Mock:
        values = {"spam": False, "discard": False, "score": 0.1, "reasons": ["r"]}
        return mock.Mock(**{**values, **fields})

    def test_spam_verdict_marks_spam_and_keeps_the_reasons(self) -> None:
        decision = Decision(Outcome.APPROVE)
        with mock.patch("broadsheet.comments.spam.check", return_value=self.verdict(spam=True)):
            step = pipeline.spam_engine(self.submission(), decision)
        assert step is not None
        self.assertIs(step.outcome, Outcome.SPAM)
        self.assertEqual(decision.spam_reasons, ["r"])

    def test_discard_verdict_discards(self) -> None:
        with mock.patch(
            "broadsheet.comments.spam.check",
            return_value=self.verdict(spam=True, discard=True),
        ):
            self.assertIs(self.judge(pipeline.spam_engine, self.submission()), Outcome.DISCARD)

    def test_ham_verdict_passes_with_its_score(self) -> None:
        decision = Decision(Outcome.APPROVE)
        with mock.patch("broadsheet.comments.spam.check", return_value=self.verdict(score=0.02)):
            self.assertIsNone(pipeline.spam_engine(self.submission(), decision))
        self.assertEqual(decision.spam_score, 0.02)


class FirstTimeCommenterTests(PipelineTestCase):
    def test_first_comment_is_held(self) -> None:
        self.assertIs(self.judge(pipeline.first_time_commenter, self.submission()), Outcome.HOLD)

    def test_author_with_an_approved_comment_passes(self) -> None:
        sub = self.submission()
        self.add_comment(email_hash=sub.email_hash)
        self.assertIsNone(self.judge(pipeline.first_time_commenter, sub))

    def test_signed_in_author_with_an_approved_comment_passes(self) -> None:
        self.add_comment(user=self.reader, author_email="")
        sub = self.submission(author_email="", user_id=self.reader.pk)
        self.assertIsNone(self.judge(pipeline.first_time_commenter, sub))

    def test_their_pending_or_spam_comments_do_not_count(self) -> None:
        sub = self.submission()
        for status in (Comment.Status.PENDING, Comment.Status.SPAM):
            self.add_comment(email_hash=sub.email_hash, status=status)
        self.assertIs(self.judge(pipeline.first_time_commenter, sub), Outcome.HOLD)

    def test_a_guest_without_an_address_is_held_without_a_query(self) -> None:
        self.add_comment(email_hash="", author_email="")
        with self.assertNumQueries(0):
            outcome = self.judge(pipeline.first_time_commenter, self.submission(author_email=""))
        self.assertIs(outcome, Outcome.HOLD)

    @override_settings(COMMENTS_HOLD_FIRST_TIME=False)
    def test_switched_off_passes(self) -> None:
        self.assertIsNone(self.judge(pipeline.first_time_commenter, self.submission()))


class RunTests(PipelineTestCase):
    def test_holds_collect_their_reasons(self) -> None:
        text = "https://a.example https://b.example https://c.example"
        with mock.patch("broadsheet.comments.spam.check") as check:
            check.return_value = mock.Mock(spam=False, discard=False, score=0.2, reasons=[])
            decision = pipeline.run(self.submission(text))
        self.assertIs(decision.outcome, Outcome.HOLD)
        self.assertEqual(decision.reasons, ["3 links", "first comment from this author"])

    def test_a_reject_stops_the_run_before_the_spam_engine(self) -> None:
        with mock.patch("broadsheet.comments.spam.check") as check:
            decision = pipeline.run(self.submission(honeypot="filled"))
        self.assertIs(decision.outcome, Outcome.REJECT)
        check.assert_not_called()
