from datetime import datetime

from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestSla(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
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
        cls.policy = cls.env["hybrid.support.sla.policy"].create(
            {
                "name": "Four hours",
                "calendar_id": cls.calendar.id,
                "first_response_hours": 4,
                "team_ids": [(4, cls.team.id)],
            }
        )

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

    def test_acknowledgement_quotes_the_deadline(self):
        ticket = self.Ticket.browse(
            self.process(make_email("hank@globex.example", "Q"))
        )
        self.assertEqual(ticket.sla_policy_id, self.policy)
        self.assertTrue(ticket.sla_first_response_deadline)
        self.assertGreater(ticket.sla_first_response_deadline, ticket.create_date)
        ack = self.acks(ticket)
        self.assertIn("first answer by", ack.body)
        self.assertIn(str(ticket.sla_first_response_deadline.year), ack.body)

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
