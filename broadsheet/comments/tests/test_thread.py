from __future__ import annotations

import time

from django.test import override_settings
from django.urls import reverse

from broadsheet.comments.actions import do_trash
from broadsheet.comments.models import Comment
from broadsheet.comments.tests.base import CommentsTestCase
from broadsheet.live import readers


class ThreadDisplayTests(CommentsTestCase):
    def test_article_page_with_200_comments_runs_a_fixed_number_of_queries(self) -> None:
        for n in range(100):
            top = self.add_comment(f"Top {n}")
            self.add_comment(f"Reply {n}", parent=top)
        readers.widget(readers.SITE, time.time())  # the live list is made once for every page
        with self.assertNumQueries(5):
            # the article, the navigation, the count of top-level comments, the page of
            # them, and their replies
            response = self.client.get(self.article.get_absolute_url())
        self.assertContains(response, "200 comments")
        self.assertContains(response, "Reply 49")
        self.assertNotContains(response, "Top 50")  # on page two
        with self.assertNumQueries(1):  # the next reader gets the same page, cached
            cached = self.client.get(self.article.get_absolute_url())
        self.assertContains(cached, "Reply 49")

    def test_a_change_to_the_thread_shows_at_once_despite_the_cache(self) -> None:
        comment = self.add_comment("Before.")
        self.assertContains(self.client.get(self.article.get_absolute_url()), "Before.")
        do_trash(comment, actor=self.moderator)
        self.assertNotContains(self.client.get(self.article.get_absolute_url()), "Before.")

    @override_settings(COMMENTS_PER_PAGE=2)
    def test_top_level_comments_are_paged(self) -> None:
        for n in range(5):
            self.add_comment(f"Top {n}")
        page3 = self.client.get(f"{self.article.get_absolute_url()}?page=3")
        self.assertContains(page3, "Top 4")
        self.assertNotContains(page3, "Top 0")
        fragment = self.client.get(reverse("comments:thread", args=[self.thread.pk]), {"page": 2})
        self.assertContains(fragment, "Top 2")
        self.assertContains(fragment, "More comments")

    @override_settings(COMMENTS_REPLIES_SHOWN=2)
    def test_long_branches_offer_more_replies(self) -> None:
        top = self.add_comment("Top")
        for n in range(5):
            self.add_comment(f"Reply {n}", parent=top)
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "3 more replies")
        self.assertNotContains(page, "Reply 4")
        branch = self.client.get(reverse("comments:replies", args=[top.pk]))
        self.assertContains(branch, "Reply 4")
        self.assertContains(branch, "<h1>Replies to Someone</h1>", html=True)

    def test_held_spam_and_trash_are_not_shown(self) -> None:
        self.add_comment("Visible.")
        for status in (Comment.Status.PENDING, Comment.Status.SPAM, Comment.Status.TRASH):
            self.add_comment(f"Hidden {status}.", status=status)
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "Visible.")
        self.assertNotContains(page, "Hidden")
        self.assertContains(page, "1 comment")

    def test_reply_to_a_trashed_comment_hangs_from_its_branch(self) -> None:
        top = self.add_comment("Top")
        middle = self.add_comment("Middle", parent=top, status=Comment.Status.TRASH)
        self.add_comment("Orphan", parent=middle)
        self.assertContains(self.client.get(self.article.get_absolute_url()), "Orphan")

    def test_bad_thread_page_is_404(self) -> None:
        url = reverse("comments:thread", args=[self.thread.pk])
        self.assertEqual(self.client.get(url, {"page": "x"}).status_code, 404)
        self.assertEqual(self.client.get(reverse("comments:thread", args=[999])).status_code, 404)

    def test_closed_thread_shows_no_form(self) -> None:
        self.thread.is_closed = True
        self.thread.save()
        page = self.client.get(self.article.get_absolute_url())
        self.assertContains(page, "Comments are closed.")
        self.assertNotContains(page, 'class="comment-form"')
