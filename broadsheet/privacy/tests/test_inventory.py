"""The inventory covers every personal-looking field of every model, and every finder runs."""

from __future__ import annotations

import re

from django.apps import apps

from broadsheet.privacy.inventory import NOT_PERSONAL, STORES, Person, declared_fields, installed
from broadsheet.test import BaseTestCase

# Words in a field's name that suggest data about a person.
PERSONAL = re.compile(
    r"(^|_)(name|username|e?mail|email|ip|address|addr|agent|ua|url|uri|website|homepage|host|"
    r"phone|user|author|origin)(_|$)"
)


def personal_looking_fields() -> set[str]:
    return {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if PERSONAL.search(field.name)
    }


class InventoryTests(BaseTestCase):
    def test_every_personal_looking_field_is_declared(self) -> None:
        undeclared = personal_looking_fields() - declared_fields() - set(NOT_PERSONAL)
        self.assertEqual(
            undeclared,
            set(),
            "declare these in broadsheet/privacy/inventory.py (STORES, or NOT_PERSONAL with why)",
        )

    def test_a_new_personal_field_would_fail_the_check(self) -> None:
        self.assertIn("comments.Comment.author_email", personal_looking_fields())
        self.assertTrue(PERSONAL.search("visitor_ip_address"))
        self.assertTrue(PERSONAL.search("user_agent"))
        self.assertFalse(PERSONAL.search("description"))

    def test_declared_fields_exist_on_their_models(self) -> None:
        for store in installed():
            names = {field.name for field in store.model._meta.get_fields()}  # type: ignore[union-attr]
            for datum in store.data:
                with self.subTest(field=f"{store.label}.{datum.field}"):
                    self.assertIn(datum.field, names)

    def test_every_store_is_declared_once(self) -> None:
        labels = [store.label for store in STORES]
        self.assertEqual(len(labels), len(set(labels)))

    def test_every_finder_and_exporter_runs_for_an_unknown_address(self) -> None:
        person = Person("nobody@example.org")
        for store in installed():
            if store.find is None:
                self.assertTrue(store.kept_because, store.label)
                continue
            with self.subTest(store=store.label):
                self.assertEqual(list(store.export(store.rows(person))), [])

    def test_every_datum_says_why_and_how_long(self) -> None:
        for store in installed():
            for datum in store.data:
                with self.subTest(field=f"{store.label}.{datum.field}"):
                    self.assertTrue(str(datum.purpose))
                    self.assertTrue(datum.retention.describe())
