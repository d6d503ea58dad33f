"""The embeddable widget in a real browser, on a page of another origin."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from broadsheet.comments.actions import do_approve
from broadsheet.comments.models import Comment
from broadsheet.test import chromium, other_site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "embed"
STATIC = Path(__file__).resolve().parents[1] / "static" / "broadsheet"
EXAMPLE_SITE = "http://127.0.0.1:8000"
# A desktop browser's own name: the spam filter rightly takes headless Chromium for a robot.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
# The host page's CSS at its most careless: none of it may reach the widget.
HOSTILE_CSS = "<style>button{display:none!important} li{color:red} h2{display:none}</style>"


@pytest.fixture
def pages(live_server: LiveServer, tmp_path: Path) -> Path:
    """The examples, pointed at the live server, with hostile CSS added to the post."""
    for name in ("post.html", "index.html"):
        html = (EXAMPLES / name).read_text().replace(EXAMPLE_SITE, live_server.url)
        if name == "post.html":
            html = html.replace("</head>", f"{HOSTILE_CSS}</head>")
        (tmp_path / name).write_text(html)
    return tmp_path


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def reader_page(browser: Browser, url: str) -> Page:
    page = browser.new_context(user_agent=READER_AGENT).new_page()
    page.goto(url)
    return page


def approve_all() -> None:
    for comment in Comment.objects.exclude(status__in=[Comment.Status.APPROVED, "trash"]):
        do_approve(comment, moderator=None)


def write(page: Page, text: str) -> None:
    page.fill("#bs-content", text)
    page.fill("#bs-name", "Rosa Jones")
    page.fill("#bs-email", "rosa@example.org")
    page.click("form button[type=submit]")


def test_widget_posts_a_comment_and_a_reply_shown_after_approval(
    browser: Browser, pages: Path, settings: SettingsWrapper
) -> None:
    settings.COMMENTS_MIN_SECONDS = 1
    with other_site(pages) as origin:
        settings.EMBED_ORIGINS = [origin]
        page = reader_page(browser, f"{origin}/post.html")
        expect(page.locator("#bs-heading")).to_be_visible()  # the host's h2 rule stays outside
        expect(page.locator("#broadsheet-comments .empty")).to_be_visible()
        write(page, "The ramps are a real help.")
        expect(page.locator("[role=status]")).to_have_text("Your comment is awaiting moderation.")
        expect(page.locator(".pending")).to_be_visible()

        approve_all()
        page.reload()
        first = Comment.objects.get()
        comment = page.locator(f"#bs-comment-{first.pk}")
        expect(comment.locator(".body")).to_have_text("The ramps are a real help.")
        comment.get_by_role("button", name="Reply to Rosa Jones").click()
        expect(page.locator("#bs-content")).to_be_focused()  # the form moved under the comment
        write(page, "And the lights after dark.")
        reply = comment.locator("ol li")
        expect(reply.locator(".body")).to_have_text("And the lights after dark.")

        approve_all()
        stranger = reader_page(browser, f"{origin}/post.html")
        shown = stranger.locator(f"#bs-comment-{first.pk}")
        expect(shown.locator(":scope > article .body")).to_have_text("The ramps are a real help.")
        expect(shown.locator("ol .body")).to_have_text("And the lights after dark.")
        expect(stranger.locator(".pending")).to_have_count(0)
        expect(stranger.locator("#bs-heading")).to_have_text("Comments (2)")

        index = reader_page(browser, f"{origin}/index.html")
        expect(index.locator("[data-broadsheet-count]")).to_have_text("2 comments")


def test_a_page_of_an_origin_not_allowed_gets_nothing(
    browser: Browser, pages: Path, settings: SettingsWrapper
) -> None:
    settings.EMBED_ORIGINS = ["https://partner.example"]
    Comment.objects.all().delete()
    with other_site(pages) as origin:
        page = reader_page(browser, f"{origin}/post.html")
        page.wait_for_load_state("networkidle")
        expect(page.locator("#broadsheet-comments a")).to_have_text(
            "Comments need JavaScript: read the news site instead"
        )
        expect(page.locator("#bs-heading")).to_have_count(0)


def test_without_javascript_the_fallback_link_stays(browser: Browser, pages: Path) -> None:
    with other_site(pages) as origin:
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{origin}/post.html")
        expect(page.locator("#broadsheet-comments a")).to_be_visible()


def test_scripts_stay_under_their_size_budget() -> None:
    embed = gzip.compress((STATIC / "embed.js").read_bytes(), compresslevel=9)
    assert len(embed) <= 20 * 1024
    count = gzip.compress((STATIC / "count.js").read_bytes(), compresslevel=9)
    assert len(count) <= 2 * 1024
