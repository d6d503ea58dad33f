from __future__ import annotations

from datetime import timedelta
from xml.etree import ElementTree

from django.utils import timezone

from broadsheet.articles.models import Article, Section
from broadsheet.test import BaseTestCase

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class FeedTests(BaseTestCase):
    def test_site_feed_is_atom_with_live_articles_only(self) -> None:
        self.make_article("Live story")
        self.make_article("Draft story", status=Article.Status.DRAFT)
        response = self.client.get("/feed/")
        self.assertEqual(response["Content-Type"], "application/atom+xml; charset=utf-8")
        feed = ElementTree.fromstring(response.content)
        titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
        self.assertEqual(titles, ["Live story"])

    def test_section_feed_holds_only_that_section(self) -> None:
        sport = Section.objects.create(name="Sport", slug="sport")
        self.make_article("Cup final", section=sport)
        self.make_article("Council meets")
        feed = ElementTree.fromstring(self.client.get("/sections/sport/feed/").content)
        self.assertEqual(feed.findtext(f"{ATOM}title"), "Broadsheet: Sport")
        titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
        self.assertEqual(titles, ["Cup final"])

    def test_unknown_section_feed_is_404(self) -> None:
        self.assertEqual(self.client.get("/sections/nowhere/feed/").status_code, 404)


class SitemapTests(BaseTestCase):
    def test_sitemap_lists_home_sections_and_live_articles(self) -> None:
        live = self.make_article("Live story")
        self.make_article("Draft story", status=Article.Status.DRAFT)
        sitemap = ElementTree.fromstring(self.client.get("/sitemap.xml").content)
        locations = {loc.text for loc in sitemap.iter(f"{SITEMAP}loc")}
        self.assertIn(f"http://testserver{live.get_absolute_url()}", locations)
        self.assertIn("http://testserver/sections/town/", locations)
        self.assertIn("http://testserver/", locations)
        self.assertEqual(len(locations), 3)

    def test_news_sitemap_holds_the_last_two_days(self) -> None:
        self.make_article("Fresh story")
        self.make_article("Old story", published_at=timezone.now() - timedelta(days=3))
        response = self.client.get("/sitemap-news.xml")
        sitemap = ElementTree.fromstring(response.content)
        titles = [title.text for title in sitemap.iter(f"{NEWS}title")]
        self.assertEqual(titles, ["Fresh story"])
        self.assertEqual(next(sitemap.iter(f"{NEWS}language")).text, "en")
