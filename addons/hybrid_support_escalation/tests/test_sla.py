from datetime import datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase


def brussels_office(env):
    """Monday to Friday, 09:00-17:00, Europe/Brussels."""
    return env["resource.calendar"].create(
        {
            "name": "Brussels office",
            "tz": "Europe/Brussels",
            "attendance_ids": [
                (
                    0,
                    0,
                    {
                        "name": f"d{day}",
                        "dayofweek": str(day),
                        "hour_from": 9,
                        "hour_to": 17,
                    },
                )
                for day in range(5)
            ],
        }
    )


class SlaCase(IntakeCase):
    """A four-working-hour policy on the Brussels office calendar."""

    def target(self, ticket, target, policy=None):
        return ticket.hs_sla_ids.filtered(
            lambda x: x.target == target and x.policy_id == (policy or self.policy)
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # demo policies (with --with-demo) would apply to the cases too
        cls.env["hybrid.support.sla.policy"].search([]).active = False
        cls.calendar = brussels_office(cls.env)
        cls.policy = cls.env["hybrid.support.sla.policy"].create(
            {
                "name": "Four hours",
                "calendar_id": cls.calendar.id,
                "first_response_hours": 4,
                "resolution_hours": 16,
                "team_ids": [(4, cls.team.id)],
            }
        )


@tagged("post_install", "-at_install")
class TestSla(SlaCase):
    def test_deadline_skips_weekend_in_calendar_timezone(self):
        # Friday 2026-11-20 15:00 Brussels (14:00 UTC): 2 hours left on Friday,
        # 2 more on Monday from 09:00 -> Monday 11:00 Brussels = 10:00 UTC.
        deadline = self.policy._first_response_deadline(datetime(2026, 11, 20, 14, 0))
        self.assertEqual(deadline, datetime(2026, 11, 23, 10, 0))

    def test_deadline_honours_public_holiday(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 22, 23, 0),
                "date_to": datetime(2026, 11, 23, 22, 59),
            }
        )
        deadline = self.policy._first_response_deadline(datetime(2026, 11, 20, 14, 0))
        self.assertEqual(deadline, datetime(2026, 11, 24, 10, 0))

    def test_planning_several_targets_at_once_matches_plan_hours(self):
        """A new case's deadlines and at-risk points come from one reading
        of the calendar: each is the datetime plan_hours gives, across a
        weekend, a holiday, an interval's exact end and the 14-day windows."""
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Holiday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2026, 11, 22, 23, 0),
                "date_to": datetime(2026, 11, 23, 22, 59),
            }
        )
        hours_list = [16, 0, 3, 2, 8, 0.5, 4, 80, 120, 1.6]
        for start in (datetime(2026, 11, 20, 14, 0), datetime(2026, 11, 21, 3, 0)):
            self.assertEqual(
                self.policy._plan_many(hours_list, start),
                [
                    self.calendar.plan_hours(hours, start, compute_leaves=True)
                    for hours in hours_list
                ],
            )
        cr, targets = self.env.cr, ["first_response", "resolution"]
        queries = cr.sql_log_count
        one_by_one = [
            (
                target,
                self.policy._plan(self.policy[f"{target}_hours"], start),
                self.policy._plan(
                    self.policy[f"{target}_hours"] * self.policy.at_risk_percent / 100,
                    start,
                ),
            )
            for target in targets
        ]
        queries, planned = cr.sql_log_count - queries, cr.sql_log_count
        values = self.policy._lines_values(targets, start)
        planned = cr.sql_log_count - planned
        self.assertEqual(
            [(v["target"], v["deadline"], v["at_risk_date"]) for v in values],
            one_by_one,
        )
        # the four points read the working intervals once, not four times
        self.assertTrue(planned)
        self.assertLessEqual(planned * 4, queries)

    def test_acknowledgement_quotes_the_deadline(self):
        ticket = self.email_case("hank@globex.example", "Q")
        self.assertEqual(ticket.hs_sla_policy_id, self.policy)
        self.assertTrue(ticket.hs_sla_first_response_deadline)
        self.assertGreater(ticket.hs_sla_first_response_deadline, ticket.create_date)
        ack = self.acks(ticket)
        self.assertIn("first answer by", ack.body)
        self.assertIn(str(ticket.hs_sla_first_response_deadline.year), ack.body)

    def test_zero_target_is_refused(self):
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.env.cr.savepoint(),
        ):
            self.policy.first_response_hours = 0
            self.policy.flush_recordset()

    def test_calendar_of_another_company_is_refused(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.calendar.company_id = other
        with self.assertRaises(ValidationError):
            self.policy.write({"calendar_id": self.calendar.id})


@tagged("post_install", "-at_install")
class TestSlaStatus(SlaCase):
    """Monday 2026-11-23 09:00 Brussels (08:00 UTC), 4 working hours to first
    answer: at risk at 80% (12:12 Brussels), due at 13:00 Brussels."""

    def _case(self):
        with freeze_time("2026-11-23 08:00:00"):
            ticket = self.email_case("hank@globex.example", "Help", "Broken")
            self.env.flush_all()
        return ticket

    def test_deadlines_and_status_moves_with_the_clock(self):
        ticket = self._case()
        self.assertEqual(ticket.hs_sla_status, "ongoing")
        self.assertEqual(
            ticket.hs_sla_first_response_deadline, datetime(2026, 11, 23, 12, 0)
        )
        self.assertEqual(ticket.hs_sla_at_risk_date, datetime(2026, 11, 23, 11, 12))
        with freeze_time("2026-11-23 11:00:00"):
            self.Ticket._hs_sla_transitions(datetime(2026, 11, 23, 11, 0), 100)
        self.assertEqual(ticket.hs_sla_status, "ongoing")
        self.Ticket._hs_sla_transitions(datetime(2026, 11, 23, 11, 30), 100)
        self.assertEqual(ticket.hs_sla_status, "at_risk")
        self.Ticket._hs_sla_transitions(datetime(2026, 11, 23, 12, 1), 100)
        self.assertEqual(ticket.hs_sla_status, "breached")
        self.assertEqual(ticket.hs_sla_reached_date, datetime(2026, 11, 23, 12, 1))

    def test_first_agent_answer_meets_it_but_notes_and_acks_do_not(self):
        ticket = self._case()
        self.assertTrue(ticket.hs_ack_sent, "the acknowledgement is no answer")
        self.assertFalse(ticket.hs_sla_first_response_date)
        with freeze_time("2026-11-23 09:00:00"):
            ticket.with_user(self.agent).message_post(
                body="Looking at it internally", subtype_xmlid="mail.mt_note"
            )
            self.assertFalse(ticket.hs_sla_first_response_date)
            ticket.with_user(self.agent).message_post(
                body="We are on it",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(
            ticket.hs_sla_first_response_date, datetime(2026, 11, 23, 9, 0)
        )
        response = self.target(ticket, "first_response")
        self.assertEqual(response.status, "met")
        self.assertEqual(response.reached_date, datetime(2026, 11, 23, 9, 0))
        self.assertEqual(ticket.hs_sla_status, "ongoing", "resolution still runs")
        self.Ticket._hs_sla_transitions(datetime(2026, 11, 23, 13, 0), 100)
        self.assertEqual(response.status, "met", "an answered case never breaches")
        self.assertEqual(ticket.hs_sla_status, "ongoing")

    def test_late_answer_is_a_breach_and_customer_messages_do_not_count(self):
        ticket = self._case()
        with freeze_time("2026-11-23 12:30:00"):
            ticket.message_post(
                body="Any news?",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                author_id=self.customer.id,
            )
            self.assertFalse(ticket.hs_sla_first_response_date)
            ticket.with_user(self.agent).message_post(
                body="Sorry", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(ticket.hs_sla_status, "breached")

    def test_at_risk_point_over_100_percent_is_refused(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.policy.at_risk_percent = 120
            self.env.flush_all()
