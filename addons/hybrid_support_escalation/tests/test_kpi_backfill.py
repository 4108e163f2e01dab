"""The KPI backfill: cases closed before their KPIs were stored get the
figures the live hooks would have stored, reconstructed from their messages,
stage tracking and SLA lines; exact figures on fixture histories, a second
run changes nothing, and two workers never take the same case (real
separate connections)."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.orm.environments import Transaction
from odoo.tests import BaseCase, TransactionCase, tagged

from odoo.addons.hybrid_support_escalation.tools import kpi as kpi_tools

from .test_kpi import MONDAY_10AM, MONDAY_NOON, TUESDAY_NOON, KpiCase

A, C, CL, RE = (
    kpi_tools.AGENT_REPLY,
    kpi_tools.CUSTOMER_MESSAGE,
    kpi_tools.CLOSED,
    kpi_tools.REOPENED,
)


def at(hour, minute=0):
    return datetime(2026, 11, 23, hour, minute)


@tagged("at_install")
class TestReplay(BaseCase):
    def test_one_reply_then_closed(self):
        state = kpi_tools.replay([(at(12), CL), (at(10), A)])
        self.assertEqual(state["first_response_date"], at(10))
        self.assertEqual(state["closed_date"], at(12))
        self.assertEqual(state["agent_replies"], 1)
        self.assertTrue(state["first_contact_resolution"])

    def test_customer_after_the_reply_and_reopenings(self):
        state = kpi_tools.replay(
            [(at(9), C), (at(10), A), (at(11), C), (at(12), CL), (at(13), RE)]
            + [(at(14), A), (at(15), CL)]
        )
        self.assertTrue(state["customer_wrote_after_reply"])
        self.assertEqual(state["reopen_count"], 1)
        self.assertEqual(state["agent_replies"], 2)
        self.assertEqual(state["closed_date"], at(15))
        self.assertFalse(state["first_contact_resolution"])

    def test_a_customer_before_any_reply_keeps_first_contact_resolution(self):
        state = kpi_tools.replay([(at(9), C), (at(10), A), (at(10), CL)])
        self.assertFalse(state["customer_wrote_after_reply"])
        self.assertTrue(state["first_contact_resolution"])

    def test_a_reopening_of_an_open_case_is_none(self):
        state = kpi_tools.replay([(at(9), RE), (at(10), A), (at(11), CL)])
        self.assertEqual(state["reopen_count"], 0)

    def test_no_closing_no_resolution(self):
        state = kpi_tools.replay([(at(10), A)])
        self.assertIsNone(state["closed_date"])
        self.assertFalse(state["first_contact_resolution"])


@tagged("post_install", "-at_install")
class TestKpiBackfill(KpiCase):
    def close_tracked(self, ticket, when):
        """Close as an agent, with the stage's tracking written at that time
        (as a request's end would write it)."""
        with freeze_time(when):
            ticket.with_user(self.agent).stage_id = self.closed_stage
            self.env.flush_all()
            self.env.cr.precommit.run()

    def reopen_tracked(self, ticket, when):
        with freeze_time(when):
            ticket._hs_reopen()
            self.env.flush_all()
            self.env.cr.precommit.run()

    def forget_and_backfill(self, *cases):
        """As if the cases had been closed before the KPIs were stored."""
        live = {case: self.values(case) for case in cases}
        self.kpi(cases[0]).browse([self.kpi(c).id for c in cases]).unlink()
        done = self.Kpi._backfill(self.Ticket.browse([c.id for c in cases]))
        self.assertEqual(len(done), len(cases))
        return live

    def values(self, case):
        [values] = self.kpi(case).read(FIELDS)
        values.pop("id")
        return values

    def test_weekend_reply_and_closing_are_rebuilt_exactly(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.close_tracked(case, MONDAY_NOON)
        live = self.forget_and_backfill(case)
        kpi = self.kpi(case)
        self.assertTrue(kpi.backfilled)
        # Friday 15:00-17:00 and Monday 09:00-10:00 Brussels: 3 working hours
        self.assertAlmostEqual(kpi.first_response_hours, 3.0, places=2)
        self.assertAlmostEqual(kpi.resolution_hours, 5.0, places=2)
        self.assertEqual(kpi.first_response_date, MONDAY_10AM)
        self.assertEqual(kpi.closed_date, MONDAY_NOON)
        self.assertTrue(kpi.first_contact_resolution)
        self.assertEqual(self.values(case), live[case])

    def test_customer_message_and_reopening_are_rebuilt_exactly(self):
        chatty = self.open_case("Chatty")
        self.agent_reply(chatty, MONDAY_10AM)
        self.customer_writes(chatty, MONDAY_10AM + timedelta(minutes=30))
        self.close_tracked(chatty, MONDAY_NOON)
        reopened = self.open_case("Reopened")
        self.agent_reply(reopened, MONDAY_10AM)
        self.close_tracked(reopened, MONDAY_NOON)
        self.reopen_tracked(reopened, TUESDAY_NOON)
        self.close_tracked(reopened, TUESDAY_NOON + timedelta(hours=1))
        live = self.forget_and_backfill(chatty, reopened)
        self.assertTrue(self.kpi(chatty).customer_wrote_after_reply)
        self.assertFalse(self.kpi(chatty).first_contact_resolution)
        kpi = self.kpi(reopened)
        self.assertEqual(kpi.reopen_count, 1)
        self.assertFalse(kpi.first_contact_resolution)
        # Friday 2 h + Monday 8 h + Tuesday 09:00-13:00 4 h
        self.assertAlmostEqual(kpi.resolution_hours, 14.0, places=2)
        for case in (chatty, reopened):
            self.assertEqual(self.values(case), live[case], case.name)

    def test_notes_are_no_reply_and_the_sla_is_judged_at_the_closing(self):
        case = self.open_case("Noted")
        with freeze_time(MONDAY_10AM):
            case.with_user(self.agent).message_post(
                body="internal", message_type="comment", subtype_xmlid="mail.mt_note"
            )
        self.close_tracked(case, TUESDAY_NOON)
        live = self.forget_and_backfill(case)
        kpi = self.kpi(case)
        self.assertFalse(kpi.first_response_date)
        self.assertEqual(kpi.agent_replies, 0)
        self.assertEqual(kpi.sla_result, live[case]["sla_result"])

    def test_the_job_finds_old_cases_once(self):
        """A case closed without KPIs (written by SQL, as before the
        module): the batch finds it, a second run finds nothing."""
        case = self.open_case("Old")
        self.agent_reply(case, MONDAY_10AM)
        self.close_tracked(case, MONDAY_NOON)
        self.kpi(case).unlink()
        self.assertGreaterEqual(self.Kpi._backfill_batch(10_000), 1)
        first = self.values(case)
        self.assertTrue(self.kpi(case).backfilled)
        self.assertEqual(self.Kpi._backfill_batch(10_000), 0)
        self.assertEqual(self.values(case), first)
        self.assertEqual(self.Kpi.search_count([("ticket_id", "=", case.id)]), 1)


FIELDS = [
    "first_response_date",
    "first_response_hours",
    "agent_replies",
    "customer_wrote_after_reply",
    "closed_date",
    "resolution_hours",
    "first_contact_resolution",
    "reopen_count",
    "escalated",
    "sla_result",
]


@tagged("post_install", "-at_install")
class TestKpiBackfillConcurrency(TransactionCase):
    """Two cron workers backfill at once, on real separate connections: the
    second skips the cases the first holds and takes the others, so that
    each case is done once. Both roll back: the test leaves nothing."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '5s'")  # a regression fails, never hangs
        # the registry is taken as it is: looking it up by name would wait
        # for the lock the test runner holds while tests run
        cr.transaction = Transaction(self.registry)
        return cr

    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            closed = env["helpdesk.ticket.stage"].search(
                [("closed", "=", True)], limit=1
            )
            cases = env["helpdesk.ticket"].create(
                [
                    {
                        "name": f"Backfill race {n}",
                        "description": "x",
                        "stage_id": closed.id,
                    }
                    for n in range(4)
                ]
            )
            env["hybrid.support.case.kpi"].search(
                [("ticket_id", "in", cases.ids)]
            ).unlink()
            self.case_ids = set(cases.ids)
        self.addCleanup(self._remove)

    def _remove(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["helpdesk.ticket"].browse(list(self.case_ids)).exists().unlink()

    def test_two_workers_share_the_cases(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            pending = len(env["hybrid.support.case.kpi"]._backfill_claim(100_000))
            cr.rollback()
        self.assertGreaterEqual(pending, 4)
        first, second = self._cursor(), self._cursor()
        try:
            env_1 = api.Environment(first, SUPERUSER_ID, {})
            env_2 = api.Environment(second, SUPERUSER_ID, {})
            held = env_1["hybrid.support.case.kpi"]._backfill_claim(pending // 2)
            env_1["hybrid.support.case.kpi"]._backfill(held)
            # the second worker meanwhile: no wait, none of the first's cases
            done = env_2["hybrid.support.case.kpi"]._backfill_batch(100_000)
            env_2.flush_all()
            second.execute(
                "SELECT ticket_id FROM hybrid_support_case_kpi WHERE backfilled"
                " AND ticket_id = ANY(%s)",
                [list(self.case_ids)],
            )
            by_second = {row[0] for row in second.fetchall()}
            self.assertEqual(done, pending - len(held))
            self.assertFalse(by_second & set(held.ids))
            self.assertEqual(by_second | (set(held.ids) & self.case_ids), self.case_ids)
        finally:
            first.rollback()
            second.rollback()
            first.close()
            second.close()
