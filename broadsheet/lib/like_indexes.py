"""Dropping the ``_like`` indexes that Django adds on PostgreSQL beside each indexed text column.

They serve ``LIKE 'prefix%'`` queries only; on columns that are only ever compared whole they
are one more index to write on every insert and update. Other databases have none.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def drop(*indexes: tuple[str, str, str]) -> migrations.RunPython:
    """A migration operation dropping (table, column, index name) on PostgreSQL; its reverse
    creates them again as Django had."""

    def forwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for _table, _column, name in indexes:
                schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')

    def backwards(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            for table, column, name in indexes:
                schema_editor.execute(
                    f'CREATE INDEX IF NOT EXISTS "{name}" '
                    f'ON "{table}" ("{column}" varchar_pattern_ops)'
                )

    return migrations.RunPython(forwards, backwards)
