from __future__ import annotations

from typing import Any

from broadsheet.antispam.engine import Verdict, check, submit_ham
from broadsheet.antispam.tests.helpers import EngineTestCase, comment

BAD_INPUTS: list[Any] = [
    {},
    {"comment_content": ""},
    {"comment_content": None, "comment_author": None, "user_ip": None},
    {"comment_content": "x" * 1_000_000},
    {"comment_content": ("word " * 200_000) + " http://a.example " * 2000},
    {"comment_content": b"\xff\xfe caf\xc3\xa9 \x00"},
    {"comment_content": "lone surrogate \ud800 and NUL \x00 and RTL \u202e"},
    {"comment_content": 12345, "comment_author": ["a", "b"], "user_ip": 3.5},
    {
        "comment_content": "<a href='javascript:alert(1)'>x</a><a href=>",
        "comment_author_url": "::::",
    },
    {"user_ip": "999.1.1.1", "comment_author_email": "@@@", "comment_author_url": "http://[::1"},
    {"honeypot_field_name": "comment_content", "comment_content": "trap names itself"},
    {"broadsheet_form_seconds": "nan", "blog_lang": ",,,", "user_role": ",,"},
    {"comment_content": "日本語のコメントです。" * 50, "blog_lang": "en"},
    "not a mapping",
    None,
]


class BadInputTests(EngineTestCase):
    def test_bad_input_always_gets_a_verdict(self) -> None:
        for fields in BAD_INPUTS:
            with self.subTest(fields=str(fields)[:60]):
                verdict = check(fields)
                self.assertIsInstance(verdict, Verdict)
                self.assertTrue(0.0 <= verdict.score <= 1.0)
                self.assertTrue(verdict.reasons)
                self.assertNotEqual(verdict.version, "error")

    def test_bad_input_can_be_submitted(self) -> None:
        for fields in BAD_INPUTS[:13]:
            with self.subTest(fields=str(fields)[:60]):
                submit_ham(dict(fields, is_test=""))
        self.assertIsInstance(check(comment()), Verdict)
