"""Every hostile payload in xss_payloads.py, stored as a comment's text, name and website, runs
nowhere: not on the article page, in the embed widget, the admin, the e-mailed moderation page
or a feed reader.

The browser ignores the site's Content-Security-Policy (``bypass_csp``), so what is tested is
the sanitising and escaping itself: a payload that only the CSP stops still fails here.
Each page is checked twice over: nothing calls ``__xss``, opens a dialog or fails calling
them (handlers are poked with mouse and focus events), and the DOM holds no script, inline
handler, frame or ``javascript:``/``data:`` address beyond what the page has without comments
(a link that would run only when clicked counts too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from defusedxml import ElementTree
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Dialog, Page
from pytest_django.fixtures import Settings as SettingsWrapper
from pytest_django.live_server_helper import LiveServer

from broadsheet.articles.models import Article, Section
from broadsheet.comments import feeds
from broadsheet.comments.models import Comment, Thread
from broadsheet.comments.notifications import moderation_token, notify_moderators
from broadsheet.roles import MODERATORS, ensure_roles
from broadsheet.test import chromium, other_site
from broadsheet.tests.xss_payloads import PAYLOADS, numbered

EMBED_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "embed" / "post.html"
EXAMPLE_SITE = "http://127.0.0.1:8000"
READER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
# What a payload calls when it runs; defined in every frame before the page's own scripts.
RECORDER = "window.__xss = function (n) { console.log('__xss:' + n); };"
# A few payloads go in through the real form and API too, not only straight into the database.
THROUGH_PIPELINE = {
    "<script>__xss(XSS_ID)</script>",
    "<img src=x onerror=__xss(XSS_ID)>",
    "<svg onload=__xss(XSS_ID)>",
    "[click](javascript:__xss(XSS_ID))",
    '<noscript><p title="</noscript><img src=x onerror=__xss(XSS_ID)>"></noscript>',
    "\uff1cscript\uff1e__xss(XSS_ID)\uff1c/script\uff1e",
    "\u202e<img src=x onerror=__xss(XSS_ID)>\u202c",
    "${__xss(XSS_ID)}",
    "<scr\x00ipt>__xss(XSS_ID)</scr\x00ipt>",  # refused: NUL
}

# Collects, across the document, its shadow roots and same-origin frames, everything that could
# run script: script elements, on* attributes, frames and objects, and script-capable addresses.
AUDIT = """() => {
  const found = [];
  const urlAttrs = ["href", "src", "action", "formaction", "xlink:href", "data", "poster",
                    "background", "srcdoc", "lowsrc", "dynsrc", "code", "codebase"];
  const risky = new Set(["IFRAME", "FRAME", "OBJECT", "EMBED", "BASE", "APPLET", "PORTAL"]);
  const scheme = (value) => value.replace(/[\\u0000-\\u0020\\u007f-\\u00a0\\u200b\\ufeff]/g, "")
    .toLowerCase();
  function walk(root) {
    for (const el of root.querySelectorAll("*")) {
      const tag = el.tagName.toUpperCase();
      if (tag === "SCRIPT" && el.type === "application/ld+json") found.push("script:ld+json");
      else if (tag === "SCRIPT") found.push("script:" + (el.src || el.textContent.slice(0, 80)));
      if (risky.has(tag)) found.push("element:" + tag);
      if (tag === "META" && el.httpEquiv) found.push("meta:" + el.httpEquiv + "=" + el.content);
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on")) found.push("handler:" + tag + "[" + name + "]=" + attr.value);
        if (urlAttrs.includes(name)) {
          const value = scheme(attr.value);
          if (/^(javascript|vbscript|data|livescript):/.test(value) || name === "srcdoc")
            found.push("url:" + tag + "[" + name + "]=" + attr.value);
        }
      }
      if (el.shadowRoot) walk(el.shadowRoot);
      if (tag === "IFRAME" || tag === "FRAME") {
        try { if (el.contentDocument) walk(el.contentDocument); } catch (e) {}
      }
    }
  }
  walk(document);
  return found;
}"""

# Fires what a reader's mouse and keyboard would on every element, so that handlers needing
# interaction (onmouseover, onfocus, ...) run if any survived. No clicks: they navigate away,
# and the audit catches script-capable links without following them.
POKE = """() => {
  const kinds = ["mouseover", "mouseenter", "mousemove", "pointerover", "pointerenter"];
  function walk(root) {
    for (const el of root.querySelectorAll("*")) {
      for (const kind of kinds) el.dispatchEvent(new MouseEvent(kind, { bubbles: true }));
      if (typeof el.focus === "function") el.focus();
      el.dispatchEvent(new FocusEvent("focusin", { bubbles: true }));
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  }
  walk(document);
  return document.querySelectorAll("*").length;
}"""


class Recorder:
    """What ran: ``__xss`` calls, dialogs, and errors from calling them where they were missing."""

    def __init__(self) -> None:
        self.runs: list[str] = []
        self.findings: list[str] = []
        self.surface = ""

    def watch(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("dialog", self._dialog)
        page.on("pageerror", self._error)

    def _console(self, message: ConsoleMessage) -> None:
        if "__xss:" in message.text:
            self.runs.append(f"{self.surface}: {message.text}")

    def _dialog(self, dialog: Dialog) -> None:
        self.runs.append(f"{self.surface}: {dialog.type}({dialog.message})")
        dialog.dismiss()

    def _error(self, error: Exception) -> None:
        if "__xss" in str(error) or "msgbox" in str(error):
            self.runs.append(f"{self.surface}: {error}")


def published(section: Section, title: str, body: str) -> Article:
    return Article.objects.create(
        title=title,
        slug=slugify(title),
        section=section,
        body=body,
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(hours=1),
    )


def storable(text: str) -> str:
    """PostgreSQL refuses NUL in text (the form and API refuse it before that); SQLite keeps it,
    so there the NUL payloads are rendered as written."""
    return text.replace("\x00", "\ufffd") if connection.vendor == "postgresql" else text


def store(thread: Thread, number: int, payload: str) -> Comment:
    """The payload in every field a reader fills, approved so that it is shown."""
    return Comment.objects.create(
        thread=thread,
        content=storable(f"{number}: {payload}"),
        author_name=storable(payload)[:100],
        author_url=storable(payload)[:300],
        status=Comment.Status.APPROVED,
    )


def post_through_form(client: Client, article: Article, payload: str) -> int:
    """A guest's post through the comment form; returns the HTTP status."""
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        response = client.post(
            reverse("comments:post", args=[article.pk]),
            {"content": payload, "name": payload[:100], "email": "rosa@example.org", "url": ""},
            HTTP_ORIGIN=settings.BASE_URL,
            HTTP_USER_AGENT=READER_AGENT,
        )
    return response.status_code


def post_through_api(client: Client, origin: str, payload: str) -> int:
    token = client.get("/api/form", HTTP_ORIGIN=origin).json()["token"]
    body = {"uri": f"{origin}/post.html", "title": payload, "token": token, "content": payload}
    body |= {"name": payload[:100], "email": "sam@example.org", "website": ""}
    with time_machine.travel(timezone.now() + timedelta(seconds=30)):
        response = client.post(
            "/api/comments",
            json.dumps(body),
            content_type="application/json",
            HTTP_ORIGIN=origin,
            HTTP_USER_AGENT=READER_AGENT,
        )
    return response.status_code


def make_moderator() -> AbstractUser:
    moderator = get_user_model().objects.create_user(
        "moderator", "moderator@example.org", "password", is_staff=True
    )
    moderator.groups.add(ensure_roles()[MODERATORS])
    return moderator


def check(
    page: Page,
    recorder: Recorder,
    surface: str,
    url: str,
    baseline: set[str],
    shown: str,
    *,
    settle: bool = True,
) -> int:
    """Loads ``url``, pokes every element, and notes anything that could run or any secret
    shown. Returns how many ``shown`` elements (comments) it holds: proof they were there.
    ``settle`` waits for scripts' requests (the widget's) and for late events."""
    recorder.surface = surface
    page.goto(url)
    if settle:
        page.wait_for_load_state("networkidle")
    page.evaluate(POKE)
    # SVG animations, marquee and media errors fire a moment after the load.
    page.wait_for_timeout(300 if settle else 50)
    findings = set(page.evaluate(AUDIT)) - baseline
    recorder.findings += [f"{surface}: {finding}" for finding in sorted(findings)]
    assert settings.SECRET_KEY not in page.content(), f"{surface}: the secret key is shown"
    return page.locator(shown).count()


def audit_of(page: Page, url: str) -> set[str]:
    """What the page holds without any payload: its own scripts, for one."""
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return set(page.evaluate(AUDIT))


@pytest.fixture
def browser() -> Iterator[Browser]:
    with chromium() as browser:
        yield browser


def new_context(browser: Browser, recorder: Recorder) -> BrowserContext:
    # bypass_csp: the sanitiser must hold on its own, not only behind the CSP.
    context = browser.new_context(bypass_csp=True, user_agent=READER_AGENT)
    context.add_init_script(RECORDER)
    context.on("page", recorder.watch)
    return context


@pytest.mark.django_db
def test_an_imported_website_that_is_not_a_web_address_is_not_linked(client: Client) -> None:
    """The form and the API refuse such addresses; an import (WordPress, Isso) may carry one."""
    section = Section.objects.create(name="Town", slug="town")
    article = published(section, "Bridge reopens", "")
    thread = Thread.objects.create(article=article)
    for url in [
        "javascript:alert(1)",
        " JavaScript:alert(1)",
        "data:text/html,x",
        "HTTPS://ok.example/",
    ]:
        Comment.objects.create(
            thread=thread, content="Hi.", author_name="Ann", author_url=url, status="approved"
        )
    page = client.get(article.get_absolute_url()).content.decode()
    assert page.count('rel="nofollow ugc noopener noreferrer">Ann</a>') == 1
    assert 'href="HTTPS://ok.example/"' in page
    websites = [
        c["website"]
        for c in client.get(f"/api/threads?uri={article.get_absolute_url()}").json()["comments"]
    ]
    assert websites == ["", "", "", "HTTPS://ok.example/"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_no_payload_runs_on_any_page_that_shows_comments(
    browser: Browser,
    live_server: LiveServer,
    settings: SettingsWrapper,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.COMMENTS_PER_PAGE = 1000  # every payload on one page of each surface
    settings.COMMENTS_MIN_SECONDS = 0
    settings.COMMENTS_HOLD_FIRST_TIME = False
    settings.COMMENTS_RATE_PER_IP = settings.COMMENTS_RATE_PER_EMAIL = 1000
    settings.COMMENTS_RATE_PER_THREAD = 1000
    settings.COMMENTS_NOTIFY_MODERATORS = False
    monkeypatch.setattr(feeds, "FEED_LENGTH", 1000)
    payloads = numbered()
    assert THROUGH_PIPELINE.issubset(PAYLOADS)
    moderator = make_moderator()
    section = Section.objects.create(name="Town", slug="town")
    article = published(section, "Bridge reopens", "It reopened.")
    quiet = published(section, "Quiet day", "Nothing happened.")
    calm = Comment.objects.create(
        thread=Thread.objects.create(article=quiet),
        content="A calm remark.",
        author_name="Rosa",
        author_url="https://example.org/",
        status=Comment.Status.APPROVED,
    )
    html = EMBED_EXAMPLE.read_text().replace(EXAMPLE_SITE, live_server.url)
    (tmp_path / "post.html").write_text(html)
    (tmp_path / "calm.html").write_text(html.replace("/post.html", "/calm.html"))
    recorder = Recorder()
    with other_site(tmp_path) as origin:
        settings.EMBED_ORIGINS = [origin]
        thread = Thread.objects.create(article=article)
        # The embedding page names its thread's title: that is reader-supplied too.
        embedded = Thread.objects.create(
            origin=origin, uri="/post.html", title="<img src=x onerror=__xss(0)> \u202e {{ x }}"
        )
        Comment.objects.create(
            thread=Thread.objects.create(origin=origin, uri="/calm.html", title="Calm"),
            content="A calm remark.",
            author_name="Rosa",
            author_url="https://example.org/",
            status=Comment.Status.APPROVED,
        )
        for number, payload in payloads:
            store(thread, number, payload)
            store(embedded, number, payload)

        # The input path: the form and the API keep the text as written (rendering makes it
        # safe), and a NUL is refused with an answer, not an error.
        client = Client()
        for template, (number, payload) in zip(PAYLOADS, payloads, strict=True):
            if template in THROUGH_PIPELINE:
                expected = (400, 400) if "\x00" in payload else (302, 201)
                sent = (
                    post_through_form(client, article, payload),
                    post_through_api(client, origin, payload),
                )
                assert sent == expected, (number, payload)
        # Shown whatever the spam filter made of them, without teaching it (which would start
        # its background refit).
        Comment.objects.update(status=Comment.Status.APPROVED)
        posted = Comment.objects.filter(email_hash__gt="")
        assert len(posted) == 2 * (len(THROUGH_PIPELINE) - 1)
        assert {c.content for c in posted} <= {p.strip() for _n, p in payloads}

        context = new_context(browser, recorder)
        page = context.new_page()
        staff = Client()
        staff.force_login(moderator)
        base = live_server.url
        changelist = reverse("admin:comments_comment_changelist")

        surfaces: dict[str, int] = {}
        baseline = audit_of(page, f"{base}{quiet.get_absolute_url()}")
        url = f"{base}{article.get_absolute_url()}"
        surfaces["article page"] = check(page, recorder, "article", url, baseline, ".comment")
        # comments.js shows the name being replied to as written, "$&" and all.
        odd = next(c for c in thread.comments.all() if "$&" in c.author_name)
        page.click(f"#comment-{odd.pk} .reply-link")
        assert page.text_content(".replying-name") == f"Replying to {odd.author_name}"
        baseline = audit_of(page, f"{origin}/calm.html")
        url = f"{origin}/post.html"
        surfaces["embed widget"] = check(
            page, recorder, "embed", url, baseline, "li[id^=bs-comment-]"
        )
        # One page per comment: a sample keeps the time down (they share one template), with
        # the payloads aimed at the admin's text areas.
        sample = [
            comment
            for n, comment in enumerate(thread.comments.all())
            if n % 10 == 0 or "textarea" in comment.content
        ]
        token = moderation_token(calm, "approve", moderator.pk)
        baseline = audit_of(page, f"{base}{reverse('comments:moderate', args=[token])}")
        surfaces["moderation link page"] = 0
        for comment in sample:
            token = moderation_token(comment, "approve", moderator.pk)
            url = f"{base}{reverse('comments:moderate', args=[token])}"
            surface = f"moderation link {comment.pk}"
            surfaces["moderation link page"] += check(
                page, recorder, surface, url, baseline, ".comment-body", settle=False
            )

        context.add_cookies(
            [{"name": "sessionid", "value": staff.cookies["sessionid"].value, "url": base}]
        )
        baseline = audit_of(page, f"{base}{changelist}?thread__id__exact={calm.thread_id}")
        url = f"{base}{changelist}?thread__id__exact={thread.pk}&all="
        surfaces["admin changelist"] = check(
            page, recorder, "admin list", url, baseline, "#result_list tbody tr"
        )
        baseline = audit_of(
            page, f"{base}{reverse('admin:comments_comment_change', args=[calm.pk])}"
        )
        surfaces["admin change page"] = 0
        for comment in sample:
            url = f"{base}{reverse('admin:comments_comment_change', args=[comment.pk])}"
            surfaces["admin change page"] += check(
                page,
                recorder,
                f"admin change {comment.pk}",
                url,
                baseline,
                "#id_content",
                settle=False,
            )

        # Feed readers show the entries' HTML: it must parse as XML and run nothing either.
        entries: list[str] = []
        atom = "{http://www.w3.org/2005/Atom}"
        for url in (reverse("comments:feed"), reverse("comments:thread-feed", args=[thread.pk])):
            response = Client().get(url)
            assert response.status_code == 200, url
            for entry in ElementTree.fromstring(response.content).iter(f"{atom}entry"):
                text = entry.findtext(f"{atom}summary") or ""
                entries.append(f"<article>{text}</article>")
        (tmp_path / "feed.html").write_text("<!doctype html>" + "".join(entries))
        url = f"{origin}/feed.html"
        surfaces["feed entries (site and thread feeds)"] = check(
            page, recorder, "feed", url, set(), "article"
        )
        context.close()

    # Held-comment mail to moderators is plain text only: no HTML part to run anything in.
    settings.COMMENTS_NOTIFY_MODERATORS = True
    for comment in thread.comments.all()[:5]:
        notify_moderators(comment)
    assert mail.outbox
    assert all(
        m.content_subtype == "plain" and not getattr(m, "alternatives", []) for m in mail.outbox
    )

    print(f"\n{len(payloads)} payloads x {len(surfaces)} surfaces, {len(recorder.runs)} runs")
    print("\n".join(recorder.runs + recorder.findings))
    for surface, count in surfaces.items():
        print(f"  {surface}: {count} comments shown")
    assert recorder.runs == []
    assert recorder.findings == []  # script-capable markup that a click or a parser could run
    assert len(payloads) >= 100
