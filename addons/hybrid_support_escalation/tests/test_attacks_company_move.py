"""A case moved to another company takes its audit rows with it: an agent
of the first company reads none of its routing decisions, escalations or
KPIs any more (the multi-company rules read the rows' company)."""

from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLogsFollowTheCasesCompany(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Moved-To Corp"})
        cls.agent_a = new_test_user(
            cls.env,
            login="hs_move_agent_a",
            groups="helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company_a.id,
            company_ids=[(6, 0, cls.company_a.ids)],
        )
        cls.case = cls.env["helpdesk.ticket"].create(
            {
                "name": "Merger 3317 due diligence",
                "description": "<p>x</p>",
                "company_id": cls.company_a.id,
            }
        )
        Log = cls.env["hybrid.support.routing.log"]
        Log.create(Log._values(cls.case, "rule", "priority", "0", "2"))
        cls.env["hybrid.support.escalation.log"].create(
            {"ticket_id": cls.case.id, "level": 1, "trigger": "test"}
        )
        cls.env["hybrid.support.case.kpi"]._for(cls.case)
        cls.models = (
            "hybrid.support.routing.log",
            "hybrid.support.escalation.log",
            "hybrid.support.case.kpi",
        )

    def rows(self, model, user=None):
        Model = self.env[model].with_user(user) if user else self.env[model]
        return Model.search([("ticket_id", "=", self.case.id)])

    def test_agent_of_the_old_company_reads_no_row_of_a_moved_case(self):
        for model in self.models:
            self.assertTrue(self.rows(model, self.agent_a), model)
        self.case.write(
            {"company_id": self.company_b.id, "team_id": False, "user_id": False}
        )
        self.env.flush_all()
        for model in self.models:
            with self.subTest(model=model):
                self.assertEqual(self.rows(model).company_id, self.company_b)
                self.assertFalse(self.rows(model, self.agent_a))
        # a routing decision after the move upserts the KPI row in B
        self.env["hybrid.support.case.kpi"]._upsert_routing(
            [(self.case.id, True, None, None, None, None)]
        )
        self.env.invalidate_all()
        kpi = self.rows("hybrid.support.case.kpi")
        self.assertEqual(kpi.company_id, self.company_b)
        self.assertTrue(kpi.auto_routed)
