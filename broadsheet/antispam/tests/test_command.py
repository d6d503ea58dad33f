from __future__ import annotations

import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from broadsheet.antispam.models import Feedback, SiteLayer
from broadsheet.antispam.tests.helpers import EngineTestCase


class CommandTests(EngineTestCase):
    def run_spam(self, *args: str) -> str:
        out = StringIO()
        call_command("spam", *args, stdout=out)
        return out.getvalue()

    def test_check_prints_verdict_and_reasons(self) -> None:
        out = self.run_spam(
            "check",
            "--author",
            "Cheap Casino Bonus",
            "--url",
            "http://casino-bonus.example",
            "Check out my channel http://bit.ly/x",
        )
        self.assertRegex(out.splitlines()[0], r"^(spam|discard) \(score 0\.\d+|^discard \(score 1")
        self.assertIn("  - ", out)

    def test_evaluate_cold_and_warm_leave_no_trace(self) -> None:
        rows = [
            {"comment_content": f"check out my channel number {i} and subscribe", "label": "spam"}
            for i in range(10)
        ] + [
            {"comment_content": f"I love this song, verse {i} is the best part", "label": "ham"}
            for i in range(10)
        ]
        with tempfile.TemporaryDirectory() as tmp:
            data = Path(tmp) / "d.jsonl"
            data.write_text("\n".join(json.dumps(r) for r in rows))
            png = Path(tmp) / "c.png"
            cold = json.loads(self.run_spam("evaluate", "--data", str(data), "--json"))
            warm = json.loads(
                self.run_spam(
                    "evaluate", "--data", str(data), "--mode", "warm", "--json", "--plot", str(png)
                )
            )
            self.assertTrue(png.read_bytes().startswith(b"\x89PNG"))
        self.assertEqual(cold["n"], 20)
        self.assertEqual(warm["n"], 6)
        for key in (
            "accuracy",
            "precision",
            "recall",
            "f1",
            "mcc",
            "ham_blocked",
            "spam_caught",
            "roc_auc",
        ):
            self.assertIn(key, warm)
        self.assertFalse(Feedback.objects.exists())
        self.assertFalse(SiteLayer.objects.exists())

    def test_retrain_reports_labels(self) -> None:
        self.assertIn("from 0 labels", self.run_spam("retrain", "--site", "nobody"))
