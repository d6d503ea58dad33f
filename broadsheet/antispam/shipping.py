"""Building the default model that ships in the package, reproducibly, from ../shared/data."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from broadsheet.antispam import corpus
from broadsheet.antispam.model import SHIPPED_MODEL, Model
from broadsheet.antispam.train import train_model

REPORT_NAME = "model.json"


def train_default(
    data_dir: Path, out: Path = SHIPPED_MODEL, progress: Callable[[int], None] | None = None
) -> tuple[Model, dict[str, Any]]:
    """Train on every corpus in data_dir (duplicates removed) and write model + its record."""
    files = corpus.load_dir(data_dir)
    if not files:
        raise FileNotFoundError(f"no corpus files in {data_dir}")
    rows = corpus.dedupe([r for name in sorted(files) for r in files[name]])
    model = train_model(rows, progress)
    record = {
        "version": model.version,
        "trained_on": {
            name: {
                "rows": len(files[name]),
                "used_after_dedupe": sum(r.source == name for r in rows),
                "sha256": hashlib.sha256((data_dir / name).read_bytes()).hexdigest(),
            }
            for name in sorted(files)
        },
        "spam_threshold": model.spam_threshold,
        "discard_threshold": model.discard_threshold,
        "calibration": {"a": model.calib_a, "b": model.calib_b},
        **model.info,
    }
    model.info["record"] = REPORT_NAME
    model.save(out)
    (out.parent / REPORT_NAME if out == SHIPPED_MODEL else out.with_suffix(".json")).write_text(
        json.dumps(record, indent=2, sort_keys=True) + "\n"
    )
    return model, record
