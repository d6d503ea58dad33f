"""Learning through the API end to end: a site's moderators label the first 70% of a corpus
with the real client's submit-spam / submit-ham, and checks of the remaining 30% score as
`broadsheet spam evaluate --mode warm` does on the same file (issue 5, "Done when" 3).
bench/akismet_learning.py runs the same on every corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from broadsheet.antispam import corpus
from broadsheet.antispam.tests.api_clients import (
    api_server,
    evaluate_warm,
    learn_and_check,
    sync_client,
)

DATA = Path("/work/shared/data/youtube-psy.jsonl")
FIGURES = ("accuracy", "precision", "recall", "f1", "mcc", "ham_blocked", "spam_caught")


def corpus_file() -> Path:
    for candidate in (corpus.DEFAULT_DATA_DIR / DATA.name, DATA):
        if candidate.exists():
            return candidate
    pytest.skip(f"{DATA.name} is not here (../shared/data is outside the repository)")


def test_learning_through_the_api_matches_warm_evaluation(tmp_path: Path) -> None:
    data = corpus_file()
    with api_server(tmp_path) as (base, key, env):
        with sync_client(base, key) as client:
            api = learn_and_check(client, corpus.read_jsonl(data))
        warm = evaluate_warm(env, data)
    assert api["n"] == warm["n"]
    for name in FIGURES:
        assert api[name] == pytest.approx(warm[name], abs=0.02), (name, api, warm)
