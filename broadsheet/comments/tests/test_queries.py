"""The queries a comment costs, pinned: posting through the form and the API, and reading a
thread through the API. The spam engine's own queries are its business (and depend on when it
last looked for other workers' feedback), so its verdict is fixed here."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.core.cache import cache
from django.test import override_settings

from broadsheet.antispam.engine import Verdict
from broadsheet.comments.models import Comment, ModerationEvent, Thread
from broadsheet.comments.tests.base import site_hash
from broadsheet.comments.tests.test_api import PAGE, PARTNER, ApiTestCase
from broadsheet.privacy.keys import current_key

HAM = Verdict(spam=False, discard=False, score=0.05, reasons=("r",), version="test")


@override_settings(EMBED_ORIGINS=[PARTNER])
class PostQueryTests(ApiTestCase):
    def setUp(self) -> None:
        super().setUp()
        current_key()  # the IP-hash key is read once per worker, not per comment
        patcher = mock.patch("broadsheet.comments.spam.check", return_value=HAM)
        patcher.start()
        self.addCleanup(patcher.stop)

    def assert_posted(self, response: Any, status: str) -> Comment:
        self.assertIn(response.status_code, (201, 302), response.content)
        comment = Comment.objects.latest("id")
        self.assertEqual(comment.status, status)
        self.assertEqual(comment.root_id, comment.pk)
        self.assertEqual(ModerationEvent.objects.get(comment=comment).to_status, status)
        return comment

    def test_a_held_form_post_from_a_first_time_guest(self) -> None:
        # The view's three: the article with its thread, the thread again (get_or_create) and
        # its article again (for the permalink). The checks: duplicate, rate limits (a guest
        # with no address needs no first-time query). The write, in a savepoint: the comment,
        # its root, the thread's count and version, its history, the webhooks that want it.
        # After commit: the moderators to tell.
        with self.assertNumQueries(13), self.captureOnCommitCallbacks(execute=True):
            response = self.post_comment("I walked over it this morning.", email="")
        self.assert_posted(response, Comment.Status.PENDING)

    def test_an_approved_form_post_from_a_known_author(self) -> None:
        email = "rosa@example.org"
        self.add_comment(author_email=email, email_hash=site_hash(email))
        # As above, with the first-time check, the answer to the cookie box stored (an address
        # was given), and after commit the thread's and the parent's followers instead.
        with self.assertNumQueries(16), self.captureOnCommitCallbacks(execute=True):
            response = self.post_comment("Second time round.")
        self.assert_posted(response, Comment.Status.APPROVED)

    def test_an_api_post_to_a_page_of_another_site(self) -> None:
        Thread.objects.create(origin=PARTNER, uri="/posts/ramps/", title="Ramps")
        # The thread; duplicate, rate limits, first time; the write as above; the moderators.
        with self.assertNumQueries(12), self.captureOnCommitCallbacks(execute=True):
            response = self.post_api()
        self.assert_posted(response, Comment.Status.PENDING)

    def test_an_api_post_to_an_article_finds_its_thread_with_the_article(self) -> None:
        with self.assertNumQueries(12), self.captureOnCommitCallbacks(execute=True):
            response = self.post_api(uri=self.article.get_absolute_url())
        self.assertEqual(self.assert_posted(response, Comment.Status.PENDING).thread, self.thread)


@override_settings(EMBED_ORIGINS=[PARTNER])
class ReadQueryTests(ApiTestCase):
    def thread_with_comments(self, threads: int = 50) -> Thread:
        thread = Thread.objects.create(origin=PARTNER, uri="/posts/ramps/", title="Ramps")
        for n in range(threads):
            top = self.add_comment(f"Comment {n}.", thread=thread)
            self.add_comment(f"Reply {n}.", thread=thread, parent=top)
        return thread

    def test_a_cached_thread_costs_one_small_query_until_it_changes(self) -> None:
        thread = self.thread_with_comments()
        query = {"uri": PAGE, "limit": 50}
        with self.assertNumQueries(3):  # the thread, a page of comments, their first replies
            first = self.get("/threads", data=query).content
        with self.assertNumQueries(1) as read:
            self.assertEqual(self.get("/threads", data=query).content, first)
        self.assertNotIn("comments_comment", read.captured_queries[0]["sql"])
        first_top = Comment.objects.filter(thread=thread).first()
        self.add_comment("A new one.", thread=thread, parent=first_top)  # bumps the version
        with self.assertNumQueries(4):  # its version, the thread anew, then the page
            changed = self.get("/threads", data=query).json()
        self.assertEqual(changed["count"], 101)
        self.assertEqual(changed["comments"][0]["replies"][-1]["html"].strip(), "<p>A new one.</p>")
        with self.assertNumQueries(1):
            self.get("/threads", data=query)

    def test_a_deleted_thread_is_not_served_from_the_cache(self) -> None:
        thread = self.thread_with_comments()
        self.get("/threads", data={"uri": PAGE})
        thread.delete()
        body = self.get("/threads", data={"uri": PAGE}).json()
        self.assertEqual((body["comments"], body["count"]), ([], 0))

    def test_readers_with_comments_of_their_own_are_not_served_the_shared_answer(self) -> None:
        self.thread_with_comments(threads=2)
        self.get("/threads", data={"uri": PAGE})
        posted = self.post_api("Mine, awaiting moderation.").json()
        self.client.cookies.clear()
        mine = self.get("/threads", data={"uri": PAGE}, HTTP_X_BROADSHEET_KEY=posted["key"])
        self.assertIn(posted["comment"]["id"], [c["id"] for c in mine.json()["comments"]])

    def test_an_unpublished_article_is_a_404_once_its_thread_is_not_remembered(self) -> None:
        uri = self.article.get_absolute_url()
        self.assertEqual(self.get("/threads", data={"uri": uri}).status_code, 200)
        self.article.status = self.article.Status.DRAFT
        self.article.save()
        cache.clear()  # as PLACE_SECONDS after the last read
        self.assertEqual(self.get("/threads", data={"uri": uri}).status_code, 404)
