from __future__ import annotations

from types import SimpleNamespace

from django.db import connection
from django.test import TestCase

from broadsheet.lib import like_indexes

STATUS_LIKE = ("comments_comment", "status", "comments_comment_status_2ed23eb9_like")


def _like_indexes(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name for name, c in constraints.items() if c["index"] and name.endswith("_like")}


class LikeIndexTests(TestCase):
    def run_operation(self, *, forwards: bool) -> None:
        operation = like_indexes.drop(STATUS_LIKE)
        with connection.cursor() as cursor:
            editor = SimpleNamespace(connection=connection, execute=cursor.execute)
            (operation.code if forwards else operation.reverse_code)(None, editor)

    def test_tables_written_on_every_post_and_check_have_no_like_index(self) -> None:
        for table in ("comments_comment", "antispam_checklog"):
            self.assertEqual(_like_indexes(table), set())

    def test_the_reverse_brings_back_the_index_on_postgresql_only(self) -> None:
        self.run_operation(forwards=False)
        expected = {STATUS_LIKE[2]} if connection.vendor == "postgresql" else set()
        self.assertEqual(_like_indexes("comments_comment"), expected)
        self.run_operation(forwards=True)
        self.assertEqual(_like_indexes("comments_comment"), set())
