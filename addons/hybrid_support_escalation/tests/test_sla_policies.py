from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.hybrid_support_intake.tests.common import intent

from .test_sla import SlaCase, brussels_office


def new_york_office(env):
    """Monday to Friday, 09:00-17:00, America/New_York (DST on 2026-03-08)."""
    calendar = brussels_office(env)
    calendar.write({"name": "New York office", "tz": "America/New_York"})
    return calendar


@tagged("post_install", "-at_install")
class TestSlaPolicies(SlaCase):
    """Brussels office, 4 working hours to answer and 16 to resolve."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.waiting = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Waiting for the customer", "sequence": 50}
        )
        cls.done = cls.env["helpdesk.ticket.stage"].create(
            {"name": "Solved here", "sequence": 60, "closed": True}
        )
        cls.policy.pause_stage_ids = cls.waiting
        cls.gold = cls.env["res.partner.category"].create({"name": "Gold"})
        cls.gold_policy = cls.env["hybrid.support.sla.policy"].create(
            {
                "name": "Gold accounts",
                "calendar_id": cls.calendar.id,
                "first_response_hours": 1,
                "resolution_hours": 8,
                "partner_category_ids": [(4, cls.gold.id)],
                "sequence": 5,
            }
        )

    def _case(self, when="2026-11-23 08:00:00", **values):
        """A case opened on Monday 2026-11-23 09:00 in Brussels."""
        with freeze_time(when):
            ticket = self.email_case("hank@globex.example", "Help", "Broken")
            if values:
                ticket.write(values)
            self.env.flush_all()
        return ticket

    def test_a_case_falls_under_every_policy_that_applies(self):
        self.customer_company.category_id = self.gold
        ticket = self._case()
        self.assertEqual(ticket.hs_sla_ids.policy_id, self.gold_policy | self.policy)
        self.assertEqual(len(ticket.hs_sla_ids), 4)
        # the earliest first-response deadline is the promise: 10:00 Brussels
        self.assertEqual(ticket.hs_sla_policy_id, self.gold_policy)
        self.assertEqual(
            ticket.hs_sla_first_response_deadline, datetime(2026, 11, 23, 9, 0)
        )
        self.assertEqual(
            self.target(ticket, "resolution").deadline, datetime(2026, 11, 24, 16, 0)
        )
        self.assertEqual(
            self.target(ticket, "resolution", self.gold_policy).deadline,
            datetime(2026, 11, 23, 16, 0),
        )
        # one missed target is enough for the case to show breached
        self.Ticket._hs_sla_transitions(datetime(2026, 11, 23, 9, 30), 100)
        self.assertEqual(ticket.hs_sla_status, "breached")
        self.assertEqual(self.target(ticket, "first_response").status, "ongoing")

    def test_stop_keeps_later_policies_out(self):
        self.customer_company.category_id = self.gold
        self.gold_policy.stop = True
        ticket = self._case()
        self.assertEqual(ticket.hs_sla_ids.policy_id, self.gold_policy)

    def test_conditions_on_category_intent_tags_channel_and_vip(self):
        category = self.env["helpdesk.ticket.category"].create({"name": "Billing"})
        tag = self.env["helpdesk.ticket.tag"].create({"name": "Contract"})
        web = self.env["helpdesk.ticket.channel"].create({"name": "Web form"})
        self.gold_policy.write(
            {
                "partner_category_ids": [(5,)],
                "category_ids": [(4, category.id)],
                "intent_ids": [
                    (
                        6,
                        0,
                        (intent(self.env, "refund") | intent(self.env, "billing")).ids,
                    )
                ],
                "tag_ids": [(4, tag.id)],
                "vip_only": True,
            }
        )
        ticket = self._case()
        self.assertNotIn(self.gold_policy, ticket.hs_sla_ids.policy_id)
        self.env.company.hs_vip_category_ids = self.gold
        self.customer_company.category_id = self.gold
        ticket.invalidate_recordset(["hs_is_vip"])
        billing = intent(self.env, "billing")
        ticket.write(
            {
                "category_id": category.id,
                "tag_ids": [(4, tag.id)],
                "hs_intent_id": billing.id,
            }
        )
        self.assertIn(
            self.gold_policy, ticket.hs_sla_ids.policy_id, "all conditions hold"
        )
        self.gold_policy.channel_ids = web
        other = self._case()
        other.write(
            {
                "category_id": category.id,
                "tag_ids": [(4, tag.id)],
                "hs_intent_id": billing.id,
            }
        )
        self.assertNotIn(self.gold_policy, other.hs_sla_ids.policy_id, "email, not web")

    def test_a_policy_follows_the_intent_record_not_its_spelling(self):
        outage = self.env["hybrid.support.intent"].create({"name": "Total outage"})
        self.gold_policy.write(
            {"partner_category_ids": [(5,)], "intent_ids": [(6, 0, outage.ids)]}
        )
        ticket = self._case()
        self.assertNotIn(self.gold_policy, ticket.hs_sla_ids.policy_id)
        outage.name = "Service down"  # renamed: still the same intent
        ticket.hs_intent_id = outage
        self.assertIn(self.gold_policy, ticket.hs_sla_ids.policy_id)
        other = self._case()
        other.hs_intent_id = self.env["hybrid.support.intent"].create(
            {"name": "Partial outage"}
        )
        self.assertNotIn(self.gold_policy, other.hs_sla_ids.policy_id)

    def test_a_policy_never_names_another_companys_intent(self):
        company_b = self.env["res.company"].create({"name": "Company B"})
        theirs = intent(self.env, "refund", company_b)
        with self.assertRaises(UserError):
            self.gold_policy.intent_ids = theirs

    def test_raising_the_priority_brings_the_urgent_policy(self):
        urgent = self.env["hybrid.support.sla.policy"].create(
            {
                "name": "Urgent",
                "calendar_id": self.calendar.id,
                "priority": "2",
                "first_response_hours": 2,
                "resolution_hours": 8,
            }
        )
        ticket = self._case()
        self.assertNotIn(urgent, ticket.hs_sla_ids.policy_id)
        with freeze_time("2026-11-23 08:30:00"):
            ticket.with_user(self.agent).priority = "3"
        lines = ticket.hs_sla_ids.filtered(lambda x: x.policy_id == urgent)
        # counted from when the case was opened, not from the change
        self.assertEqual(
            lines.filtered(lambda x: x.target == "first_response").deadline,
            datetime(2026, 11, 23, 10, 0),
        )
        with freeze_time("2026-11-23 08:45:00"):
            ticket.with_user(self.agent).priority = "0"
        self.assertNotIn(
            urgent, ticket.hs_sla_ids.policy_id, "open targets leave with it"
        )

    def test_resolution_met_when_closed_in_time_breached_when_late(self):
        ticket, late = self._case(), self._case()
        with freeze_time("2026-11-24 10:00:00"):  # 10 working hours in
            ticket.stage_id = self.done
        with freeze_time("2026-11-25 10:00:00"):  # 18 working hours in
            late.stage_id = self.done
        self.assertEqual(self.target(ticket, "resolution").status, "met")
        self.assertEqual(
            self.target(ticket, "resolution").reached_date,
            datetime(2026, 11, 24, 10, 0),
        )
        self.assertEqual(self.target(late, "resolution").status, "breached")
        self.assertEqual(late.hs_sla_status, "breached")

    def test_waiting_for_the_customer_stops_the_clock(self):
        ticket = self._case()
        resolution = self.target(ticket, "resolution")
        self.assertEqual(resolution.deadline, datetime(2026, 11, 24, 16, 0))
        # waiting from Monday 11:00 to Tuesday 10:00 Brussels: 6 + 1 = 7 working hours
        with freeze_time("2026-11-23 10:00:00"):
            ticket.stage_id = self.waiting
        self.assertTrue(ticket.hs_sla_paused)
        self.assertEqual(resolution.paused_since, datetime(2026, 11, 23, 10, 0))
        self.assertFalse(ticket.hs_sla_deadline, "no clock runs")
        self.Ticket._hs_sla_transitions(datetime(2026, 11, 25, 0, 0), 100)
        self.assertEqual(resolution.status, "ongoing", "a paused clock never breaches")
        open_stage = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", False), ("id", "!=", self.waiting.id)], limit=1
        )
        with freeze_time("2026-11-24 09:00:00"):
            ticket.stage_id = open_stage
        self.assertFalse(ticket.hs_sla_paused)
        self.assertEqual(resolution.paused_hours, 7)
        # Tuesday 17:00 + 7 working hours -> Wednesday 16:00 Brussels
        self.assertEqual(resolution.deadline, datetime(2026, 11, 25, 15, 0))
        self.assertEqual(
            ticket.hs_sla_deadline, self.target(ticket, "first_response").deadline
        )

    def test_misconfiguration_is_refused_with_a_message(self):
        with self.assertRaisesRegex(ValidationError, "at least the first-response"):
            self.policy.resolution_hours = 2
        no_hours = self.env["resource.calendar"].create(
            {"name": "Never", "attendance_ids": [(5,)]}
        )
        with self.assertRaisesRegex(ValidationError, "no working time"):
            self.policy.calendar_id = no_hours


@tagged("post_install", "-at_install")
class TestSlaTimeZones(SlaCase):
    """The team works in New York, the customer reads in Tokyo, the server
    runs in UTC; the US clocks go forward on Sunday 2026-03-08."""

    def test_deadline_across_weekend_and_daylight_saving_change(self):
        self.policy.calendar_id = new_york_office(self.env)
        self.customer.write({"tz": "Asia/Tokyo", "lang": "en_US"})
        # Friday 2026-03-06 16:00 EST (21:00 UTC): one hour on Friday, three on
        # Monday from 09:00 EDT -> Monday 12:00 EDT = 16:00 UTC (not 17:00)
        with freeze_time("2026-03-06 21:00:00"):
            ticket = self.email_case("hank@globex.example", "Help", "Broken")
        self.assertEqual(
            ticket.hs_sla_first_response_deadline, datetime(2026, 3, 9, 16, 0)
        )
        # 16 working hours: Friday 1, Monday 8, Tuesday 7 -> Tuesday 16:00 EDT
        self.assertEqual(
            self.target(ticket, "resolution").deadline, datetime(2026, 3, 10, 20, 0)
        )
        # the customer is promised it in their own time: Tuesday 01:00 in Tokyo
        self.assertIn("Tuesday 10 March 2026, 01:00", ticket.hs_response_promise)
        self.assertIn("10 March 2026, 01:00", self.acks(ticket).body)
