from __future__ import annotations

import json

import pytest
from pytest_django.live_server_helper import LiveServer

from broadsheet.demo import load_demo
from broadsheet.test import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_follows_an_article_from_the_home_page(live_server: LiveServer) -> None:
    load_demo()
    with chromium() as browser:
        page = browser.new_page()
        page.goto(live_server.url)
        first = page.locator(".latest .card-title a").first
        title = first.inner_text()
        first.click()
        page.wait_for_load_state()
        assert page.locator("h1").inner_text() == title
        assert page.title().startswith(title)
        data = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
        assert data["@type"] == "NewsArticle"
        assert data["headline"] == title


def test_skip_link_is_the_first_stop_for_keyboard_readers(live_server: LiveServer) -> None:
    load_demo()
    with chromium() as browser:
        page = browser.new_page()
        page.goto(live_server.url)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.getAttribute('href')")
        assert focused == "#main"
        assert page.locator(".skip-link").bounding_box()["y"] >= 0  # type: ignore[index]
