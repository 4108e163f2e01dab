"""The customer's reading of the service clock, without a database."""

from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from ..tools import case_view as cv

NOW = datetime(2026, 3, 4, 10, 0)
HOUR = timedelta(hours=1)


def target(kind, status="ongoing", deadline=NOW + HOUR, **kw):
    return cv.Target(kind=kind, status=status, deadline=deadline, **kw)


@tagged("post_install", "-at_install")
class TestCaseView(BaseCase):
    def states(self, targets, **kw):
        return [(i.kind, i.state) for i in cv.customer_clock(targets, NOW, **kw)]

    def test_running_targets_are_due_then_late(self):
        self.assertEqual(
            self.states(
                [
                    target(cv.FIRST_RESPONSE),
                    target(cv.RESOLUTION, deadline=NOW - HOUR),
                ]
            ),
            [(cv.FIRST_RESPONSE, cv.DUE), (cv.RESOLUTION, cv.LATE)],
        )

    def test_breached_open_target_reads_late(self):
        self.assertEqual(
            self.states(
                [target(cv.RESOLUTION, "breached", NOW - HOUR, reached=NOW - HOUR)]
            ),
            [(cv.RESOLUTION, cv.LATE)],
        )

    def test_paused_target_reads_paused_even_past_its_old_deadline(self):
        self.assertEqual(
            self.states([target(cv.RESOLUTION, deadline=NOW, paused_since=NOW - HOUR)]),
            [(cv.RESOLUTION, cv.PAUSED)],
        )

    def test_answered_first_response_reads_given_in_time_or_late(self):
        line = target(cv.FIRST_RESPONSE, "met", reached=NOW - HOUR)
        (item,) = cv.customer_clock([line], NOW, answered_at=NOW - HOUR)
        self.assertEqual((item.state, item.reached), (cv.MET, NOW - HOUR))
        late = target(cv.FIRST_RESPONSE, "breached", NOW - 2 * HOUR, reached=NOW)
        self.assertEqual(
            self.states([late], answered_at=NOW), [(cv.FIRST_RESPONSE, cv.BREACHED)]
        )

    def test_strictest_policy_is_the_promise(self):
        lines = [
            target(cv.FIRST_RESPONSE, deadline=NOW + 8 * HOUR),
            target(cv.FIRST_RESPONSE, deadline=NOW + 2 * HOUR),
        ]
        (item,) = cv.customer_clock(lines, NOW)
        self.assertEqual(item.deadline, NOW + 2 * HOUR)

    def test_closed_case_reads_met_or_breached_after_the_fact(self):
        lines = [
            target(cv.FIRST_RESPONSE, "met", reached=NOW - 3 * HOUR),
            target(cv.RESOLUTION, "breached", NOW - 2 * HOUR, reached=NOW - HOUR),
        ]
        self.assertEqual(
            self.states(lines, closed=True, answered_at=NOW - 3 * HOUR),
            [(cv.FIRST_RESPONSE, cv.MET), (cv.RESOLUTION, cv.BREACHED)],
        )

    def test_closed_without_an_answer_has_no_first_answer_verdict(self):
        lines = [
            target(cv.FIRST_RESPONSE, "met", reached=NOW),
            target(cv.RESOLUTION, "met", reached=NOW),
        ]
        self.assertEqual(self.states(lines, closed=True), [(cv.RESOLUTION, cv.MET)])

    def test_no_targets_no_clock(self):
        self.assertEqual(cv.customer_clock([], NOW), [])

    def test_waiting_on_and_next_step(self):
        self.assertIsNone(cv.waiting_on(True, True))
        self.assertEqual(cv.waiting_on(False, True), cv.WAITING_ON_CUSTOMER)
        self.assertEqual(cv.waiting_on(False, False), cv.WAITING_ON_US)
        self.assertEqual(cv.next_step(True, None, True), cv.STEP_CLOSED)
        self.assertEqual(
            cv.next_step(False, cv.WAITING_ON_CUSTOMER, False), cv.STEP_REPLY
        )
        self.assertEqual(
            cv.next_step(False, cv.WAITING_ON_US, False), cv.STEP_FIRST_ANSWER
        )
        self.assertEqual(cv.next_step(False, cv.WAITING_ON_US, True), cv.STEP_WORKING)

    def test_format_hours(self):
        self.assertEqual(cv.format_hours(0.75), "45 min")
        self.assertEqual(cv.format_hours(3.0833), "3 h 05 min")
        self.assertEqual(cv.format_hours(-1), "0 min")
