from __future__ import annotations

from broadsheet.articles.demo_content import ARTICLES, SECTIONS
from broadsheet.articles.models import Article, Section
from broadsheet.comments.demo_content import COMMENTS
from broadsheet.comments.models import Comment
from broadsheet.demo import load_demo
from broadsheet.test import BaseTestCase


class DemoTests(BaseTestCase):
    def test_demo_loads_idempotently(self) -> None:
        load_demo()
        first_times = dict(Article.objects.values_list("slug", "published_at"))
        load_demo()
        self.assertEqual(Article.objects.count(), len(ARTICLES))
        self.assertGreaterEqual(len(ARTICLES), 6)
        self.assertGreaterEqual(Section.objects.count(), len(SECTIONS))
        self.assertEqual(dict(Article.objects.values_list("slug", "published_at")), first_times)
        self.assertEqual(Comment.objects.count(), len(COMMENTS))

    def test_demo_conversation_is_threaded_with_one_comment_held(self) -> None:
        load_demo()
        reply = Comment.objects.get(parent__isnull=False)
        self.assertEqual(reply.root, reply.parent)
        self.assertEqual(Comment.objects.filter(status=Comment.Status.PENDING).count(), 1)
        page = self.client.get(reply.thread.get_absolute_url())
        self.assertContains(page, "3 comments")

    def test_demo_editor_signs_in_with_the_printed_password(self) -> None:
        password = load_demo()
        self.assertTrue(self.client.login(username="editor", password=password))
        self.assertEqual(self.client.get("/admin/articles/article/").status_code, 200)

    def test_every_demo_article_renders_without_claiming_an_update(self) -> None:
        load_demo()
        for article in Article.objects.all():
            with self.subTest(slug=article.slug):
                response = self.client.get(article.get_absolute_url())
                self.assertEqual(response.status_code, 200)
                self.assertNotContains(response, "Updated")
