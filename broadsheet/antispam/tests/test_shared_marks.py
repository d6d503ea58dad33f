"""Other workers' changes reach this one through a mark in the shared cache, at once (issue 10).

Another worker is played by changing the database behind this process's back; the mark is what
that worker would have written to Redis. broadsheet/tests/test_scale_out.py does the same with
two real servers.
"""

from __future__ import annotations

from django.core.cache import cache
from django.test import TestCase, override_settings
from django.utils import timezone

from broadsheet.antispam import actions, context, store
from broadsheet.antispam.akismet import keys
from broadsheet.antispam.engine import check
from broadsheet.antispam.features import vectorize
from broadsheet.antispam.models import ApiKey
from broadsheet.antispam.tests.helpers import EngineTestCase, comment
from broadsheet.antispam.tests.test_learning import NEW_SPAM, live


class LayerMarkTests(EngineTestCase):
    @override_settings(SPAM_REFRESH_SECONDS=3600)
    def test_a_label_stored_by_another_worker_counts_once_its_mark_changes(self) -> None:
        before = check(comment(comment_content=NEW_SPAM), "a")
        fields = live(NEW_SPAM)
        src = context.sources(fields)
        actions.do_record_feedback("a", True, vectorize(fields, context.lookup("a", src)), src)
        # Without a mark the timer decides: this worker's layer has not seen the label yet.
        self.assertEqual(check(comment(comment_content=NEW_SPAM), "a").version, before.version)
        with self.captureOnCommitCallbacks(execute=True):
            store.announce(store.site_mark("a"))
        after = check(comment(comment_content=NEW_SPAM), "a")
        self.assertNotEqual(after.version, before.version)
        self.assertGreater(after.score, before.score)


class KeyMarkTests(TestCase):
    def test_a_key_revoked_by_another_worker_stops_once_its_mark_changes(self) -> None:
        key = ApiKey.objects.create(blogs="https://blog.example")
        keys.forget()
        self.assertFalse(keys.find(key.key).revoked)  # type: ignore[union-attr]
        ApiKey.objects.filter(pk=key.pk).update(revoked=timezone.now())
        self.assertFalse(keys.find(key.key).revoked)  # type: ignore[union-attr]
        cache.set(keys.MARK, "another worker's change")
        self.assertTrue(keys.find(key.key).revoked)  # type: ignore[union-attr]
