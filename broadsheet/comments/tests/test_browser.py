"""What a reader sees and does in a real browser, with and without JavaScript."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from broadsheet.comments.actions import do_approve
from broadsheet.comments.forms import token_time
from broadsheet.comments.models import Comment
from broadsheet.demo import load_demo
from broadsheet.test import chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTICLE = "/articles/tanners-footbridge-reopens-early/"


# A desktop browser's own name: headless Chromium announces itself, and the spam filter
# rightly takes that for a robot.
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)


@pytest.fixture
def site(live_server: LiveServer) -> str:
    load_demo()
    return f"{live_server.url}{ARTICLE}"


@pytest.fixture(params=[False, True], ids=["no-javascript", "javascript"])
def page(request: pytest.FixtureRequest) -> Iterator[Page]:
    with chromium() as browser:
        context = browser.new_context(java_script_enabled=request.param, user_agent=READER_AGENT)
        yield context.new_page()
        context.close()


def submit(page: Page) -> None:
    """Send the form as a person would: a while after it appeared, not milliseconds."""
    with time_machine.travel(timezone.now() + timedelta(seconds=40)):
        page.click("#respond button[type=submit]")
        page.wait_for_load_state()


def write(page: Page, text: str, name: str = "Rosa Jones") -> None:
    page.fill("#id_content", text)
    page.fill("#id_name", name)
    page.fill("#id_email", "rosa@example.org")
    submit(page)


def approve_all() -> None:
    """A moderator approves everything waiting, including what the filter took for spam
    (a headless browser looks like a robot to it)."""
    for comment in Comment.objects.exclude(status__in=[Comment.Status.APPROVED, "trash"]):
        do_approve(comment, moderator=None)


def test_reader_posts_replies_and_edits(site: str, page: Page) -> None:
    page.goto(site)
    write(page, "Walked over it this morning.")
    expect(page.locator(".comment-pending")).to_have_text("Your comment is awaiting moderation.")

    approve_all()
    page.goto(site)
    first = Comment.objects.get(content="Walked over it this morning.")
    expect(page.locator(f"#comment-{first.pk} .comment-body")).to_have_text(
        "Walked over it this morning."
    )

    page.click(f"#comment-{first.pk} .reply-link")
    expect(page.locator(".replying-name")).to_contain_text("Replying to Rosa Jones")
    write(page, "Me too, the ramps are great.", name="Sam")
    approve_all()
    page.goto(site)
    reply = Comment.objects.get(parent=first)
    nested = page.locator(f"#comment-{first.pk} .comment-replies #comment-{reply.pk}")
    expect(nested).to_contain_text("Me too, the ramps are great.")

    page.click(f"#comment-{reply.pk} >> text=Edit")
    page.fill("#id_content", "Me too: the new ramps are great.")
    page.click("text=Save changes")
    page.wait_for_load_state()
    expect(page.locator(f"#comment-{reply.pk} .comment-edited")).to_have_text("(edited)")
    expect(page.locator(f"#comment-{reply.pk} .comment-body")).to_have_text(
        "Me too: the new ramps are great."
    )


def test_editing_fails_after_the_window(site: str, page: Page) -> None:
    page.goto(site)
    write(page, "A first thought.")
    comment = Comment.objects.get(content="A first thought.")
    expect(page.locator(f"#comment-{comment.pk} >> text=Edit")).to_have_count(1)
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        page.goto(site)
        expect(page.locator(f"#comment-{comment.pk} >> text=Edit")).to_have_count(0)
        response = page.goto(site.split("/articles/")[0] + f"/comments/{comment.pk}/edit/")
        assert response is not None
        assert response.status == 404


def test_javascript_reply_opens_the_form_under_the_comment(site: str) -> None:
    with chromium() as browser:
        page = browser.new_page(user_agent=READER_AGENT)
        page.goto(site)
        write(page, "Top-level thought.")
        approve_all()
        page.goto(site)
        comment = Comment.objects.get(content="Top-level thought.")
        page.click(f"#comment-{comment.pk} .reply-link")
        assert page.url.endswith(ARTICLE)  # no page load: the form moved
        expect(page.locator(f"#comment-{comment.pk} #respond form")).to_have_count(1)
        expect(page.locator("#id_content")).to_be_focused()
        page.click(".cancel-reply")
        expect(page.locator(f"#comment-{comment.pk} #respond")).to_have_count(0)


def test_hostile_content_name_and_website_render_inert(site: str) -> None:
    with chromium() as browser:
        page = browser.new_page(user_agent=READER_AGENT)
        page.goto(site)
        page.fill(
            "#id_content",
            '<script>window.pwned=1</script><img src=x onerror="window.pwned=1">'
            "<b><i>unclosed [link](javascript:window.pwned=1)",
        )
        page.fill("#id_name", "<script>window.pwned=1</script>")
        page.fill("#id_email", "x@example.org")
        page.fill("#id_url", "javascript:window.pwned=1")
        submit(page)
        expect(page.locator(".field-error")).to_have_count(1)  # the website is refused
        page.fill("#id_url", 'https://example.org/"onmouseover="window.pwned=1')
        submit(page)
        approve_all()
        page.goto(site)
        comment = page.locator(".comment", has_text="unclosed")
        expect(comment).to_contain_text("<script>window.pwned=1</script>")  # shown as text
        comment.locator(".comment-author a").hover()
        for link in page.locator(".comment-body a").all():
            link.click()
        assert page.evaluate("window.pwned") is None
        assert page.locator(".comments script, .comments img").count() == 0
        assert page.locator("#respond form").count() == 1  # broken HTML broke nothing after it


def test_javascript_loads_more_comments_and_replies_in_place(
    site: str, settings: SettingsWrapper
) -> None:
    settings.COMMENTS_PER_PAGE = 2
    settings.COMMENTS_REPLIES_SHOWN = 1
    from broadsheet.articles.models import Article
    from broadsheet.comments.models import Thread

    # An article without demo comments, so the counts below are all this test's.
    article = Article.objects.get(slug="library-extends-opening-hours")
    thread, _created = Thread.objects.get_or_create(article=article)
    tops = []
    for n in range(3):
        top = Comment.objects.create(
            thread=thread,
            author_name=f"Top {n}",
            content=f"Top {n}",
            status=Comment.Status.APPROVED,
        )
        tops.append(top)
    for n in range(3):
        Comment.objects.create(
            thread=thread,
            parent=tops[0],
            author_name=f"R{n}",
            content=f"Reply {n}",
            status=Comment.Status.APPROVED,
        )
    with chromium() as browser:
        page = browser.new_page(user_agent=READER_AGENT)
        page.goto(site.replace(ARTICLE, article.get_absolute_url()))
        expect(page.locator(".comment-list > .comment")).to_have_count(2)
        page.click("text=More comments")
        expect(page.locator(".comment-list > .comment")).to_have_count(3)
        assert page.url.endswith(article.get_absolute_url())
        page.click("text=2 more replies")
        expect(page.locator(f"#comment-{tops[0].pk} .comment-replies > .comment")).to_have_count(3)
        assert page.url.endswith(article.get_absolute_url())


def test_a_script_reader_gets_a_form_time_when_starting_on_the_form(site: str) -> None:
    """The shared page holds no form time; comments.js fetches one, and the timing checks
    apply to that reader's comment: sent at once it is refused, sent later it is taken."""
    with chromium() as browser:
        page = browser.new_page(user_agent=READER_AGENT)
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.post_data or "") if r.method == "POST" else None)
        page.goto(site)
        assert page.input_value("#respond input[name=token]") == ""
        page.fill("#id_content", "Faster than anyone types.")
        page.fill("#id_name", "Rosa Jones")
        page.click("#respond button[type=submit]")  # at once
        page.wait_for_load_state()
        expect(page.locator("#comment-form-errors")).to_contain_text("That was very quick")
        assert token_time(parse_qs(sent[-1])["token"][0]) is not None

        page.goto(site)
        write(page, "Written with care, a while after opening the form.")
        token = parse_qs(sent[-1])["token"][0]
        assert token_time(token) is not None
        assert Comment.objects.filter(content__startswith="Written with care").exists()
