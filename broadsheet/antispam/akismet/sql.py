"""Writes on the comment-check path without the ORM's query building, which costs more than the
database's own work there (measured: 4 of 5 ms per check went to building two statements).
Values are still prepared by each model field, so SQLite and PostgreSQL get the right types."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Field, Model


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    """A concrete field by name or attname (``key_id`` is the ``key`` foreign key)."""
    field = model._meta.get_field(name.removesuffix("_id"))
    assert isinstance(field, Field)
    return field


@functools.lru_cache(maxsize=32)
def _insert_sql(model: type[Model], names: tuple[str, ...]) -> str:
    columns = ", ".join(connection.ops.quote_name(_field(model, n).column) for n in names)
    marks = ", ".join(["%s"] * len(names))
    table = connection.ops.quote_name(model._meta.db_table)
    return f"INSERT INTO {table} ({columns}) VALUES ({marks})"


def insert(model: type[Model], values: Mapping[str, Any]) -> None:
    """One row, by field name (a foreign key by its attname, e.g. ``key_id``)."""
    names = tuple(values)
    params = [_field(model, n).get_db_prep_save(values[n], connection) for n in names]
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql(model, names), params)


@functools.lru_cache(maxsize=32)
def _add_sql(model: type[Model], counters: tuple[str, ...], keys: tuple[str, ...]) -> str:
    quote = connection.ops.quote_name
    sets = ", ".join(f"{quote(c)} = {quote(c)} + %s" for c in counters)
    where = " AND ".join(f"{quote(_field(model, k).column)} = %s" for k in keys)
    return f"UPDATE {quote(model._meta.db_table)} SET {sets} WHERE {where}"


def add(model: type[Model], increments: Mapping[str, int], where: Mapping[str, Any]) -> int:
    """Add to counters in the rows matching ``where``; returns how many rows matched."""
    params = [*increments.values()]
    params += [_field(model, k).get_db_prep_value(v, connection) for k, v in where.items()]
    with connection.cursor() as cursor:
        cursor.execute(_add_sql(model, tuple(increments), tuple(where)), params)
        return int(cursor.rowcount)
