"""Learning through the Akismet API against `broadsheet spam evaluate --mode warm`, per corpus.

    .venv/bin/python bench/akismet_learning.py [--data-dir ../shared/data] [FILE.jsonl ...]

For each file, a fresh `broadsheet serve` gets a key; the PyPI `akismet` client submits the
first 70% of each class (file order) with submit-spam / submit-ham and checks the remaining
30%; then `spam evaluate --mode warm` runs on the same file. Both rows are printed side by side
(the API answers true/false only, so it has no ROC AUC).
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

# This process only drives the client; each server gets its own data folder below.
os.environ.setdefault("BROADSHEET_DATA_DIR", tempfile.mkdtemp(prefix="akismet-learning-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

import django

django.setup()

from broadsheet.antispam import corpus  # noqa: E402
from broadsheet.antispam.tests.api_clients import (  # noqa: E402
    api_server,
    evaluate_warm,
    learn_and_check,
    sync_client,
)

FIGURES = ("accuracy", "precision", "recall", "f1", "mcc", "ham_blocked", "spam_caught")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("files", nargs="*", help="default: every corpus in --data-dir")
    parser.add_argument("--data-dir", type=Path, default=corpus.DEFAULT_DATA_DIR)
    args = parser.parse_args()
    files = [Path(f) for f in args.files] or [
        args.data_dir / name for name in corpus.CORPUS_FILES if (args.data_dir / name).exists()
    ]
    if not files:
        raise SystemExit(f"no corpus found in {args.data_dir}")
    print(f"{'file':<26} {'via':<9} {'n':>5} " + " ".join(f"{f:>11}" for f in FIGURES))
    for path in files:
        with tempfile.TemporaryDirectory() as data_dir, api_server(Path(data_dir)) as server:
            base, key, env = server
            started = time.monotonic()
            with sync_client(base, key) as client:
                api = learn_and_check(client, corpus.read_jsonl(path))
            seconds = time.monotonic() - started
            warm = evaluate_warm(env, path)
        for via, figures in (("API", api), ("evaluate", warm)):
            cells = " ".join(f"{figures[f]:>11.4f}" for f in FIGURES)
            print(f"{path.name:<26} {via:<9} {figures['n']:>5} {cells}")
        print(f"{'':<26} (API: {seconds:.0f} s for its submits and checks over HTTP)")


if __name__ == "__main__":
    main()
