"""What the privacy tests share: a commenter with data in every store, and database dumps."""

from __future__ import annotations

import shutil
import subprocess
from typing import Any

from django.conf import settings
from django.db import connection

from broadsheet.comments.models import Comment
from broadsheet.comments.tests.base import CommentsTestCase, site_hash
from broadsheet.privacy.keys import ip_hash

ROSA = "rosa@example.org"


class PrivacyTestCase(CommentsTestCase):
    def rosa_comment(self, content: str = "The bridge looks fine.", **fields: Any) -> Comment:
        """A comment by Rosa as the site stores one from the form (hashes with the site's keys)."""
        defaults: dict[str, Any] = {
            "author_name": "Rosa Jones",
            "author_email": ROSA,
            "email_hash": site_hash(ROSA),
            "author_url": "https://rosa.example.net/",
            "ip_network": "203.0.113.0/24",
            "ip_hash": ip_hash("203.0.113.57"),
            "user_agent_family": "Firefox",
        }
        defaults.update(fields)
        return self.add_comment(content, **defaults)


def database_dump() -> str:
    """Every row of every table as text: pg_dump on PostgreSQL, iterdump on SQLite."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return "\n".join(connection.connection.iterdump())
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return _select_everything()
    db = settings.DATABASES["default"]
    if connection.in_atomic_block:  # a TestCase's rows are uncommitted: pg_dump cannot see them
        return _select_everything()
    env = {"PGPASSWORD": str(db.get("PASSWORD") or "")}
    name = connection.settings_dict["NAME"]
    args = [pg_dump, "-h", db.get("HOST") or "127.0.0.1", "-U", db.get("USER") or "postgres", name]
    dump = subprocess.run(args, capture_output=True, text=True, check=True, env=env).stdout
    # pg_dump 15.14+ fences its output with a random \restrict key: not data, drop it.
    return "\n".join(line for line in dump.splitlines() if "restrict " not in line[:12])


def _select_everything() -> str:
    """Each table's rows, cast to text in the database: what a dump would contain."""
    lines: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT t::text FROM {quoted} AS t")
            lines += [row[0] for row in cursor.fetchall()]
    return "\n".join(lines)
