"""Attacks on service levels, escalations and customer health (issue 12,
items 5 and 6), each performed as the attacker: an agent limited to their
own cases, a customer over JSON-RPC."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .test_sla import brussels_office

SLA = "hybrid.support.ticket.sla"
LOG = "hybrid.support.escalation.log"
# what these addons add to helpdesk.ticket and res.partner for agents only
TICKET_INTERNALS = [
    "hs_sla_ids",
    "hs_sla_policy_id",
    "hs_sla_deadline",
    "hs_sla_at_risk_date",
    "hs_sla_first_response_date",
    "hs_sla_status",
    "hs_sla_reached_date",
    "hs_sla_paused",
    "hs_sla_start_date",
    "hs_last_activity_date",
    "hs_customer_health",
    "hs_escalation_level",
    "hs_escalation_log_ids",
]
PARTNER_INTERNALS = [
    "hs_health_score",
    "hs_health_previous",
    "hs_health_trend",
    "hs_health_explanation",
    "hs_health_date",
]


@tagged("post_install", "-at_install")
class TestAttacksEscalation(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["hybrid.support.sla.policy"].create(
            {"name": "4h", "calendar_id": brussels_office(cls.env).id}
        )
        Team = cls.env["helpdesk.ticket.team"]
        cls.own_agent = new_test_user(
            cls.env, login="hs_esc_own", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        cls.team_agent = new_test_user(
            cls.env,
            login="hs_esc_team",
            groups="helpdesk_mgmt.group_helpdesk_user_team",
        )
        cls.agent = new_test_user(
            cls.env, login="hs_esc_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.my_team = Team.create(
            {
                "name": "Mine",
                "user_ids": [(4, cls.own_agent.id), (4, cls.team_agent.id)],
            }
        )
        cls.other_team = Team.create({"name": "Others"})
        cls.customer = new_test_user(
            cls.env, login="hs_esc_customer", groups="base.group_portal"
        )
        Ticket = cls.env["helpdesk.ticket"]
        cls.mine = Ticket.create(
            {
                "name": "Mine: printer",
                "description": "<p>x</p>",
                "team_id": cls.my_team.id,
                "user_id": cls.own_agent.id,
                "partner_id": cls.customer.partner_id.id,
            }
        )
        cls.theirs = Ticket.create(
            {
                "name": "Secret merger of ACME",
                "description": "<p>x</p>",
                "team_id": cls.other_team.id,
                "user_id": cls.agent.id,
            }
        )
        cls.env[LOG].create(
            [
                {"ticket_id": t.id, "company_id": t.company_id.id, "level": 1}
                for t in cls.mine | cls.theirs
            ]
        )
        cls.customer.partner_id.write(
            {"hs_health_score": 35, "hs_health_explanation": "3 breached cases"}
        )

    # -- item 5: lines and logs follow the case ------------------------------

    def test_own_cases_agent_reads_no_line_or_log_of_others_cases(self):
        self.assertTrue(self.theirs.hs_sla_ids and self.theirs.hs_escalation_log_ids)
        for model, others in (
            (SLA, self.theirs.hs_sla_ids),
            (LOG, self.theirs.hs_escalation_log_ids),
        ):
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.own_agent)
                found = Model.search([])
                self.assertFalse(found & others)
                self.assertEqual(Model.search_count([("id", "in", others.ids)]), 0)
                self.assertTrue(found, "the lines of their own case stay visible")
                with self.assertRaises(AccessError):
                    others.with_user(self.own_agent).read(["ticket_id"])
        ticket = self.mine.with_user(self.own_agent)
        self.assertEqual(ticket.hs_sla_ids, self.mine.hs_sla_ids)
        self.assertEqual(ticket.hs_escalation_log_ids, self.mine.hs_escalation_log_ids)

    def test_team_agent_reads_lines_of_team_cases_only(self):
        Model = self.env[SLA].with_user(self.team_agent)
        seen = Model.search([]).ticket_id
        self.assertEqual(seen & (self.mine | self.theirs), self.mine)
        with self.assertRaises(AccessError):
            self.theirs.hs_sla_ids.with_user(self.team_agent).read(["ticket_id"])

    def test_agent_reads_every_line_and_log(self):
        for model in (SLA, LOG):
            with self.subTest(model=model):
                found = self.env[model].with_user(self.agent).search([])
                self.assertEqual(
                    found.ticket_id & (self.mine | self.theirs), self.mine | self.theirs
                )

    def test_own_cases_agent_changing_team_keeps_the_lines_intact(self):
        # the case leaves the agent's sight: its targets must not be duplicated
        before = len(self.mine.hs_sla_ids)
        self.mine.with_user(self.own_agent).write(
            {"team_id": self.other_team.id, "user_id": False}
        )
        self.assertEqual(len(self.mine.hs_sla_ids), before)

    # -- item 6: analytics fields over RPC -----------------------------------

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_customer_reads_no_health_of_its_own_partner(self):
        self.authenticate("hs_esc_customer", "hs_esc_customer")
        partner = self.customer.partner_id.id
        for field in PARTNER_INTERNALS:
            with self.subTest(field=field):
                with self.assertRaises(JsonRpcException) as caught:
                    self.call_kw("res.partner", "read", [[partner], [field]])
                self.assertIn("AccessError", str(caught.exception))
        listed = self.call_kw("res.partner", "fields_get", [], {"attributes": ["type"]})
        self.assertFalse(set(PARTNER_INTERNALS) & set(listed))

    def test_customer_reads_no_sla_internals_of_its_own_case(self):
        self.authenticate("hs_esc_customer", "hs_esc_customer")
        case = self.mine.id
        own = self.call_kw("helpdesk.ticket", "read", [[case], ["name"]])
        self.assertEqual(own[0]["name"], "Mine: printer")
        for field in TICKET_INTERNALS:
            with self.subTest(field=field):
                with self.assertRaises(JsonRpcException) as caught:
                    self.call_kw("helpdesk.ticket", "read", [[case], [field]])
                self.assertIn("AccessError", str(caught.exception))
        listed = self.call_kw(
            "helpdesk.ticket", "fields_get", [], {"attributes": ["type"]}
        )
        self.assertFalse(set(TICKET_INTERNALS) & set(listed))
        # what the acknowledgement promised stays readable
        promise = self.call_kw(
            "helpdesk.ticket", "read", [[case], ["hs_sla_first_response_deadline"]]
        )
        self.assertTrue(promise[0]["hs_sla_first_response_deadline"])

    def test_customer_cannot_search_its_cases_by_sla_status(self):
        self.authenticate("hs_esc_customer", "hs_esc_customer")
        with self.assertRaises(JsonRpcException):
            self.call_kw("res.partner", "search", [[("hs_health_score", "<", 50)]])
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "helpdesk.ticket", "search", [[("hs_sla_status", "=", "ongoing")]]
            )
