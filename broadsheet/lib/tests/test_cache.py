"""The Redis cache misses, rather than fails, while Redis cannot be reached."""

from __future__ import annotations

from django.core.cache import cache
from django.test import override_settings

from broadsheet.test import BaseTestCase

UNREACHABLE = {
    "default": {
        "BACKEND": "broadsheet.lib.cache.DegradingRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
    }
}


@override_settings(CACHES=UNREACHABLE)
class UnreachableRedisTests(BaseTestCase):
    def test_every_call_the_site_makes_degrades(self) -> None:
        self.assertIsNone(cache.get("k"))
        self.assertEqual(cache.get_many(["k", "l"]), {})
        cache.set("k", 1)
        self.assertFalse(cache.add("k", 1))
        with self.assertRaises(ValueError):  # as for a missing key
            cache.incr("k")
        self.assertFalse(cache.delete("k"))
        cache.clear()

    def test_admin_sign_in_still_answers(self) -> None:
        response = self.client.post(
            "/admin/login/", {"username": "editor", "password": "wrong", "next": "/admin/"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "correct username and password")
        self.client.post(
            "/admin/login/", {"username": "editor", "password": "password", "next": "/admin/"}
        )
        self.assertEqual(self.client.get("/admin/").status_code, 200)
