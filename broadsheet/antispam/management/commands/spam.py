"""`broadsheet spam check|evaluate|train|retrain`: the spam engine from the command line."""

from __future__ import annotations

import json
import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from broadsheet.antispam import corpus, engine, metrics, store
from broadsheet.antispam.evaluate import evaluate, forget
from broadsheet.antispam.model import SHIPPED_MODEL
from broadsheet.antispam.plot import write_png

_FIGURES = ("accuracy", "precision", "recall", "f1", "mcc", "ham_blocked", "spam_caught", "roc_auc")


class Command(BaseCommand):
    help = "Check comments for spam, evaluate the spam engine, train its models."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="print the verdict on one comment")
        check.add_argument("text")
        check.add_argument("--author", default="")
        check.add_argument("--url", default="")
        check.add_argument("--email", default="")
        check.add_argument("--site", default=engine.LOCAL)
        ev = sub.add_parser("evaluate", help="measure the engine on a labelled .jsonl file")
        ev.add_argument("--data", required=True, type=Path)
        ev.add_argument("--mode", choices=["cold", "warm"], default="cold")
        ev.add_argument("--json", action="store_true", help="print the figures as JSON")
        ev.add_argument("--plot", type=Path, help="write PR (left) and ROC (right) curves as PNG")
        tr = sub.add_parser("train", help="rebuild the default model from the corpora")
        tr.add_argument("--data-dir", type=Path, default=corpus.DEFAULT_DATA_DIR)
        tr.add_argument("--out", type=Path, default=SHIPPED_MODEL)
        tr.add_argument(
            "--install",
            action="store_true",
            help="also make it the active base model in the database for all workers",
        )
        rt = sub.add_parser("retrain", help="rebuild a site's layer from its stored feedback")
        rt.add_argument("--site", default=engine.LOCAL)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, "_" + options["action"])(options)

    def _check(self, options: dict[str, Any]) -> None:
        fields = {
            "comment_content": options["text"],
            "comment_author": options["author"],
            "comment_author_url": options["url"],
            "comment_author_email": options["email"],
            "is_test": "1",  # a look from the command line must not feed campaign detection
        }
        verdict = engine.check(fields, options["site"])
        label = "discard" if verdict.discard else "spam" if verdict.spam else "ham"
        self.stdout.write(f"{label} (score {verdict.score:.3f}, model {verdict.version})")
        for reason in verdict.reasons:
            self.stdout.write(f"  - {reason}")

    def _evaluate(self, options: dict[str, Any]) -> None:
        path: Path = options["data"]
        if not path.exists():
            raise CommandError(f"no such file: {path}")
        rows = corpus.read_jsonl(path)
        # A throwaway site, so the evaluation never touches a real site's layer.
        site = f"eval-{uuid.uuid4().hex[:12]}"
        try:
            result = evaluate(
                rows, options["mode"], site, lambda it: tqdm(it, disable=options["json"])
            )
        finally:
            forget(site)
        figures = result.figures
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
        else:
            self.stdout.write(
                f"{path.name} ({options['mode']}): {figures['n']} tested, "
                f"{figures['spam']} spam, {figures['ham']} ham"
            )
            for name in _FIGURES:
                self.stdout.write(f"  {name:12s} {figures[name]:.4f}")
            self.stdout.write(f"  discarded ham {figures['discarded_ham']}")
        if options["plot"]:
            pr = metrics.pr_curve(result.y, result.score)
            roc = metrics.roc_curve(result.y, result.score)
            write_png(options["plot"], [pr], [roc])

    def _train(self, options: dict[str, Any]) -> None:
        from broadsheet.antispam.shipping import train_default

        bar = tqdm(desc="vectorising", unit="rows")
        model, record = train_default(
            options["data_dir"], options["out"], lambda i: bar.update(i - bar.n)
        )
        bar.close()
        self.stdout.write(f"wrote {options['out']} ({model.version})")
        for name, figures in record["out_of_fold"].items():
            self.stdout.write(
                f"  {name:26s} MCC {figures['mcc']:.3f}  ham blocked {figures['ham_blocked']:.2%}"
            )
        if options["install"]:
            from broadsheet.antispam.actions import do_install_base

            do_install_base(model.version, model.to_bytes())
            store.reset()
            store.announce(store.BASE_MARK)
            self.stdout.write("installed as the active base model")
            for site in tqdm(store.sites_with_feedback(), desc="refitting site layers"):
                engine.retrain(site)

    def _retrain(self, options: dict[str, Any]) -> None:
        count = engine.retrain(options["site"])
        self.stdout.write(f"rebuilt the layer of {options['site']!r} from {count} labels")
