"""Speed of the spam engine: verdict on a 1 KB comment, one online update, model load.

Run: .venv/bin/python bench/spam_speed.py   (uses a throwaway SQLite database in a temp dir)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("BROADSHEET_DATA_DIR", tempfile.mkdtemp(prefix="spam-speed-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "broadsheet.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

COMMENT = (
    "I went to the council meeting last night and the figures they showed for the tram line do "
    "not add up. The cost per kilometre is twice what the neighbouring city paid, and nobody "
    "could explain why the depot has to be rebuilt from scratch. If you want to see the numbers "
    "yourself they are on page 14 of the report (https://example.org/report.pdf). I am not "
    "against the tram, I just want the council to be honest about what it costs and who pays. "
    "My street has waited six years for a crossing; meanwhile consultants get paid again and "
    "again. Ask your councillor what they voted for, and write to the paper if they will not "
    "answer. Thanks to the reporter for digging into this, it is the only place I read it. "
    "Please keep going, we need this kind of reporting more than ever in our town."
)[:1024]
FIELDS = {
    "comment_content": COMMENT,
    "comment_author": "Marta Kowalska",
    "comment_author_email": "marta@example.org",
    "user_ip": "192.0.2.10",
    "user_agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "permalink": "https://news.example/2026/tram",
    "comment_type": "comment",
    "blog_lang": "en",
}


def timings(fn: Callable[[int], object], n: int) -> list[float]:
    out = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(name: str, ms: list[float], target: float | None = None) -> None:
    ms = sorted(ms)
    median, p99 = statistics.median(ms), ms[int(len(ms) * 0.99) - 1]
    goal = f"  target ≤ {target:g} ms, median/target {median / target:.2f}" if target else ""
    print(f"{name:44s} median {median:7.3f} ms  p99 {p99:7.3f} ms{goal}")


def main() -> None:
    call_command("migrate", verbosity=0)
    from broadsheet.antispam import engine, refit, store
    from broadsheet.antispam.features import vectorize
    from broadsheet.antispam.model import SHIPPED_MODEL, Model
    from broadsheet.antispam.online import Layer

    load = timings(lambda _: Model.load(SHIPPED_MODEL), 10)
    show("load shipped model", load, 1000)
    print(f"{'shipped model size':44s} {SHIPPED_MODEL.stat().st_size / 1e6:.2f} MB")
    model = store.base_model()
    layer = Layer()
    show("features of a 1 KB comment", timings(lambda _: vectorize(FIELDS), 2000))
    vec = vectorize(FIELDS)
    show(
        "verdict, in memory (features + both layers)",
        timings(
            lambda _: model.score(model.margin(vectorize(FIELDS)) + layer.margin(vec.idx, vec.val)),
            2000,
        ),
        1,
    )
    fields = dict(FIELDS, is_test="1")  # no campaign row written: the pure read path
    engine.check(fields)
    show("check(), full (with database look-ups)", timings(lambda _: engine.check(fields), 1000), 1)
    show(
        "check(), full, recording the text",
        timings(lambda i: engine.check(dict(FIELDS, user_ip=f"192.0.2.{i % 250}")), 300),
    )
    line = store.decision_margin(model)
    show(
        "online update, in memory (layer.learn)",
        timings(lambda i: layer.learn(vec.idx, vec.val, model.margin(vec), i % 2 == 0, line), 1000),
        5,
    )
    show(
        "submit_spam/submit_ham, full (stored + learnt)",
        timings(
            lambda i: (engine.submit_spam if i % 2 else engine.submit_ham)(FIELDS, "bench"), 300
        ),
        5,
    )
    sms = REPO.parent / "shared" / "data" / "sms.jsonl"
    if sms.exists():  # a refit on real, varied labels (runs in the background on a site)
        from broadsheet.antispam import corpus

        rows = corpus.read_jsonl(sms)[:2000]
        for row in rows:
            submit = engine.submit_spam if row.spam else engine.submit_ham
            submit({"comment_content": row.fields["comment_content"]}, "refit")
        refit.wait()
        show(
            f"batch refit of a site's layer, {len(rows)} labels",
            timings(lambda _: store.rebuild("refit"), 3),
        )


if __name__ == "__main__":
    main()
