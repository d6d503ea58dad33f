from __future__ import annotations

from xml.etree import ElementTree

from django.template.loader import render_to_string
from django.urls import reverse

from broadsheet.comments.models import Comment, Thread
from broadsheet.comments.tests.base import CommentsTestCase

ATOM = "{http://www.w3.org/2005/Atom}"


class FeedTests(CommentsTestCase):
    def entries(self, url: str) -> list[ElementTree.Element]:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("application/atom+xml"))
        return ElementTree.fromstring(response.content).findall(f"{ATOM}entry")

    def test_thread_feed_lists_approved_comments_newest_first(self) -> None:
        first = self.add_comment("First, and **bold**.", author_name="Ann")
        self.add_comment("Second.", author_name="Ben")
        self.add_comment("Held.", status=Comment.Status.PENDING)
        self.add_comment("Buy pills.", status=Comment.Status.SPAM)
        self.add_comment("Deleted.", status=Comment.Status.TRASH)
        entries = self.entries(reverse("comments:thread-feed", args=[self.thread.pk]))
        self.assertEqual(
            [e.findtext(f"{ATOM}title") for e in entries],
            ["Ben on “Bridge reopens”", "Ann on “Bridge reopens”"],
        )
        last = entries[-1]
        self.assertEqual(last.findtext(f"{ATOM}author/{ATOM}name"), "Ann")
        self.assertIn("<strong>bold</strong>", last.findtext(f"{ATOM}summary") or "")
        link = last.find(f"{ATOM}link")
        assert link is not None
        self.assertTrue(link.get("href", "").endswith(f"/bridge-reopens/#comment-{first.pk}"))

    def test_feeds_never_contain_email_addresses(self) -> None:
        self.add_comment("Hello.", author_email="secret-person@example.org")
        for url in [
            reverse("comments:feed"),
            reverse("comments:thread-feed", args=[self.thread.pk]),
        ]:
            response = self.client.get(url)
            self.assertNotContains(response, "secret-person")
            self.assertNotContains(response, "<email>")

    def test_control_characters_in_a_comment_leave_the_feeds_readable(self) -> None:
        """XML 1.0 has no place for them: they are dropped, not a server error for everyone."""
        self.thread.title = "Bridge\x0b reopens"
        self.thread.save()
        self.add_comment("Line\x0bfeed and \x01 bell\x07.", author_name="Ann\x0c")
        for url in [
            reverse("comments:feed"),
            reverse("comments:thread-feed", args=[self.thread.pk]),
        ]:
            (entry,) = self.entries(url)
            self.assertEqual(entry.findtext(f"{ATOM}author/{ATOM}name"), "Ann")
            self.assertIn("Linefeed and  bell.", entry.findtext(f"{ATOM}summary") or "")

    def test_site_feed_has_the_latest_comments_of_published_pages_only(self) -> None:
        self.add_comment("On the bridge.")
        draft = Thread.objects.create(article=self.make_article("Draft", status="draft"))
        self.add_comment("On a draft.", thread=draft)
        elsewhere = Thread.objects.create(origin="https://blog.example", uri="/post/")
        self.add_comment("On a partner blog.", thread=elsewhere)
        entries = self.entries(reverse("comments:feed"))
        summaries = [e.findtext(f"{ATOM}summary") or "" for e in entries]
        self.assertEqual(len(summaries), 2)
        self.assertIn("On a partner blog.", summaries[0])
        self.assertIn("On the bridge.", summaries[1])
        link = entries[0].find(f"{ATOM}link")
        assert link is not None
        self.assertTrue(link.get("href", "").startswith("https://blog.example/post/#comment-"))

    def test_thread_feed_of_a_draft_or_unknown_thread_is_404(self) -> None:
        draft = Thread.objects.create(article=self.make_article("Draft", status="draft"))
        for thread_id in [draft.pk, 999_999]:
            response = self.client.get(reverse("comments:thread-feed", args=[thread_id]))
            self.assertEqual(response.status_code, 404)

    def test_feed_queries_do_not_grow_with_the_comments(self) -> None:
        url = reverse("comments:feed")
        for n in range(3):
            self.add_comment(f"Comment {n}")
        with self.assertNumQueries(1) as few:
            self.client.get(url)
        for n in range(20):
            self.add_comment(f"More {n}")
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(url)


class FollowLinksTests(CommentsTestCase):
    def test_the_follow_partial_links_the_form_and_the_feed(self) -> None:
        html = render_to_string("comments/_follow.html", {"thread": self.thread})
        self.assertIn(reverse("comments:follow", args=[self.thread.pk]), html)
        self.assertIn(reverse("comments:thread-feed", args=[self.thread.pk]), html)
        self.assertEqual(render_to_string("comments/_follow.html", {"thread": None}).strip(), "")
