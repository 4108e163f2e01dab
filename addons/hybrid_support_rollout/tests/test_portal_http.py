"""What a customer of a wave can do over HTTP: read nothing of the rollout
over RPC; viewing a case signed in records their first value. What a
helpdesk manager can do over RPC to another company: not switch it to email
only."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import RolloutMixin

ROLLOUT_MODELS = [
    ("hybrid.support.rollout.wave", "search_read"),
    ("hybrid.support.rollout.member", "search_read"),
    ("hybrid.support.rollout.nudge.step", "search_read"),
    ("hybrid.support.rollout.nudge", "search_read"),
    ("hybrid.support.rollout.log", "search_read"),
]


@tagged("post_install", "-at_install")
class TestRolloutOverHttp(RolloutMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.wave.action_start_pilot()
        cls.env["hybrid.support.rollout.member"]._invite_batch()
        cls.case = cls.env["helpdesk.ticket"].create(
            {
                "name": "Where is my order?",
                "description": "<p>Order 42 has not arrived.</p>",
                "partner_id": cls.portal_contact.id,
            }
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    @mute_logger("odoo.http")
    def test_portal_user_reads_nothing_of_the_rollout_over_rpc(self):
        self.authenticate("hs_rollout_paul", "hs_rollout_paul")
        for model, method in ROLLOUT_MODELS:
            with self.assertRaises(JsonRpcException, msg=model):
                self.call_kw(model, method, [[]], {"fields": ["id"]})
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "hybrid.support.rollout.wave", "read", [[self.wave.id], ["name"]]
            )
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "hybrid.support.rollout.wave", "action_undo_rollback", [[self.wave.id]]
            )
        # nor their own opt-out or the company switch
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "res.partner",
                "read",
                [[self.portal_contact.id], ["hs_rollout_opt_out"]],
            )
        with self.assertRaises(JsonRpcException):
            self.call_kw(
                "hybrid.support.rollout.rollback.wizard",
                "create",
                [{"scope": "company", "reason": "x"}],
            )
        self.assertFalse(self.env.company.hs_email_only)

    def test_viewing_a_case_signed_in_is_a_first_value(self):
        member = self.member(self.portal_contact)
        self.assertFalse(member.first_value_date)
        self.authenticate("hs_rollout_paul", "hs_rollout_paul")
        page = self.url_open(f"/my/ticket/{self.case.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Where is my order?", page.text)
        member.invalidate_recordset()
        self.assertEqual(member.first_value_kind, "viewed_case")
        self.assertTrue(member.first_value_date)


@tagged("post_install", "-at_install")
class TestCompanySwitchOfAnotherCompany(HttpCase):
    """The company-wide "email only" switch, by helpdesk managers of one
    company or of two with one selected: the wizard's company comes from the
    client, so a manager names another company over RPC."""

    WIZARD = "hybrid.support.rollout.rollback.wizard"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "Switch Co B"})
        manager = "base.group_user,helpdesk_mgmt.group_helpdesk_manager"
        cls.manager_a = new_test_user(
            cls.env,
            login="hs_switch_manager_a",
            groups=manager,
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.manager_ab = new_test_user(
            cls.env,
            login="hs_switch_manager_ab",
            groups=manager,
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id, cls.company_b.id],
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def switch_over_rpc(self, company, allowed):
        context = {"allowed_company_ids": allowed.ids}
        wizard_id = self.call_kw(
            self.WIZARD,
            "create",
            [{"scope": "company", "company_id": company.id, "reason": "Outage"}],
            {"context": context},
        )
        return self.call_kw(
            self.WIZARD, "action_confirm", [[wizard_id]], {"context": context}
        )

    def email_only(self, company):
        company.invalidate_recordset(["hs_email_only"])
        return company.hs_email_only

    @mute_logger("odoo.http")
    def test_manager_of_one_company_cannot_switch_another_over_rpc(self):
        self.authenticate("hs_switch_manager_a", "hs_switch_manager_a")
        with self.assertRaises(JsonRpcException):
            self.switch_over_rpc(self.company_b, self.company_a)
        self.assertFalse(self.email_only(self.company_b))
        # the undo is checked the same way
        self.company_b.hs_email_only = True
        with self.assertRaises(AccessError):
            self.env[self.WIZARD].with_user(self.manager_a)._undo_company(
                self.company_b
            )
        self.assertTrue(self.email_only(self.company_b))
        # their own company they switch
        self.switch_over_rpc(self.company_a, self.company_a)
        self.assertTrue(self.email_only(self.company_a))
        log = self.env["hybrid.support.rollout.log"].search(
            [("company_id", "=", self.company_b.id)]
        )
        self.assertFalse(log, "nothing logged for the other company")

    @mute_logger("odoo.http")
    def test_manager_of_two_companies_switches_only_the_selected_ones(self):
        self.authenticate("hs_switch_manager_ab", "hs_switch_manager_ab")
        with self.assertRaises(JsonRpcException):
            self.switch_over_rpc(self.company_b, self.company_a)
        self.assertFalse(self.email_only(self.company_b))
        wizard = (
            self.env[self.WIZARD]
            .with_user(self.manager_ab)
            .with_context(allowed_company_ids=self.company_a.ids)
            .create(
                {"scope": "company", "company_id": self.company_b.id, "reason": "x"}
            )
        )
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertFalse(self.email_only(self.company_b))
        # both selected: company B is theirs too
        self.switch_over_rpc(self.company_b, self.company_a | self.company_b)
        self.assertTrue(self.email_only(self.company_b))
        self.assertFalse(self.email_only(self.company_a))
