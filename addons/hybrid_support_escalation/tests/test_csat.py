import re
from datetime import timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .test_kpi import MONDAY_10AM, MONDAY_NOON, KpiCase


class CsatCase(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.write(
            {
                "hs_rating_enabled": True,
                "hs_rating_delay_hours": 2,
                "hs_rating_contact_days": 30,
            }
        )

    def closed_case(self, name="Printer broken", partner=None, **values):
        case = self.open_case(name, partner_id=(partner or self.customer).id, **values)
        self.agent_reply(case, MONDAY_10AM)
        self.close(case, MONDAY_NOON)
        return case

    def send_due(self, when):
        with freeze_time(when):
            return self.Kpi._send_rating_requests(when, 100)

    def requests(self, case):
        return self.env["rating.rating"].search(
            [("res_model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )


@tagged("post_install", "-at_install")
class TestCsatRequests(CsatCase):
    def test_the_job_asks_once_after_the_delay(self):
        case = self.closed_case()
        kpi = self.kpi(case)
        self.assertEqual(kpi.csat_state, "due")
        self.assertEqual(kpi.csat_due_date, MONDAY_NOON + timedelta(hours=2))
        self.send_due(MONDAY_NOON + timedelta(hours=1))
        self.assertEqual(kpi.csat_state, "due")  # not before the delay
        self.assertFalse(self.requests(case))
        self.send_due(MONDAY_NOON + timedelta(hours=3))
        self.assertEqual(kpi.csat_state, "sent")
        request = self.requests(case)
        self.assertEqual((request.partner_id, request.consumed), (self.customer, False))
        email = self.env["mail.mail"].search(
            [("model", "=", "helpdesk.ticket"), ("res_id", "=", case.id)]
        )
        self.assertIn(f"/rate/{request.access_token}/5", email.body_html)
        self.assertIn(self.customer, email.recipient_ids)
        # reopened and closed again: never asked twice
        case._hs_reopen()
        self.close(case, MONDAY_NOON + timedelta(hours=4))
        self.send_due(MONDAY_NOON + timedelta(hours=8))
        self.assertEqual(len(self.requests(case)), 1)

    def test_a_case_reopened_before_the_request_waits_for_its_next_closing(self):
        case = self.closed_case()
        case._hs_reopen()
        self.assertFalse(self.kpi(case).csat_state)
        self.send_due(MONDAY_NOON + timedelta(days=1))
        self.assertFalse(self.requests(case))

    def test_robots_and_automated_cases_are_never_asked(self):
        robot = self.closed_case("Out of office", hs_automated_reason="Auto-Submitted")
        self.send_due(MONDAY_NOON + timedelta(hours=3))
        kpi = self.kpi(robot)
        self.assertEqual(
            (kpi.csat_state, kpi.csat_skip_reason), ("skipped", "automated")
        )
        self.assertFalse(self.requests(robot))

    def test_a_contact_is_asked_at_most_once_per_window(self):
        first = self.closed_case("First")
        second = self.closed_case("Second")
        self.send_due(MONDAY_NOON + timedelta(hours=3))
        states = {self.kpi(c).csat_state for c in (first, second)}
        self.assertEqual(states, {"sent", "skipped"})
        skipped = first if self.kpi(first).csat_state == "skipped" else second
        self.assertEqual(self.kpi(skipped).csat_skip_reason, "rate_limited")
        # 31 days later the same contact may be asked again
        third = self.open_case("Third", when=MONDAY_NOON + timedelta(days=31))
        self.close(third, MONDAY_NOON + timedelta(days=31))
        self.send_due(MONDAY_NOON + timedelta(days=32))
        self.assertEqual(self.kpi(third).csat_state, "sent")

    def test_teams_without_ratings_and_opted_out_cases_ask_nothing(self):
        self.team.hs_rating_enabled = False
        quiet = self.closed_case("Quiet team")
        self.assertFalse(self.kpi(quiet).csat_state)
        self.team.hs_rating_enabled = True
        opted_out = self.closed_case("No rating please", rating_status="no_rate")
        self.send_due(MONDAY_NOON + timedelta(hours=3))
        self.assertEqual(self.kpi(opted_out).csat_skip_reason, "opted_out")
        self.assertFalse(self.requests(quiet) | self.requests(opted_out))

    def test_a_stage_rating_template_sends_nothing_by_itself(self):
        # helpdesk_mgmt_rating would send at once on entering such a stage
        self.closed_stage.rating_mail_template_id = self.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template"
        )
        case = self.closed_case()
        self.assertFalse(self.requests(case))
        self.assertEqual(self.kpi(case).csat_state, "due")

    def test_a_very_unhappy_rating_escalates_the_closed_case(self):
        self.env["hybrid.support.escalation.rule"].search([]).active = False
        rule = self.env["hybrid.support.escalation.rule"].create(
            {
                "name": "Unhappy customer",
                "level": 1,
                "trigger": "rating",
                "rating_at_most": 1,
                "activity_user_id": self.manager.id,
            }
        )
        unhappy, happy = self.closed_case("Unhappy"), self.closed_case("Happy")
        for case, value in ((unhappy, 1), (happy, 5)):
            case.rating_apply(value, token=case._rating_get_access_token())
        rule._escalate()
        self.assertEqual(unhappy.hs_escalation_level, 1)
        self.assertEqual(unhappy.activity_ids.user_id, self.manager)
        self.assertFalse(happy.hs_escalation_level)
        self.assertTrue(self.kpi(unhappy).escalated)
        # the rating also feeds the account's health
        totals = self.env["res.partner"]._hs_csat(
            self.customer_company, MONDAY_NOON - timedelta(days=1)
        )
        self.assertEqual(totals[self.customer_company], (6.0, 2))


@tagged("post_install", "-at_install")
class TestCsatPages(HttpCase, CsatCase):
    def csrf(self, response):
        return re.search(r'name="csrf_token" value="([^"]+)"', response.text).group(1)

    def test_one_click_then_effort_without_login(self):
        case = self.closed_case()
        self.send_due(MONDAY_NOON + timedelta(hours=3))
        token = self.requests(case).access_token
        page = self.url_open(f"/rate/{token}/1")  # the unhappy smiley
        self.assertEqual(page.status_code, 200)
        thanks = self.url_open(
            f"/rate/{token}/submit_feedback",
            data={"rate": 1, "feedback": "Too slow", "csrf_token": self.csrf(page)},
        )
        rating = self.requests(case)
        self.assertEqual((rating.rating, rating.consumed), (1, True))
        self.assertIn("o_hs_effort_form", thanks.text)
        self.assertIn("how easy was it", thanks.text)
        done = self.url_open(
            f"/rate/{token}/effort",
            data={"effort": 6, "csrf_token": self.csrf(thanks)},
        )
        self.assertEqual(done.status_code, 200)
        self.assertIn("o_hs_effort_done", done.text)
        self.assertEqual(rating.hs_effort_score, 6)
        self.assertEqual((self.kpi(case).rating, self.kpi(case).effort), (1, 6))

    def test_effort_needs_a_given_rating_and_a_valid_score(self):
        case = self.closed_case()
        self.send_due(MONDAY_NOON + timedelta(hours=3))
        token = self.requests(case).access_token
        page = self.url_open(f"/rate/{token}/5")
        csrf = self.csrf(page)
        with mute_logger("odoo.http"):
            # not rated yet: the effort question does not exist
            before = self.url_open(
                f"/rate/{token}/effort", data={"effort": 6, "csrf_token": csrf}
            )
            self.assertEqual(before.status_code, 404)
            forged = self.url_open(
                "/rate/not-a-token/effort", data={"effort": 6, "csrf_token": csrf}
            )
            self.assertEqual(forged.status_code, 404)
            case.rating_apply(5, token=token)
            wrong = self.url_open(
                f"/rate/{token}/effort", data={"effort": 9, "csrf_token": csrf}
            )
            self.assertEqual(wrong.status_code, 400)
        self.assertFalse(self.requests(case).hs_effort_score)
