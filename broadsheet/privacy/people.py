"""One person's data, found through the inventory: what an export holds, what erasure does.

Callers run these inside a transaction (broadsheet.privacy.actions).
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from broadsheet.privacy import recipients
from broadsheet.privacy.inventory import Person, Store, installed

FORMAT = "broadsheet-privacy-export/1"


def _searchable() -> list[Store]:
    return [store for store in installed() if store.find is not None]


def _processing() -> list[dict[str, Any]]:
    """Art. 15(1): purposes, legal basis, retention and recipients, for every kind of data."""
    active = recipients.active()
    return [
        {
            "store": store.label,
            "field": datum.field,
            "what": str(datum.what),
            "purpose": str(datum.purpose),
            "legal_basis": str(datum.basis.value),
            "retention": datum.retention.describe(),
            "recipients": [r.name for r in recipients.for_keys(datum.recipients, active)],
        }
        for store in installed()
        for datum in store.data
    ]


def export_data(person: Person) -> dict[str, Any]:
    stores = {
        store.label: {"title": str(store.title), "items": list(store.export(store.rows(person)))}
        for store in _searchable()
    }
    return {
        "format": FORMAT,
        "generated_at": timezone.now(),
        "site": settings.BASE_URL,
        "controller": {"name": settings.PRIVACY_CONTROLLER, "contact": settings.PRIVACY_CONTACT},
        "email": person.email,
        "stores": stores,
        "processing": _processing(),
        "not_searchable": [
            {"store": store.label, "reason": str(store.kept_because)}
            for store in installed()
            if store.find is None
        ],
    }


def to_json(data: dict[str, Any]) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)


def erase_data(person: Person, *, replace_content: bool) -> dict[str, Any]:
    """Erase or anonymise every row of this person's; a second run changes nothing.

    Returns rows changed per store and, WordPress-like, what was kept and why.
    """
    person.comment_ids  # noqa: B018  (read before the comments lose their addresses)
    erased: dict[str, int] = {}
    retained: list[dict[str, Any]] = []
    for store in _searchable():
        rows = store.rows(person)
        held = rows.count()
        changed = store.eraser(rows, replace_content)
        if store.counts_as_erased:
            erased[store.label] = changed
        elif held:
            retained.append({"store": store.label, "rows": held, "reason": str(store.kept_because)})
    retained += [
        {"store": store.label, "rows": None, "reason": str(store.kept_because)}
        for store in installed()
        if store.find is None
    ]
    return {"erased": erased, "retained": retained}
