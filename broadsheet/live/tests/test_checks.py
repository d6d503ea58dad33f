"""Wrong live settings are reported when the site starts."""

from __future__ import annotations

from django.test import SimpleTestCase, override_settings

from broadsheet.live.checks import live_settings


class SettingsCheckTests(SimpleTestCase):
    def test_the_defaults_pass(self) -> None:
        self.assertEqual(live_settings(), [])

    @override_settings(LIVE_BACKEND="postgres")
    def test_an_unknown_store_is_an_error(self) -> None:
        self.assertEqual([e.id for e in live_settings()], ["live.E001"])

    @override_settings(LIVE_BACKEND="redis", LIVE_REDIS_URL="")
    def test_redis_without_an_address_is_an_error(self) -> None:
        self.assertEqual([e.id for e in live_settings()], ["live.E002"])

    @override_settings(LIVE_WINDOW=40, LIVE_PERIOD=30)
    def test_a_window_shorter_than_two_periods_is_an_error(self) -> None:
        self.assertEqual([e.id for e in live_settings()], ["live.E003"])
