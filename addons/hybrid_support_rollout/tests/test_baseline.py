"""The baseline wizard on a known mailbox history, imported for real by
hybrid_support_intake's mailbox import: exact first-response figures across
a weekend and before opening hours, status chasers, threads answered by
several agents; goals measured now from the stored case KPIs; access of
agents, managers and another company."""

import base64
from datetime import UTC, date, datetime, timedelta
from email.utils import format_datetime

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email
from odoo.addons.hybrid_support_intake.tests.test_import import mbox_bytes

from ..tools.baseline import subject_topics
from ..tools.working_time import WorkingTime

CUSTOMER = "hank@globex.example"
AGENT_A = "agent@ourdesk.example"  # the test agent's user
AGENT_B = "former.colleague@ourdesk.example"  # no user in Odoo


def email(sender, subject, body, when, reply_to=None):
    msg = make_email(sender, subject, body)
    msg["Date"] = format_datetime(when.replace(tzinfo=UTC))
    if reply_to is not None:
        msg["In-Reply-To"] = reply_to["Message-ID"]
        msg["References"] = reply_to["Message-ID"]
    return msg


def utc(day, hour, minute=0):
    return datetime(2024, 3, day, hour, minute)


@tagged("post_install", "-at_install")
class TestBaseline(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Brussels office",
                "tz": "Europe/Brussels",
                "attendance_ids": [(5, 0, 0)]
                + [
                    (
                        0,
                        0,
                        {
                            "name": f"{day} {start}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                            "day_period": "morning" if start < 12 else "afternoon",
                        },
                    )
                    for day in range(5)
                    for start, end in ((9, 12), (13, 17))
                ],
            }
        )
        # Friday 16:00 (Brussels) → Monday 10:00: 2 working hours; the
        # customer chases, a colleague without an Odoo user answers
        printer = email(CUSTOMER, "Printer broken", "It stopped.", utc(8, 15))
        a1 = email(AGENT_A, "Re: Printer broken", "Try this.", utc(11, 9), printer)
        chase = email(CUSTOMER, "Re: Printer broken", "Any news?", utc(11, 10), a1)
        b1 = email(AGENT_B, "Re: Printer broken", "Fixed.", utc(11, 11), chase)
        # written at 7:00 before opening, answered at 9:30: half an hour;
        # the thanks quote an old "any update?", which is no chaser
        invoice = email(CUSTOMER, "Invoice missing", "Where is it?", utc(12, 6))
        a2 = email(AGENT_A, "Re: Invoice missing", "Sent.", utc(12, 8, 30), invoice)
        thanks = email(
            CUSTOMER,
            "Re: Invoice missing",
            "Thanks, that works.\n\nOn Tue, 12 Mar 2024, Agent wrote:\n> any update?",
            utc(12, 9),
            a2,
        )
        # chased in French before the first answer: 10:00 → 16:00 less lunch
        delivery = email(CUSTOMER, "Delivery late", "Order 42?", utc(13, 9))
        chase_fr = email(
            CUSTOMER, "Re: Delivery late", "Des nouvelles ?", utc(13, 13), delivery
        )
        a3 = email(AGENT_A, "Re: Delivery late", "Shipped.", utc(13, 15), chase_fr)
        cls.history = [
            printer,
            a1,
            chase,
            b1,
            invoice,
            a2,
            thanks,
            delivery,
            chase_fr,
            a3,
        ]
        closed = cls.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        job = cls.env["hybrid.support.mail.import"].create(
            {
                "source_type": "mbox",
                "file": base64.b64encode(mbox_bytes(cls.history)),
                "filename": "history.mbox",
                "team_id": cls.team.id,
                "stage_id": closed.id,
            }
        )
        job.action_analyse()
        job.action_start()
        while job.state == "running":
            job._import_batch(limit=4)
        cls.manager = new_test_user(
            cls.env,
            login="hs_rollout_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            email="manager@ourdesk.example",
        )

    def measure(self, user=None, **values):
        wizard = (
            self.env["hybrid.support.rollout.baseline.wizard"]
            .with_user(user or self.manager)
            .create(
                {
                    "name": "Before the portal",
                    "source": "import",
                    "date_from": date(2024, 3, 1),
                    "date_to": date(2024, 3, 31),
                    "team_ids": [(6, 0, self.team.ids)],
                    "calendar_id": self.calendar.id,
                    "agent_domains": "ourdesk.example",
                    **values,
                }
            )
        )
        action = wizard.action_measure()
        return (
            self.env[action["res_model"]]
            .with_user(user or self.manager)
            .browse(action["res_id"])
        )

    def test_imported_history_gives_exact_figures(self):
        cases = self.env["helpdesk.ticket"].search(
            [("team_id", "=", self.team.id), ("hs_origin", "=", "import")]
        )
        self.assertEqual(len(cases), 3, "replies thread into their cases")
        baseline = self.measure()
        self.assertEqual(baseline.thread_count, 3)
        self.assertEqual(baseline.answered_count, 3)
        # 2 h over the weekend, 0.5 h before opening, 5 h with lunch
        self.assertAlmostEqual(baseline.first_response_avg, 2.5)
        self.assertAlmostEqual(baseline.first_response_median, 2.0)
        # resolution: the last agent reply of a history thread (4 h, 5 h);
        # the invoice thread ended with the customer's message
        self.assertEqual(baseline.resolved_count, 2)
        self.assertAlmostEqual(baseline.resolution_avg, 4.5)
        self.assertEqual(
            (baseline.followup_count, baseline.status_chaser_count), (3, 2)
        )
        self.assertAlmostEqual(baseline.status_chaser_percent, 66.7, places=1)
        self.assertEqual(baseline.multi_agent_count, 1)
        self.assertAlmostEqual(baseline.multi_agent_percent, 33.3, places=1)
        self.assertEqual(
            sorted(baseline.week_line_ids.mapped(lambda x: (x.key, x.count))),
            [("2024-W10", 1), ("2024-W11", 2)],
        )
        # no rating in the history; Globex, active then, had nobody on the portal
        self.assertFalse(baseline.csat_measured)
        self.assertTrue(baseline.portal_adoption_measured)
        self.assertEqual(baseline.portal_adoption_percent, 0.0)
        friday_four = baseline.peak_line_ids.filtered(
            lambda x: x.weekday == "4" and x.hour == 16
        )
        self.assertEqual(friday_four.count, 1)
        # topics: the intents the intake's triage gave the cases, else words
        # of their subjects
        expected = {
            case.hs_intent_id.name or subject_topics(case.name)[0] for case in cases
        }
        self.assertEqual(
            set(baseline.topic_line_ids.mapped("key")) & expected, expected
        )

    def test_cases_made_in_odoo_of_another_period_are_left_out(self):
        baseline = self.measure(date_from=date(2024, 4, 1), date_to=date(2024, 4, 30))
        self.assertEqual(baseline.thread_count, 0)
        self.assertEqual(baseline.first_response_avg, 0.0)

    def test_pure_working_hours_match_odoo_calendar(self):
        start = datetime(2024, 3, 1)
        end = datetime(2024, 4, 30)
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Easter Monday",
                "calendar_id": self.calendar.id,
                "date_from": datetime(2024, 3, 31, 22),
                "date_to": datetime(2024, 4, 1, 22),
            }
        )
        working = self.env["hybrid.support.rollout.baseline"]._working_time(
            self.calendar, self.env.company, start, end
        )
        self.assertIsInstance(working, WorkingTime)
        moments = [start + timedelta(hours=7 * n + n % 5) for n in range(0, 200, 9)]
        for begin in moments:
            for finish in moments:
                if finish <= begin:
                    continue
                self.assertAlmostEqual(
                    working.hours(begin, finish),
                    self.calendar.get_work_hours_count(begin, finish),
                    places=6,
                    msg=f"{begin} → {finish}",
                )

    def test_goals_baseline_now_goal(self):
        baseline = self.measure()
        # two cases answered recently, by the stored case KPIs: 1.5 h, 0.5 h
        Kpi = self.env["hybrid.support.case.kpi"]
        now = datetime.now() - timedelta(hours=1)
        for hours in (1.5, 0.5):
            ticket = self.env["helpdesk.ticket"].create(
                {
                    "name": "Recent",
                    "description": "x",
                    "team_id": self.team.id,
                    "partner_id": self.customer.id,
                }
            )
            Kpi._for(ticket).write(
                {"first_response_date": now, "first_response_hours": hours}
            )
        goal = (
            self.env["hybrid.support.rollout.goal"]
            .with_user(self.manager)
            .create(
                {
                    "baseline_id": baseline.id,
                    "kpi": "first_response_hours",
                    "target_value": 0.5,
                    "deadline": date(2025, 6, 30),
                }
            )
        )
        self.assertAlmostEqual(goal.baseline_value, 2.5)
        self.assertTrue(goal.now_measured)
        self.assertAlmostEqual(goal.now_value, 1.0)
        self.assertEqual(goal.progress, 75.0)  # 2.5 → 1.0 of 2.5 → 0.5
        self.assertFalse(goal.reached)
        csat = goal.copy({"kpi": "csat_percent", "target_value": 85})
        self.assertFalse(csat.now_measured, "no rating in the last 30 days")
        adoption = goal.copy({"kpi": "portal_adoption_percent", "target_value": 60})
        # Globex has recent cases; nobody of it logged in to the portal ...
        self.assertEqual((adoption.now_measured, adoption.now_value), (True, 0.0))
        # ... until Hank's first portal login
        hank = new_test_user(
            self.env, login="hs_rollout_hank", groups="base.group_portal"
        )
        hank.partner_id = self.customer
        self.env["res.users.log"].with_user(hank).sudo().create({})
        baseline.action_refresh_now()
        self.assertEqual(adoption.now_value, 100.0)
        self.assertTrue(adoption.reached)
        self.env["hybrid.support.rollout.baseline"]._cron_refresh_goals()
        self.assertTrue(goal.now_date)

    def test_only_managers_of_the_company_read_baselines(self):
        baseline = self.measure()
        with self.assertRaises(AccessError):
            baseline.with_user(self.agent).read(["first_response_avg"])
        with self.assertRaises(AccessError):
            self.measure(user=self.agent)
        other = self.env["res.company"].create({"name": "Other desk"})
        outsider = new_test_user(
            self.env,
            login="hs_rollout_other_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=other.id,
            company_ids=[(6, 0, other.ids)],
        )
        Baseline = self.env["hybrid.support.rollout.baseline"].with_user(outsider)
        self.assertFalse(Baseline.search([("id", "=", baseline.id)]))
        with self.assertRaises(AccessError):
            Baseline.browse(baseline.id).read(["name"])
        Goal = self.env["hybrid.support.rollout.goal"].with_user(outsider)
        self.assertFalse(Goal.search([("baseline_id", "=", baseline.id)]))
