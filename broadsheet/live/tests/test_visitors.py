"""Visitor keys and their salts (spec A-5 and §1: keyed hash, hourly salt, kept 48 hours)."""

from __future__ import annotations

from broadsheet.live import visitors
from broadsheet.live.models import Salt
from broadsheet.live.tests.base import LiveTestCase

HOUR = 3600
START = 1_790_000_000 // HOUR * HOUR  # the top of an hour


class VisitorKeyTests(LiveTestCase):
    def setUp(self) -> None:
        super().setUp()
        visitors._salts.clear()

    def keys(self, at: float, ip: str = "192.0.2.1", site: str = "a") -> tuple[bytes, bytes | None]:
        return visitors.visitor_keys(ip, "Mozilla/5.0", site, at, 90.0)

    def test_the_key_is_stable_within_the_hour_and_differs_by_address_and_site(self) -> None:
        key, _previous = self.keys(START + 100)
        self.assertEqual(len(key), 8)
        self.assertEqual(self.keys(START + 3000)[0], key)
        self.assertNotEqual(self.keys(START + 100, ip="192.0.2.2")[0], key)
        self.assertNotEqual(self.keys(START + 100, site="b")[0], key)

    def test_the_salt_changes_every_hour_and_is_a_256_bit_secret(self) -> None:
        self.assertNotEqual(self.keys(START + 100)[0], self.keys(START + HOUR + 100)[0])
        secrets = [bytes(s) for s in Salt.objects.values_list("secret", flat=True)]
        self.assertEqual([len(s) for s in secrets], [32, 32])
        self.assertNotEqual(secrets[0], secrets[1])

    def test_last_hours_key_comes_along_for_one_window_after_the_hour(self) -> None:
        old, _ = self.keys(START + HOUR - 10)
        self.assertEqual(self.keys(START + HOUR + 30)[1], old)
        self.assertIsNone(self.keys(START + HOUR + 91)[1])

    def test_every_worker_derives_the_same_key_from_the_shared_salt(self) -> None:
        key, _ = self.keys(START + 100)
        visitors._salts.clear()  # another process: nothing cached, the salt comes from the database
        self.assertEqual(self.keys(START + 200)[0], key)

    def test_salts_older_than_48_hours_are_deleted(self) -> None:
        for hour in (0, 10, 49):  # the hour's salt is made by the first beat in it
            self.keys(START + hour * HOUR)
        hours = sorted(Salt.objects.values_list("hour", flat=True))
        self.assertEqual(hours, [START // HOUR + 10, START // HOUR + 49])
