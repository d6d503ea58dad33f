"""Minimal collection (B-3, B-5): truncated IP, keyed hashes only, no outbound connection."""

from __future__ import annotations

import hashlib
import ipaddress
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock

import time_machine

from broadsheet.antispam import store
from broadsheet.comments.actions import do_mark_spam
from broadsheet.comments.models import Comment
from broadsheet.privacy import keys
from broadsheet.privacy.actions import do_purge
from broadsheet.privacy.models import IpKey
from broadsheet.privacy.tests.base import ROSA, PrivacyTestCase

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


def _loopback(host: Any) -> bool:
    try:
        return ipaddress.ip_address(str(host)).is_loopback
    except ValueError:
        return str(host) in {"localhost", ""}


@contextmanager
def no_outbound_connections() -> Iterator[list[str]]:
    """Any attempt to reach or even resolve a non-loopback host is recorded and refused."""
    attempts: list[str] = []
    real_connect = socket.socket.connect
    real_getaddrinfo = socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> Any:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
            attempts.append(f"connect {address}")
            raise OSError("outbound connection refused by the test")
        return real_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not _loopback(host):
            attempts.append(f"resolve {host}")
            raise OSError("name lookup refused by the test")
        return real_getaddrinfo(host, *args, **kwargs)

    with (
        mock.patch.object(socket.socket, "connect", connect),
        mock.patch("socket.getaddrinfo", getaddrinfo),
    ):
        yield attempts


class MinimalCollectionTests(PrivacyTestCase):
    def post_as_rosa(self, content: str = "I walked over it this morning.") -> Comment:
        response = self.post_comment(
            content, extra={"REMOTE_ADDR": "203.0.113.57", "HTTP_USER_AGENT": FIREFOX}
        )
        self.assertEqual(response.status_code, 302)
        return Comment.objects.latest("pk")

    def test_stored_ip_is_truncated_and_user_agent_reduced(self) -> None:
        comment = self.post_as_rosa()
        self.assertEqual(comment.ip_network, "203.0.113.0/24")
        self.assertEqual(comment.user_agent_family, "Firefox")
        row = Comment.objects.filter(pk=comment.pk).values().get()
        self.assertNotIn("203.0.113.57", repr(row))
        self.assertNotIn("rv:130.0", repr(row))

    def test_page_shows_no_email_nor_any_unkeyed_hash_of_it(self) -> None:
        comment = self.post_as_rosa()
        Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
        html = self.client.get(self.article.get_absolute_url()).content.decode()
        self.assertIn("I walked over it this morning.", html)
        for digest in (hashlib.md5, hashlib.sha1, hashlib.sha256):
            with self.subTest(digest=digest.__name__):
                self.assertNotIn(digest(ROSA.encode()).hexdigest(), html)
        self.assertNotIn(ROSA, html)

    def test_handling_comments_makes_no_outbound_connection(self) -> None:
        # Marking spam teaches the engine's per-process cache, which outlives this test's data.
        self.addCleanup(store.reset)
        with no_outbound_connections() as attempts, self.captureOnCommitCallbacks(execute=True):
            first = self.post_as_rosa()
            self.post_comment("Another view, from elsewhere.", name="Ann", email="ann@example.org")
            self.client.get(self.article.get_absolute_url())
            do_mark_spam(first, moderator=self.moderator)
        self.assertEqual(attempts, [])

    def test_the_guard_does_catch_an_outbound_connection(self) -> None:
        with no_outbound_connections() as attempts, self.assertRaises(OSError):
            socket.create_connection(("192.0.2.1", 80), timeout=0.1)
        self.assertTrue(attempts)


class IpKeyRotationTests(PrivacyTestCase):
    def setUp(self) -> None:
        super().setUp()
        keys.forget_cached()

    def test_the_hash_changes_with_the_period_and_old_keys_are_deleted(self) -> None:
        start = datetime(2026, 3, 2, 12, tzinfo=UTC)
        with time_machine.travel(start, tick=False):
            before = keys.ip_hash("203.0.113.57")
            self.assertEqual(keys.ip_hash("203.0.113.57"), before)
        with time_machine.travel(start + timedelta(days=7), tick=False):
            self.assertNotEqual(keys.ip_hash("203.0.113.57"), before)
        with time_machine.travel(start + timedelta(days=14), tick=False):
            keys.ip_hash("203.0.113.57")
            do_purge()
            # The previous period's key stays for rate limits across the change; older ones go.
            self.assertEqual(IpKey.objects.count(), 2)
            self.assertEqual(
                min(IpKey.objects.values_list("period", flat=True)),
                keys.period(start + timedelta(days=7)),
            )

    def test_the_key_is_random_not_derived_from_the_secret_key(self) -> None:
        keys.ip_hash("203.0.113.57")
        row = IpKey.objects.get()
        self.assertEqual(len(bytes(row.secret)), 32)
