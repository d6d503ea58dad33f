from __future__ import annotations

from typing import Any

from django.test import TestCase

from broadsheet.antispam import store
from broadsheet.antispam.engine import Verdict

ORDINARY = (
    "I went to the council meeting last night and the figures for the new tram line do not add "
    "up. Nobody could explain why the depot has to be rebuilt from scratch."
)


def comment(**overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "comment_content": ORDINARY,
        "comment_author": "Marta Kowalska",
        "comment_author_email": "marta.k@mail.example",
        "user_ip": "192.0.2.10",
        "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "permalink": "https://news.example/2026/tram",
        "comment_type": "comment",
        "blog_lang": "en",
        "is_test": "1",  # checks in tests must not feed campaign detection unless asked
    }
    fields.update(overrides)
    return fields


class EngineTestCase(TestCase):
    def setUp(self) -> None:
        store.reset()  # the per-process cache must not outlive each test's rolled-back database

    def assertReason(self, verdict: Verdict, fragment: str) -> None:
        self.assertTrue(
            any(fragment.lower() in r.lower() for r in verdict.reasons),
            f"no reason mentions {fragment!r}: {verdict.reasons}",
        )
