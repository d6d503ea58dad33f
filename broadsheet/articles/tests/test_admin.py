from __future__ import annotations

from django.urls import reverse

from broadsheet.articles.models import Article
from broadsheet.test import BaseTestCase


class EditorAdminTests(BaseTestCase):
    def setUp(self) -> None:
        self.client.force_login(self.editor)

    def test_editor_lists_searches_and_filters_articles(self) -> None:
        self.make_article("Bridge reopens")
        self.make_article("Library hours", status=Article.Status.DRAFT)
        url = reverse("admin:articles_article_changelist")
        self.assertContains(self.client.get(url), "Library hours")
        self.assertNotContains(self.client.get(url, {"q": "bridge"}), "Library hours")
        self.assertNotContains(
            self.client.get(url, {"status__exact": "published"}), "Library hours"
        )

    def test_editor_writes_and_schedules_an_article(self) -> None:
        response = self.client.post(
            reverse("admin:articles_article_add"),
            {
                "title": "Market moves",
                "slug": "market-moves",
                "section": self.section.pk,
                "summary": "The market moves to the quay.",
                "body": "From **Saturday**.",
                "byline": "A. Reporter",
                "status": "scheduled",
                "published_at_0": "2099-01-01",
                "published_at_1": "09:00:00",
            },
        )
        self.assertEqual(response.status_code, 302)
        article = Article.objects.get(slug="market-moves")
        self.assertEqual(article.created_by, self.editor)
        self.assertIn("<strong>Saturday</strong>", article.body_html)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)

    def test_scheduling_without_a_time_is_refused(self) -> None:
        response = self.client.post(
            reverse("admin:articles_article_add"),
            {
                "title": "Market moves",
                "slug": "market-moves",
                "section": self.section.pk,
                "summary": "s",
                "body": "b",
                "status": "scheduled",
            },
        )
        self.assertContains(response, "needs the time it is to appear")
        self.assertFalse(Article.objects.exists())

    def test_publish_now_action_makes_drafts_live(self) -> None:
        draft = self.make_article(status=Article.Status.DRAFT, published_at=None)
        self.client.post(
            reverse("admin:articles_article_changelist"),
            {"action": "publish_now", "_selected_action": [draft.pk]},
        )
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 200)

    def test_reader_cannot_open_the_admin(self) -> None:
        self.client.force_login(self.reader)
        response = self.client.get(reverse("admin:articles_article_changelist"))
        self.assertEqual(response.status_code, 302)
