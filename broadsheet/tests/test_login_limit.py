"""The admin's sign-in stops answering password guesses after a few failures."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import redis
import time_machine
from django.http import HttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from broadsheet.test import BaseTestCase

LIMITED = "Too many failed sign-ins"
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS_URL = "redis://127.0.0.1:6379/5"
REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "test-login-limit",
    }
}


# A fast hasher: each sign-in here checks a password, and the real one takes most of a second.
@override_settings(
    LOGIN_RATE_PER_USER=3,
    LOGIN_RATE_PER_IP=5,
    LOGIN_RATE_WINDOW=600,
    PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
)
class LoginLimitTests(BaseTestCase):
    def sign_in(self, username: str, password: str, ip: str = "203.0.113.7") -> HttpResponse:
        data: dict[str, Any] = {"username": username, "password": password, "next": "/admin/"}
        return self.client.post(reverse("admin:login"), data, REMOTE_ADDR=ip)  # type: ignore[return-value]

    def fail_to_sign_in(
        self, times: int, username: str = "editor", ip: str = "203.0.113.7"
    ) -> None:
        for _ in range(times):
            response = self.sign_in(username, "wrong", ip)
            self.assertEqual(response.status_code, 200)
            self.assertNotContains(response, LIMITED)

    def assert_limited(self, response: HttpResponse) -> None:
        self.assertContains(response, LIMITED, status_code=429)
        self.assertEqual(response["Retry-After"], "600")
        self.assertNotIn("_auth_user_id", self.client.session)

    def test_right_password_signs_in(self) -> None:
        response = self.sign_in("editor", "password")
        self.assertRedirects(response, reverse("admin:index"))

    def test_a_user_name_is_refused_after_its_failures_even_with_the_right_password(
        self,
    ) -> None:
        self.fail_to_sign_in(3)
        self.assert_limited(self.sign_in("editor", "password"))
        # From another address too, and whatever the letters' case: the name is counted.
        self.assert_limited(self.sign_in("Editor", "password", ip="198.51.100.9"))
        # Other people still sign in.
        self.assertEqual(self.sign_in("moderator", "password").status_code, 302)

    def test_an_address_is_refused_after_its_failures_whatever_the_name(self) -> None:
        for name in ["a", "b", "c", "d", "e"]:
            self.fail_to_sign_in(1, username=name)
        self.assert_limited(self.sign_in("moderator", "password"))
        self.assertEqual(self.sign_in("moderator", "password", ip="198.51.100.9").status_code, 302)

    def test_an_ipv6_network_counts_as_one_address(self) -> None:
        for n in range(5):
            self.fail_to_sign_in(1, username=f"user{n}", ip=f"2001:db8:1:2::{n + 1}")
        self.assert_limited(self.sign_in("moderator", "password", ip="2001:db8:1:2:ffff::1"))
        response = self.sign_in("moderator", "password", ip="2001:db8:1:3::1")
        self.assertEqual(response.status_code, 302)

    def test_signing_in_clears_the_names_failures(self) -> None:
        self.fail_to_sign_in(2)
        self.assertEqual(self.sign_in("editor", "password").status_code, 302)
        self.client.logout()
        self.fail_to_sign_in(2)
        self.assertEqual(self.sign_in("editor", "password").status_code, 302)

    @override_settings(CACHES=LOCAL_CACHE)
    def test_the_limit_lifts_when_the_window_has_passed(self) -> None:
        self.fail_to_sign_in(3)
        self.assert_limited(self.sign_in("editor", "password"))
        with time_machine.travel(timezone.now() + timedelta(seconds=601)):
            self.assertEqual(self.sign_in("editor", "password").status_code, 302)

    @override_settings(CACHES=REDIS_CACHE)
    def test_failures_are_counted_in_redis_when_it_is_the_cache(self) -> None:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
        try:
            client.ping()
        except redis.RedisError:
            self.skipTest(f"Redis does not answer at {REDIS_URL}")
        try:
            self.fail_to_sign_in(3)
            self.assert_limited(self.sign_in("editor", "password"))
            keys = list(client.scan_iter("test-login-limit:*"))
            self.assertEqual(len(keys), 2)  # one per address, one per name
            for key in keys:  # the window is kept as the count goes up
                self.assertTrue(0 < client.ttl(key) <= 600)
        finally:
            for key in client.scan_iter("test-login-limit:*"):
                client.delete(key)
