"""The Self-service and ROI dashboards: the shipped files are the builders,
every query they make reads as a manager, exact ROI figures on a fixture
history (checked against tools/roi.py), and nothing for agents or for a
portal user over /web/dataset/call_kw."""

import base64
import json
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.hybrid_support_dashboard.tests.common import DashboardMixin

from ..tools import dashboards, roi

FILES = Path(__file__).resolve().parent.parent / "data" / "files"
ROI_REPORT = "hybrid.support.roi.report"
SELF_SERVICE = "hybrid.support.kb.self.service.report"
EVENT = "hybrid.support.kb.event"


class RoiCase(DashboardMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hs_company_with_manager_and_agent("ROI Fixture Co", "hs_roi")
        cls.company.write(
            {
                "hs_cost_per_case": 20.0,
                "hs_cost_per_self_service": 2.0,
                "hs_draft_reply_minutes": 6.0,
            }
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "ROI desk", "company_id": cls.company.id}
        )

    def fixture_history(self):
        """Two deflections, three cases: one closed with a draft sent as is,
        one with a draft a quarter edited, one without draft."""
        Event = self.env[EVENT].sudo()
        for visitor in ("roi-1", "roi-2"):
            Event._log(
                "helpful",
                "search",
                None,
                session_hash=visitor,
                company_id=self.company.id,
            )
        cases = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"ROI case {n}",
                    "description": "x",
                    "company_id": self.company.id,
                    "team_id": self.team.id,
                }
                for n in range(3)
            ]
        )
        kpis = self.env["hybrid.support.case.kpi"].sudo()._for(cases)
        by_case = {kpi.ticket_id: kpi for kpi in kpis}
        by_case[cases[0]].write({"draft_used": True, "draft_edit_rate": 0.0})
        by_case[cases[1]].write({"draft_used": True, "draft_edit_rate": 0.25})
        self.env.flush_all()
        return cases


@tagged("post_install", "-at_install")
class TestRoiReport(RoiCase):
    def test_roi_figures_of_a_fixture_history(self):
        self.fixture_history()
        [(savings, hours, deflections, cases, drafts)] = (
            self.env[ROI_REPORT]
            .with_user(self.manager)
            ._read_group(
                [],
                [],
                [
                    "savings:sum",
                    "hours_saved:sum",
                    "deflection_count:sum",
                    "case_count:sum",
                    "draft_used_count:sum",
                ],
            )
        )
        self.assertEqual((deflections, cases, drafts), (2, 3, 2))
        self.assertAlmostEqual(savings, 36.0)
        self.assertAlmostEqual(hours, 0.175)
        # the SQL is tools/roi.py's formula, row by row
        self.assertAlmostEqual(savings, roi.self_service_savings(2, 20.0, 2.0))
        self.assertAlmostEqual(hours, roi.draft_hours_saved([0.0, 0.25], 6.0))
        by_team = dict(
            self.env[ROI_REPORT]
            .with_user(self.manager)
            ._read_group([("kind", "=", "assisted")], ["team_id"], ["hours_saved:sum"])
        )
        self.assertAlmostEqual(by_team[self.team], 0.175)

    def test_agents_read_neither_costs_nor_savings(self):
        self.fixture_history()
        company = self.company.with_user(self.agent)
        with self.assertRaises(AccessError):
            company.read(["hs_cost_per_case"])
        with self.assertRaises(AccessError):
            self.env[ROI_REPORT].with_user(self.agent).search_read([], ["savings"])
        with self.assertRaises(AccessError):
            self.env[SELF_SERVICE].with_user(self.agent).search_read([], ["kind"])
        self.assertEqual(self.company.with_user(self.manager).hs_cost_per_case, 20.0)

    def test_another_companys_savings_are_not_counted(self):
        self.fixture_history()
        main_manager = new_test_user(
            self.env,
            login="hs_roi_main_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        rows = (
            self.env[ROI_REPORT]
            .with_user(main_manager)
            .search([("company_id", "=", self.company.id)])
        )
        self.assertFalse(rows)


@tagged("post_install", "-at_install")
class TestSelfServiceRoiDashboards(RoiCase):
    def test_shipped_files_are_the_builders(self):
        self.assertShippedFilesAreBuilders(FILES, dashboards.write_files)

    def test_every_pivot_and_chart_reads_as_a_manager(self):
        self.fixture_history()
        env = self.env(user=self.manager)
        for key in dashboards.DASHBOARDS:
            document = dashboards.build(key)
            self.assertTrue(document["pivots"])
            self.read_every_query(env, document)

    def test_dashboards_are_for_managers_in_the_support_group(self):
        group = self.env.ref(
            "hybrid_support_dashboard.spreadsheet_dashboard_group_support"
        )
        boards = self.env["spreadsheet.dashboard"].search(
            [("dashboard_group_id", "=", group.id)]
        )
        self.assertLessEqual(
            {"Self-service", "Return on investment"}, set(boards.mapped("name"))
        )
        managers = self.env.ref("helpdesk_mgmt.group_helpdesk_manager")
        for board in boards:
            self.assertEqual(board.group_ids, managers)
            json.loads(base64.b64decode(board.spreadsheet_binary_data))
        self.assertFalse(
            self.env["spreadsheet.dashboard"]
            .with_user(self.agent)
            .search([("id", "in", boards.ids)])
        )


@tagged("post_install", "-at_install")
class TestRoiOverRpc(DashboardMixin, HttpCase):
    """A portal user calling the ORM over /web/dataset/call_kw gets an
    access error for the savings, the self-service rate, the help center's
    events and the company's costs, never a row."""

    def test_portal_user_gets_nothing_over_call_kw(self):
        new_test_user(self.env, login="hs_roi_portal", groups="base.group_portal")
        self.authenticate("hs_roi_portal", "hs_roi_portal")
        company = self.env.ref("base.main_company")
        calls = [
            (ROI_REPORT, "search_read", [[], ["savings", "hours_saved"]]),
            (SELF_SERVICE, "search_read", [[], ["kind"]]),
            (EVENT, "search_read", [[], ["deflection"]]),
            (ROI_REPORT, "formatted_read_group", [[], [], ["savings:sum"]]),
            ("res.company", "read", [[company.id], ["hs_cost_per_case"]]),
            (
                "spreadsheet.dashboard",
                "search_read",
                [[("name", "=", "Return on investment")], ["name"]],
            ),
        ]
        self.assertCallsAnswerNothing(calls)
