import base64
import json
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.hybrid_support_escalation.tests.test_kpi import (
    MONDAY_10AM,
    MONDAY_NOON,
    KpiCase,
)

from ..tools import dashboards
from .common import DashboardMixin

FILES = Path(__file__).resolve().parent.parent / "data" / "files"


@tagged("post_install", "-at_install")
class TestDashboards(DashboardMixin, KpiCase):
    def test_shipped_files_are_the_builders(self):
        self.assertShippedFilesAreBuilders(FILES, dashboards.write_files)

    def test_every_pivot_and_chart_reads_as_a_manager(self):
        """What the dashboards ask the server, asked here: a renamed field or
        a wrong aggregate fails this test rather than a manager's screen."""
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.close(case, MONDAY_NOON)
        env = self.env(user=self.manager)
        for key in dashboards.DASHBOARDS:
            self.read_every_query(env, dashboards.build(key))

    def test_dashboards_are_for_managers_in_their_own_group(self):
        boards = self.env["spreadsheet.dashboard"].search(
            [
                (
                    "dashboard_group_id",
                    "=",
                    self.env.ref(
                        "hybrid_support_dashboard.spreadsheet_dashboard_group_support"
                    ).id,
                )
            ]
        )
        self.assertLessEqual(
            {"Support overview", "Customers", "AI and automation"},
            set(boards.mapped("name")),
        )
        managers = self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        for board in boards:
            self.assertEqual(board.group_ids, managers)
            document = json.loads(base64.b64decode(board.spreadsheet_binary_data))
            self.assertTrue(document["pivots"])
        agent_view = self.env["spreadsheet.dashboard"].with_user(self.own_agent)
        self.assertFalse(agent_view.search([("id", "in", boards.ids)]))

    def test_digest_gives_managers_the_support_kpis(self):
        case = self.open_case()
        self.agent_reply(case, MONDAY_10AM)
        self.close(case, MONDAY_NOON)
        # only this case in the digest's period (the demo has recent history)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE helpdesk_ticket SET create_date = create_date - interval '2 years'"
            " WHERE id <> %s",
            [case.id],
        )
        self.env.cr.execute(
            "UPDATE hybrid_support_case_kpi"
            " SET closed_date = closed_date - interval '2 years' WHERE ticket_id <> %s",
            [case.id],
        )
        self.env.invalidate_all()
        digest = self.env["digest.digest"].create({"name": "Weekly"})
        period = {
            "start_datetime": MONDAY_NOON.replace(day=16),
            "end_datetime": MONDAY_NOON.replace(day=30),
        }
        as_manager = digest.with_user(self.manager).with_context(**period)
        self.assertGreaterEqual(as_manager.kpi_hs_cases_opened_value, 1)
        self.assertEqual(as_manager.kpi_hs_fcr_value, 100.0)
        self.assertAlmostEqual(as_manager.kpi_hs_first_response_value, 3.0, places=1)
        with self.assertRaises(AccessError):
            digest.with_user(self.own_agent).with_context(
                **period
            )._compute_kpi_hs_values()

    def test_a_sent_draft_and_its_edit_rate_are_kept_at_closing(self):
        case = self.open_case()
        self.env["hybrid.support.draft"].create(
            {
                "ticket_id": case.id,
                "intent_id": self.env["hybrid.support.intent"]
                .create({"name": "Printer trouble"})
                .id,
                "body": "Try turning it off and on.",
                "state": "proposed",
            }
        )
        self.agent_reply(case, MONDAY_10AM, "Try turning it off and on again.")
        self.close(case, MONDAY_NOON)
        kpi = self.kpi(case)
        self.assertTrue(kpi.draft_used)
        self.assertGreater(kpi.draft_edit_rate, 0.0)
        self.assertLess(kpi.draft_edit_rate, 0.5)

    def test_a_rise_of_times_backlogs_and_failures_is_shown_red(self):
        colours = {}
        for key in dashboards.DASHBOARDS:
            for figure in dashboards.build(key)["sheets"][0]["figures"]:
                data = figure["data"]
                if data["type"] == "scorecard":
                    colours[data["title"]["text"]] = data["baselineColorUp"]
        self.assertEqual(colours["First response (working h)"], dashboards.BAD)
        self.assertEqual(colours["Open backlog"], dashboards.BAD)
        self.assertEqual(colours["Model override %"], dashboards.BAD)
        self.assertEqual(colours["SLA met %"], dashboards.GOOD)
        self.assertEqual(colours["CSAT (1-5)"], dashboards.GOOD)
