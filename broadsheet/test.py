"""What Broadsheet's tests share: a site with named people in it, and a headless browser."""

from __future__ import annotations

import functools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import redis
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import TestCase
from django.utils import timezone
from playwright.sync_api import Browser, sync_playwright

from broadsheet.articles.models import Article, Section
from broadsheet.roles import EDITORS, MODERATORS, ensure_roles


class BaseTestCase(TestCase):
    """Every test starts with an editor, a moderator, a reader and a stranger.

    The editor and the moderator are staff in their groups; the reader has an account
    and no staff rights; the stranger has an account and no relation to anything.
    """

    editor: AbstractUser
    moderator: AbstractUser
    reader: AbstractUser
    stranger: AbstractUser
    section: Section

    @classmethod
    def setUpTestData(cls) -> None:
        groups = ensure_roles()
        users = get_user_model().objects
        cls.editor = users.create_user("editor", "editor@example.org", "password", is_staff=True)
        cls.editor.groups.add(groups[EDITORS])
        cls.moderator = users.create_user(
            "moderator", "moderator@example.org", "password", is_staff=True
        )
        cls.moderator.groups.add(groups[MODERATORS])
        cls.reader = users.create_user("reader", "reader@example.org", "password")
        cls.stranger = users.create_user("stranger", "stranger@example.org", "password")
        cls.section = Section.objects.create(name="Town", slug="town", description="The town.")

    def setUp(self) -> None:
        super().setUp()
        cache.clear()  # cached renderings must not leak from one test into the next

    def make_article(self, title: str = "Bridge reopens", **fields: Any) -> Article:
        """A published article from an hour ago unless the fields say otherwise."""
        defaults: dict[str, Any] = {
            "slug": title.lower().replace(" ", "-"),
            "section": self.section,
            "summary": f"Summary of {title}.",
            "body": f"Text of {title}.",
            "byline": "A. Reporter",
            "status": Article.Status.PUBLISHED,
            "published_at": timezone.now() - timedelta(hours=1),
        }
        return Article.objects.create(title=title, **{**defaults, **fields})


CHROMIUM = Path("/usr/bin/chromium")

# The machine has no route out: these flags stop Chromium from trying to reach Google.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (scripts/test installs it as root)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # body are still synchronous, so they are safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(env: dict[str, str], *, migrate: bool = False) -> Iterator[str]:
    """`broadsheet serve`, one worker in its own process; yields its URL once it answers."""
    port = free_port()
    command = [sys.executable, "-m", "broadsheet", "serve", "--port", str(port), "--workers", "1"]
    process = subprocess.Popen(
        [*command, *([] if migrate else ["--no-migrate"])],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("broadsheet serve did not answer within 30 s")
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


@contextmanager
def http_server(handler: Callable[..., BaseHTTPRequestHandler]) -> Iterator[str]:
    """A small server in a thread on a free loopback port (Chromium lets only loopback pages
    call loopback), for the block; yields its URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class _QuietFiles(SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def other_site(folder: Path) -> Iterator[str]:
    """The files in ``folder`` served on their own port: another origin, as embedders are."""
    with http_server(functools.partial(_QuietFiles, directory=str(folder))) as base:
        yield base


class RefusingMailServer(BaseEmailBackend):
    """An e-mail backend whose server refuses every connection (EMAIL_BACKEND in tests)."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("the mail server refused the connection")


@contextmanager
def request_cycle() -> Iterator[None]:
    """The signals a WSGI server's request sends around the block: started before, finished
    after (when the response has been written). The test's database connection stays open, as
    with Django's test client."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def redis_or_skip(url: str) -> redis.Redis:
    """A client of the test's own Redis database; the test is skipped when nothing answers."""
    client = redis.Redis.from_url(url, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.RedisError:
        pytest.skip(f"Redis does not answer at {url}")
    return client
