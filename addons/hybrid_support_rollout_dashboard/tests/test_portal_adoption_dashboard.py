"""The Portal adoption dashboard: the shipped files are the builders, every
query it makes reads as a manager, exact figures of a fixture wave (rates as
ratios, contacts without access or first value left out of the averages,
CSAT of the wave's accounts against the others'), another company's rows
never counted, and nothing for agents or for a portal user over
/web/dataset/call_kw."""

import base64
import json
from datetime import timedelta
from pathlib import Path

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.hybrid_support_dashboard.tests.common import DashboardMixin

from ..tools import dashboards

FILES = Path(__file__).resolve().parent.parent / "data" / "files"
REPORT = "hybrid.support.rollout.adoption.report"
GOAL = "hybrid.support.rollout.goal"
MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"


class AdoptionCase(DashboardMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hs_company_with_manager_and_agent("Adoption Fixture Co", "hs_adoption")
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Adoption desk", "company_id": cls.company.id}
        )
        Partner = cls.env["res.partner"]
        cls.account = Partner.create({"name": "Wave Account", "is_company": True})
        cls.other_account = Partner.create(
            {"name": "Email Account", "is_company": True}
        )
        cls.contacts = Partner.create(
            [
                {"name": f"Wave contact {n}", "parent_id": cls.account.id}
                for n in range(4)
            ]
        )
        cls.wave = cls.env["hybrid.support.rollout.wave"].create(
            {
                "name": "Fixture wave",
                "company_id": cls.company.id,
                "owner_id": cls.agent.id,
            }
        )

    def fixture_wave(self):
        """Four contacts: three with access (two activated, first value
        after 4 h and 10 h; 3 portal and 9 email replies; 6 searches; one
        duplicate), one never invited. Two rated cases of the wave's account
        closed after its access (5 and 3), one before (1), and one of
        another account (2)."""
        now = fields.Datetime.now()
        invited = now - timedelta(days=10)
        Member = self.env["hybrid.support.rollout.member"].sudo()
        rows = [
            (invited, invited + timedelta(hours=2), 4.0, 3, 1, 4, 1),
            (invited, invited + timedelta(days=1), 10.0, 0, 8, 2, 0),
            (invited, False, None, 0, 0, 0, 0),
            (False, False, None, 0, 0, 0, 0),
        ]
        for contact, (when, active, hours, portal, email, search, dup) in zip(
            self.contacts, rows, strict=True
        ):
            Member.create(
                {
                    "wave_id": self.wave.id,
                    "partner_id": contact.id,
                    "invite_state": "invited" if when else "pending",
                    "invited_date": when,
                    "invited_count": 1 if when else 0,
                    "activated_date": active,
                    "activated_count": 1 if active else 0,
                    "first_value_date": when + timedelta(hours=hours)
                    if hours
                    else False,
                    "first_value_kind": "portal_reply" if hours else False,
                    "hours_to_first_value": hours or 0.0,
                    "portal_reply_count": portal,
                    "email_reply_count": email,
                    "help_search_count": search,
                    "duplicate_count": dup,
                }
            )
        cases = self.env["helpdesk.ticket"].create(
            [
                {
                    "name": f"Rated case {n}",
                    "description": "x",
                    "company_id": self.company.id,
                    "team_id": self.team.id,
                    "partner_id": partner.id,
                }
                for n, partner in enumerate(
                    [self.contacts[0], self.contacts[1], self.account]
                    + [self.other_account]
                )
            ]
        )
        kpis = self.env["hybrid.support.case.kpi"].sudo()._for(cases)
        by_case = {kpi.ticket_id: kpi for kpi in kpis}
        for case, rating, closed in zip(
            cases,
            (5, 3, 1, 2),
            (now, now, invited - timedelta(days=1), now),
            strict=True,
        ):
            by_case[case].write({"rating": rating, "closed_date": closed})
        self.env.flush_all()


