from __future__ import annotations

from broadsheet.test import BaseTestCase


class HealthzTests(BaseTestCase):
    def test_healthz_answers_ok_without_the_database(self) -> None:
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, b"ok")
