from __future__ import annotations

from django.core.signals import request_started
from django.test import SimpleTestCase

from broadsheet.lib import after_response
from broadsheet.test import request_cycle


class AfterResponseTests(SimpleTestCase):
    def test_outside_a_request_the_work_runs_at_once(self) -> None:
        done: list[str] = []
        after_response.defer(lambda: done.append("sent"))
        self.assertEqual(done, ["sent"])

    def test_in_a_request_the_work_waits_until_the_response_is_sent(self) -> None:
        done: list[str] = []
        with request_cycle():
            after_response.defer(lambda: done.append("first"))
            after_response.defer(lambda: done.append("second"))
            self.assertEqual(done, [])
        self.assertEqual(done, ["first", "second"])

    def test_a_failing_piece_of_work_is_logged_and_the_rest_still_runs(self) -> None:
        done: list[str] = []
        with self.assertLogs("broadsheet.lib.after_response", "ERROR"), request_cycle():
            after_response.defer(lambda: 1 / 0)  # type: ignore[func-returns-value]
            after_response.defer(lambda: done.append("sent"))
        self.assertEqual(done, ["sent"])

    def test_work_left_by_an_unclosed_response_runs_before_the_next_request(self) -> None:
        done: list[str] = []
        with request_cycle():
            after_response.defer(lambda: done.append("left"))
            request_started.send(sender=None)  # the next request on this thread begins
            self.assertEqual(done, ["left"])
        self.assertEqual(done, ["left"])
