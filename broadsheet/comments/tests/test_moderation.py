from __future__ import annotations

from unittest import mock

from django.urls import reverse

from broadsheet.comments.models import Comment, ModerationEvent
from broadsheet.comments.notifications import moderation_token
from broadsheet.comments.tests.base import CommentsTestCase


class QueueTests(CommentsTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.moderator)
        self.url = reverse("admin:comments_comment_changelist")

    def test_moderator_sees_the_queue_with_reasons_and_history(self) -> None:
        self.add_comment("Approved earlier.", author_email="a@example.org", email_hash="h1")
        self.add_comment(
            "Held now.",
            author_email="a@example.org",
            email_hash="h1",
            status=Comment.Status.PENDING,
            moderation_reasons=["3 links"],
            spam_reasons=["2 links to domains seen in spam"],
            spam_score=0.42,
        )
        response = self.client.get(self.url, {"status__exact": "pending"})
        self.assertContains(response, "Held now.")
        self.assertNotContains(response, "Approved earlier.")
        self.assertContains(response, "3 links")
        self.assertContains(response, "2 links to domains seen in spam")
        self.assertContains(response, "0.42")
        self.assertContains(response, "✓ 1")

    def test_queue_query_count_does_not_grow_with_the_comments(self) -> None:
        for n in range(5):
            self.add_comment(f"Comment {n}", status=Comment.Status.PENDING, email_hash=f"h{n}")
        self.client.get(self.url)  # warm the session and permissions caches
        with self.assertNumQueries(9) as five:
            self.client.get(self.url)
        for n in range(45):
            self.add_comment(f"More {n}", status=Comment.Status.PENDING, email_hash=f"m{n}")
        with self.assertNumQueries(len(five.captured_queries)):
            self.client.get(self.url)

    def test_search_by_text_and_filter_by_reason_author_and_thread(self) -> None:
        self.add_comment("About the tram.", moderation_reasons=["3 links"], email_hash="e1")
        self.add_comment(
            "About the bus.", moderation_reasons=["first comment from this author"], ip_hash="i2"
        )
        self.assertNotContains(self.client.get(self.url, {"q": "tram"}), "About the bus.")
        self.assertNotContains(self.client.get(self.url, {"reason": "links"}), "About the bus.")
        self.assertNotContains(self.client.get(self.url, {"email_hash__exact": "e1"}), "bus.")
        self.assertNotContains(self.client.get(self.url, {"ip_hash__exact": "i2"}), "tram.")
        other = self.client.get(self.url, {"thread__id__exact": self.thread.pk + 1})
        self.assertNotContains(other, "About the")
        self.assertContains(self.client.get(self.url, {"q": "Bridge reopens"}), "About the bus.")

    def test_bulk_spam_teaches_the_engine_and_updates_the_count(self) -> None:
        comments = [self.add_comment(f"Buy now {n}") for n in range(2)]
        with (
            mock.patch("broadsheet.comments.spam.learn") as learn,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(
                self.url,
                {"action": "mark_spam", "_selected_action": [c.pk for c in comments]},
            )
        self.assertEqual(Comment.objects.filter(status=Comment.Status.SPAM).count(), 2)
        self.assertEqual(learn.call_count, 2)
        self.assertTrue(all(call.kwargs["is_spam"] for call in learn.call_args_list))
        self.thread.refresh_from_db()
        self.assertEqual(self.thread.approved_count, 0)
        self.assertEqual(ModerationEvent.objects.filter(actor=self.moderator).count(), 2)

    def test_not_spam_approves_and_teaches_ham(self) -> None:
        comment = self.add_comment("Honest words.", status=Comment.Status.SPAM)
        with (
            mock.patch("broadsheet.comments.spam.learn") as learn,
            self.captureOnCommitCallbacks(execute=True),
        ):
            self.client.post(self.url, {"action": "mark_ham", "_selected_action": [comment.pk]})
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        learn.assert_called_once_with(comment, is_spam=False)

    def test_bulk_approve_and_trash(self) -> None:
        held = self.add_comment("Held.", status=Comment.Status.PENDING)
        self.client.post(self.url, {"action": "approve", "_selected_action": [held.pk]})
        held.refresh_from_db()
        self.assertEqual(held.status, Comment.Status.APPROVED)
        self.client.post(self.url, {"action": "trash", "_selected_action": [held.pk]})
        held.refresh_from_db()
        self.assertEqual(held.status, Comment.Status.TRASH)

    def test_a_moderators_edit_of_the_text_is_rendered_again(self) -> None:
        comment = self.add_comment("Buy *now*.")
        url = reverse("admin:comments_comment_change", args=[comment.pk])
        self.client.post(
            url,
            {"author_name": "Someone", "author_email": "", "author_url": "", "content": "*Kept*"},
        )
        comment.refresh_from_db()
        self.assertEqual(comment.content_html.strip(), "<p><em>Kept</em></p>")

    def test_reader_and_editor_cannot_open_the_queue(self) -> None:
        for user in (self.reader, self.editor):
            self.client.force_login(user)
            self.assertIn(self.client.get(self.url).status_code, (302, 403))


class EmailLinkTests(CommentsTestCase):
    def test_link_asks_first_then_approves(self) -> None:
        comment = self.add_comment("Held.", status=Comment.Status.PENDING)
        url = reverse(
            "comments:moderate", args=[moderation_token(comment, "approve", self.moderator.pk)]
        )
        page = self.client.get(url)
        self.assertContains(page, "Approve this comment")
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.PENDING)
        self.client.post(url)
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.APPROVED)
        self.assertEqual(comment.events.last().actor, self.moderator)  # type: ignore[union-attr]

    def test_spam_link_marks_spam(self) -> None:
        comment = self.add_comment("Held.", status=Comment.Status.PENDING)
        url = reverse(
            "comments:moderate", args=[moderation_token(comment, "spam", self.moderator.pk)]
        )
        with mock.patch("broadsheet.comments.spam.learn"):
            self.client.post(url)
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.SPAM)

    def test_forged_link_is_refused(self) -> None:
        comment = self.add_comment("Held.", status=Comment.Status.PENDING)
        token = moderation_token(comment, "approve", self.moderator.pk)
        response = self.client.post(reverse("comments:moderate", args=[token[:-2] + "xx"]))
        self.assertEqual(response.status_code, 400)
        comment.refresh_from_db()
        self.assertEqual(comment.status, Comment.Status.PENDING)

    def test_link_for_someone_who_is_no_moderator_is_refused(self) -> None:
        comment = self.add_comment("Held.", status=Comment.Status.PENDING)
        url = reverse(
            "comments:moderate", args=[moderation_token(comment, "approve", self.reader.pk)]
        )
        self.assertEqual(self.client.post(url).status_code, 403)
