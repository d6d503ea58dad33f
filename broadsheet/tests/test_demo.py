from __future__ import annotations

from broadsheet.articles.demo_content import ARTICLES, SECTIONS
from broadsheet.articles.models import Article, Section
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

    def test_demo_editor_signs_in_with_the_printed_password(self) -> None:
        password = load_demo()
        self.assertTrue(self.client.login(username="editor", password=password))
        self.assertEqual(self.client.get("/admin/articles/article/").status_code, 200)

    def test_every_demo_article_renders(self) -> None:
        load_demo()
        for article in Article.objects.all():
            with self.subTest(slug=article.slug):
                self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)
