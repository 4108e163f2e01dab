from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.hybrid_support_escalation.tools.kpi import time_left

from .test_kpi import FRIDAY_3PM, KpiCase


@tagged("post_install", "-at_install")
class TestWorkspace(KpiCase):
    def test_time_left_reads_like_a_clock(self):
        now = datetime(2026, 11, 23, 9, 0)
        self.assertEqual(time_left(now + timedelta(hours=3, minutes=5), now), "3h 05m")
        self.assertEqual(time_left(now + timedelta(days=2, hours=4), now), "2d 4h")
        self.assertEqual(time_left(now - timedelta(minutes=45), now), "-45m")
        self.assertEqual(time_left(False, now), "")

    def test_team_dashboard_counts_cases_at_risk_and_breached(self):
        at_risk = self.open_case("At risk")
        breached = self.open_case("Breached")
        self.open_case("Fine")
        # Monday 11:30 Brussels: 4.5 h after Friday 15:00, past the 4 h target
        monday = datetime(2026, 11, 23, 10, 30)
        with freeze_time(monday):
            self.Ticket._hs_sla_transitions(monday, 5000)
        self.assertEqual(breached.hs_sla_status, "breached")
        at_risk.hs_sla_ids.filtered(lambda x: x.target == "first_response").write(
            {"status": "at_risk"}
        )
        team = self.team.with_user(self.agent)
        team.invalidate_recordset()
        self.assertEqual(team.hs_sla_breached_count, 2)
        self.assertEqual(team.hs_sla_at_risk_count, 1)
        self.assertEqual(breached.with_user(self.agent).hs_sla_time_left[0], "-")

    def test_accounts_at_risk_worst_first_for_agents(self):
        calm = self.env["res.partner"].create({"name": "Calm", "is_company": True})
        stormy = self.env["res.partner"].create({"name": "Stormy", "is_company": True})
        now = datetime.now()
        calm.write({"hs_health_score": 90, "hs_health_date": now})
        stormy.write(
            {
                "hs_health_score": 35,
                "hs_health_date": now,
                "hs_health_explanation": "-25: 4 of 4 recent cases breached",
            }
        )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_escalation.res_partner_action_accounts_at_risk"
        )
        found = (
            self.env["res.partner"]
            .with_user(self.agent)
            .search(safe_eval(action["domain"]))
        )
        self.assertIn(stormy, found)
        self.assertNotIn(calm, found)
        views = (
            self.env["res.partner"]
            .with_user(self.agent)
            .get_views([(False, "list"), (False, "kanban")])
        )
        self.assertTrue(views["views"])

    def test_views_render_for_an_own_cases_agent(self):
        case = self.open_case(when=FRIDAY_3PM, user_id=self.own_agent.id)
        Ticket = self.env["helpdesk.ticket"].with_user(self.own_agent)
        arch = Ticket.get_views([(False, "form"), (False, "kanban"), (False, "list")])
        self.assertIn("o_hs_case_band", arch["views"]["form"]["arch"])
        self.assertIn("o_hs_badges", arch["views"]["kanban"]["arch"])
        values = Ticket.browse(case.id).read(["hs_sla_status", "hs_sla_time_left"])
        self.assertTrue(values[0]["hs_sla_status"])
