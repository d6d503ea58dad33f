"""Cross-validation of a site layer's L2 penalty (train.LAMBDA_LAYER) on training data only.

Per file: the base model is trained without that file (as in bench/spam_quality.py); the file's
warm training part (first 70% of each class) is cut, per class and in file order, into 5 blocks;
a fresh site learns 4 blocks through submit_spam/submit_ham and is checked on the fifth. The
test part (last 30%) is never read. Prints MCC, ham blocked and log-loss of the held-out
margins per penalty: keep the penalty with the best mean MCC over the files (log-loss next).

Run: .venv/bin/python bench/spam_layer_cv.py [--lambdas 1e-4,1e-3,1e-2,0.1,1] [--files a,b]
(SMS is left out by default: its 3,900 training rows make each fold slow. The defaults took
13 minutes on 2 shared cores.)
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("BROADSHEET_DATA_DIR", tempfile.mkdtemp(prefix="spam-layer-cv-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")
os.environ.setdefault("BROADSHEET_SPAM_REFIT_SECONDS", "0")  # refit at once: no waiting

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
from django.core.management import call_command  # noqa: E402

from broadsheet.antispam import corpus, engine, metrics, refit, store, train  # noqa: E402
from broadsheet.antispam.actions import do_install_base  # noqa: E402
from broadsheet.antispam.evaluate import _fields  # noqa: E402

FOLDS = 5
FILES = "youtube-psy.jsonl,youtube-katyperry.jsonl,youtube-lmfao.jsonl,news-comments-dev.jsonl"


def blocks(rows: list[corpus.Row]) -> np.ndarray:
    """Fold of each row: per class, FOLDS consecutive blocks in file order."""
    fold = np.zeros(len(rows), int)
    for spam in (True, False):
        ix = [i for i, r in enumerate(rows) if r.spam == spam]
        for j, i in enumerate(ix):
            fold[i] = j * FOLDS // len(ix)
    return fold


def held_out_margins(rows: list[corpus.Row], lam: float, site: str) -> np.ndarray:
    # store.rebuild calls fit_layer with its default penalty: set that default for this run.
    train.fit_layer.__defaults__ = (lam,)
    base = store.base_model()
    fold = blocks(rows)
    out = np.zeros(len(rows))
    for k in range(FOLDS):
        for row, f in zip(rows, fold, strict=True):
            if f != k:
                (engine.submit_spam if row.spam else engine.submit_ham)(_fields(row), site + str(k))
        refit.wait()
        for i in np.flatnonzero(fold == k):
            s = min(max(engine.check(_fields(rows[i]), site + str(k)).score, 1e-6), 1 - 1e-6)
            out[i] = (math.log(s / (1 - s)) - base.calib_b) / base.calib_a
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--lambdas", default="1e-4,3e-4,1e-3,1e-2,0.1,0.3,1,3")
    parser.add_argument("--files", default=FILES)
    args = parser.parse_args()
    lambdas = [float(x) for x in args.lambdas.split(",")]
    call_command("migrate", verbosity=0)
    files = corpus.load_dir(args.data_dir)
    for name in args.files.split(","):
        base_rows = corpus.dedupe([r for o in sorted(files) if o != name for r in files[o]])
        model = train.train_model(base_rows)
        model.version = f"cv-without-{name.split('.')[0]}"
        do_install_base(model.version, model.to_bytes())
        store.reset()
        line = store.decision_margin(model)
        rows = corpus.published_split(files[name])[0]
        y = np.array([r.spam for r in rows])
        for lam in lambdas:
            margin = held_out_margins(rows, lam, f"cv-{name}-{lam}-")
            fig = metrics.report(y, margin >= line, margin)
            loss = float(np.mean(np.logaddexp(0, -(2 * y - 1) * margin)))
            print(
                f"{name:24s} lambda={lam:<7g} MCC={fig['mcc']:.3f} "
                f"hamblk={fig['ham_blocked']:.2%} caught={fig['spam_caught']:.2%} "
                f"AUC={fig['roc_auc']:.4f} logloss={loss:.4f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
