from __future__ import annotations

import json
import re
import time
from datetime import timedelta

import time_machine
from django.test import override_settings
from django.utils import timezone

from broadsheet.articles.models import Article, Section
from broadsheet.live import readers
from broadsheet.test import BaseTestCase


def json_ld(html: str) -> dict[str, object]:
    match = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.DOTALL)
    assert match, "no JSON-LD on the page"
    return json.loads(match.group(1))  # type: ignore[no-any-return]


class ArticlePageTests(BaseTestCase):
    def test_article_page_shows_title_body_and_byline(self) -> None:
        article = self.make_article(body="The bridge **reopened** on Monday.")
        response = self.client.get(article.get_absolute_url())
        self.assertContains(response, '<h1 id="story-title">Bridge reopens</h1>', html=False)
        self.assertContains(response, "<strong>reopened</strong>")
        self.assertContains(response, "By A. Reporter")

    def test_article_page_describes_itself_as_a_news_article(self) -> None:
        article = self.make_article()
        response = self.client.get(article.get_absolute_url())
        data = json_ld(response.content.decode())
        self.assertEqual(data["@type"], "NewsArticle")
        self.assertEqual(data["headline"], "Bridge reopens")
        self.assertEqual(data["articleSection"], "Town")
        self.assertContains(response, '<meta property="og:title" content="Bridge reopens">')
        self.assertContains(response, '<meta property="og:type" content="article">')

    def test_json_ld_cannot_be_broken_out_of_by_a_title(self) -> None:
        article = self.make_article(title="</script><script>alert(1)</script>", slug="x")
        html = self.client.get(article.get_absolute_url()).content.decode()
        self.assertNotIn("<script>alert(1)", html)
        self.assertEqual(json_ld(html)["headline"], "</script><script>alert(1)</script>")

    def test_article_page_has_places_for_live_readers_and_comments_after_the_body(self) -> None:
        article = self.make_article()
        html = self.client.get(article.get_absolute_url()).content.decode()
        marks = ['<div class="body">', 'id="currently-reading"', 'id="comments"', 'id="respond"']
        positions = [html.index(mark) for mark in marks]
        self.assertEqual(positions, sorted(positions))

    def test_article_page_runs_two_queries(self) -> None:
        article = self.make_article()
        readers.widget(readers.SITE, time.time())  # the live list is made once for every page
        with self.assertNumQueries(2):  # the article with its section and thread; the navigation
            self.client.get(article.get_absolute_url())

    def test_unknown_slug_gives_the_404_page(self) -> None:
        response = self.client.get("/articles/no-such-thing/")
        self.assertEqual(response.status_code, 404)
        self.assertContains(response, "Page not found", status_code=404)

    def test_draft_is_not_public(self) -> None:
        article = self.make_article(status=Article.Status.DRAFT)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)

    def test_scheduled_article_appears_when_its_time_comes(self) -> None:
        when = timezone.now() + timedelta(hours=2)
        article = self.make_article(status=Article.Status.SCHEDULED, published_at=when)
        self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 404)
        self.assertNotContains(self.client.get("/"), article.title)
        with time_machine.travel(when + timedelta(minutes=1)):
            self.assertEqual(self.client.get(article.get_absolute_url()).status_code, 200)
            self.assertContains(self.client.get("/"), article.title)

    def test_a_ten_thousand_word_article_renders(self) -> None:
        paragraph = " ".join(["word"] * 100)
        body = "\n\n".join(f"## Part {n}\n\n{paragraph}" for n in range(100))
        article = self.make_article(body=body)
        response = self.client.get(article.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content.decode().count("word"), 10_000)

    def test_updated_article_says_when(self) -> None:
        article = self.make_article(published_at=timezone.now() - timedelta(days=1))
        self.assertContains(self.client.get(article.get_absolute_url()), "Updated")


class ListPageTests(BaseTestCase):
    def test_home_lists_live_articles_newest_first_and_not_drafts(self) -> None:
        self.make_article("Older story", published_at=timezone.now() - timedelta(days=2))
        self.make_article("Newer story")
        self.make_article("Secret draft", status=Article.Status.DRAFT)
        html = self.client.get("/").content.decode()
        self.assertLess(html.index("Newer story"), html.index("Older story"))
        self.assertNotIn("Secret draft", html)

    def test_home_groups_the_latest_by_section(self) -> None:
        sport = Section.objects.create(name="Sport", slug="sport")
        self.make_article("Cup final", section=sport)
        response = self.client.get("/")
        self.assertContains(response, '<h2 id="section-sport">')
        self.assertContains(response, '<h2 id="section-town">', count=0)

    def test_section_page_lists_only_its_articles(self) -> None:
        sport = Section.objects.create(name="Sport", slug="sport")
        self.make_article("Cup final", section=sport)
        self.make_article("Council meets")
        response = self.client.get(sport.get_absolute_url())
        self.assertContains(response, "Cup final")
        self.assertNotContains(response, "Council meets")

    def test_unknown_section_is_404(self) -> None:
        self.assertEqual(self.client.get("/sections/nowhere/").status_code, 404)

    @override_settings(ARTICLES_PER_PAGE=2)
    def test_pages_follow_on(self) -> None:
        for n in range(5):
            self.make_article(f"Story {n}", published_at=timezone.now() - timedelta(hours=n + 1))
        page3 = self.client.get("/?page=3")
        self.assertContains(page3, "Story 4")
        self.assertContains(page3, "Page 3 of 3")

    def test_bad_page_numbers_are_404_not_500(self) -> None:
        self.make_article()
        for url in ["/?page=abc", "/?page=99999", "/?page=-1", "/sections/town/?page=0"]:
            with self.subTest(url=url):
                self.assertEqual(self.client.get(url).status_code, 404)

    def test_home_runs_a_fixed_number_of_queries(self) -> None:
        for n in range(6):
            section = Section.objects.create(name=f"S{n}", slug=f"s{n}")
            self.make_article(f"Story {n}", section=section)
        # count, page of articles, latest per section, navigation
        with self.assertNumQueries(4):
            self.client.get("/")


class PreviewTests(BaseTestCase):
    def test_editor_previews_a_draft(self) -> None:
        article = self.make_article(status=Article.Status.DRAFT)
        self.client.force_login(self.editor)
        response = self.client.get(f"{article.get_absolute_url()}preview/")
        self.assertContains(response, "Preview: this article is Draft")
        self.assertEqual(response["X-Robots-Tag"], "noindex")

    def test_reader_cannot_preview(self) -> None:
        article = self.make_article(status=Article.Status.DRAFT)
        self.client.force_login(self.reader)
        response = self.client.get(f"{article.get_absolute_url()}preview/")
        self.assertEqual(response.status_code, 302)
        self.assertNotContains(response, article.title, status_code=302)