@tagged("post_install", "-at_install")
class TestPortalAdoptionReport(AdoptionCase):
    def aggregate(self, aggregates, domain=(), user=None):
        [row] = (
            self.env[REPORT]
            .with_user(user or self.manager)
            ._read_group(
                [("company_id", "=", self.company.id), *domain], [], aggregates
            )
        )
        return row

    def test_adoption_figures_of_a_fixture_wave(self):
        self.fixture_wave()
        contacts = [("kind", "=", "contact")]
        access, activated, rate, hours, portal, email, searches, dups = self.aggregate(
            [
                "access_count:sum",
                "activated_count:sum",
                "activation_rate:avg",
                "hours_to_first_value:avg",
                "portal_reply_count:sum",
                "email_reply_count:sum",
                "help_search_count:sum",
                "duplicate_count:sum",
            ],
            contacts,
        )
        self.assertEqual((access, activated), (3, 2))
        # the contact never invited is not in the rate, the one without a
        # first value not in the time to first value
        self.assertAlmostEqual(rate, 200 / 3)
        self.assertAlmostEqual(hours, 7.0)
        self.assertEqual((portal, email, searches, dups), (3, 9, 6, 1))
        # the wave form shows the same figures
        self.assertAlmostEqual(self.wave.activation_rate, round(200 / 3, 1))
        self.assertAlmostEqual(self.wave.portal_reply_share, 25.0)
        self.assertAlmostEqual(self.wave.searches_per_active, 3.0)

    def test_csat_of_wave_accounts_against_the_others(self):
        self.fixture_wave()
        by_segment = dict(
            self.env[REPORT]
            .with_user(self.manager)
            ._read_group(
                [("company_id", "=", self.company.id), ("kind", "=", "rating")],
                ["segment"],
                ["rating:avg"],
            )
        )
        # the account's case rated before its access counts as "other"
        self.assertEqual(by_segment, {"wave": 4.0, "other": 1.5})

    def test_ratings_of_another_company_are_not_the_waves(self):
        """A case of the wave's account in another company, rated after the
        access, is no rating of the wave (nor of its CSAT of the others)."""
        self.fixture_wave()
        main = self.env.ref("base.main_company")
        elsewhere = self.env["helpdesk.ticket"].create(
            {
                "name": "Rated in the main company",
                "description": "x",
                "company_id": main.id,
                "partner_id": self.contacts[0].id,
            }
        )
        kpi = self.env["hybrid.support.case.kpi"].sudo()._for(elsewhere)
        kpi.write({"rating": 1, "closed_date": fields.Datetime.now()})
        self.env.flush_all()
        row = self.env[REPORT].sudo().search([("id", "=", -kpi.id)])
        self.assertEqual(row.company_id, main)
        self.assertFalse(row.wave_id)
        self.assertEqual(row.segment, "other")
        # the wave's CSAT of the others: its company's ratings only
        Rating = self.env["rating.rating"].sudo()
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        ours = self.env["helpdesk.ticket"].create(
            {
                "name": "Rated here",
                "description": "x",
                "company_id": self.company.id,
                "team_id": self.team.id,
                "partner_id": self.other_account.id,
            }
        )
        for case, rating in ((ours, 5), (elsewhere, 1)):
            Rating.create(
                {
                    "res_model_id": model_id,
                    "res_id": case.id,
                    "partner_id": self.other_account.id,
                    "rating": rating,
                    "consumed": True,
                }
            )
        self.assertEqual(self.wave._csat_of_others(), 5.0)

    def test_another_companys_wave_is_not_counted(self):
        self.fixture_wave()
        main_manager = new_test_user(
            self.env, login="hs_adoption_main_manager", groups=MANAGERS
        )
        self.assertFalse(
            self.env[REPORT]
            .with_user(main_manager)
            .search([("company_id", "=", self.company.id)])
        )

    def test_agents_read_no_adoption_figure(self):
        self.fixture_wave()
        # the agent owns the wave (its form is theirs) but not the dashboard
        with self.assertRaises(AccessError):
            self.env[REPORT].with_user(self.agent).search_read([], ["activated_count"])
        with self.assertRaises(AccessError):
            self.env[GOAL].with_user(self.agent).search_read([], ["target_value"])


@tagged("post_install", "-at_install")
class TestPortalAdoptionDashboard(AdoptionCase):
    def test_shipped_files_are_the_builders(self):
        self.assertShippedFilesAreBuilders(FILES, dashboards.write_files)

    def test_every_pivot_and_chart_reads_as_a_manager(self):
        self.fixture_wave()
        env = self.env(user=self.manager)
        models = self.read_every_query(env, dashboards.build())
        self.assertEqual(models, {REPORT, GOAL})
        # every source is closed to agents: nothing the dashboard shows
        # reaches them through its queries either
        for model in models:
            self.assertFalse(self.env[model].with_user(self.agent).has_access("read"))

    def test_ratio_scorecards_divide_sums(self):
        document = dashboards.build()
        cells = document["sheets"][1]["cells"]
        labels = {cell: value for cell, value in cells.items() if cell[0] == "A"}
        row = next(c[1:] for c, v in labels.items() if v == "Replies in the portal %")
        formula = cells[f"B{row}"]
        self.assertIn('"portal_reply_count:sum"', formula)
        self.assertIn('"email_reply_count:sum"', formula)
        self.assertTrue(formula.startswith("=ROUND(IFERROR(100*"))

    def test_dashboard_is_for_managers_in_the_support_group(self):
        board = self.env.ref(
            "hybrid_support_rollout_dashboard.spreadsheet_dashboard_portal_adoption"
        )
        self.assertEqual(
            board.dashboard_group_id,
            self.env.ref(
                "hybrid_support_dashboard.spreadsheet_dashboard_group_support"
            ),
        )
        self.assertEqual(board.group_ids, self.env.ref(MANAGERS))
        json.loads(base64.b64decode(board.spreadsheet_binary_data))
        served = json.loads(
            board.with_user(self.manager)._get_serialized_readonly_dashboard()
        )
        self.assertEqual(served["snapshot"]["pivots"], dashboards.build()["pivots"])
        self.assertFalse(
            self.env["spreadsheet.dashboard"]
            .with_user(self.agent)
            .search([("id", "=", board.id)])
        )


@tagged("post_install", "-at_install")
class TestPortalAdoptionOverRpc(DashboardMixin, HttpCase):
    """A portal user calling the ORM over /web/dataset/call_kw gets an
    access error for the adoption report, the goals and the dashboard."""

    def test_portal_user_gets_nothing_over_call_kw(self):
        new_test_user(self.env, login="hs_adoption_portal", groups="base.group_portal")
        self.authenticate("hs_adoption_portal", "hs_adoption_portal")
        calls = [
            (REPORT, "search_read", [[], ["activated_count", "rating"]]),
            (REPORT, "formatted_read_group", [[], [], ["activation_rate:avg"]]),
            (GOAL, "search_read", [[], ["now_value"]]),
            (
                "spreadsheet.dashboard",
                "search_read",
                [[("name", "=", "Portal adoption")], ["name"]],
            ),
        ]
        self.assertCallsAnswerNothing(calls)
