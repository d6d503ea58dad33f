"""Cold and warm evaluation on a labelled JSON Lines file, through the engine's own functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from broadsheet.antispam import actions, corpus, engine, metrics, refit


@dataclass
class Result:
    figures: dict[str, Any]
    y: np.ndarray
    score: np.ndarray
    discard: np.ndarray


def evaluate(
    rows: list[corpus.Row],
    mode: str,
    site: str,
    progress: Callable[[Any], Any] = lambda it: it,
) -> Result:
    """cold: check every row with the site as it is. warm: first submit each class's first 70%
    (file order) through submit_spam/submit_ham, then check the rest."""
    test = rows
    if mode == "warm":
        train, test = corpus.published_split(rows)
        for row in progress(train):
            (engine.submit_spam if row.spam else engine.submit_ham)(_fields(row), site)
        refit.wait()  # the batch refit the labels scheduled, as a site has it before new comments
    verdicts = [engine.check(_fields(row), site) for row in progress(test)]
    y = np.array([r.spam for r in test], dtype=bool)
    score = np.array([v.score for v in verdicts])
    pred = np.array([v.spam for v in verdicts], dtype=bool)
    figures = metrics.report(y, pred, score)
    figures["discarded_ham"] = int(
        sum(v.discard and not r.spam for v, r in zip(verdicts, test, strict=True))
    )
    figures["mode"] = mode
    return Result(figures, y, score, np.array([v.discard for v in verdicts], dtype=bool))


def _fields(row: corpus.Row) -> dict[str, Any]:
    # The corpora's ids and labels are not Akismet fields; everything else is passed as is.
    return {k: v for k, v in row.fields.items() if k not in {"id", "kind", "source"}}


def forget(site: str) -> None:
    actions.do_forget_site(site)
