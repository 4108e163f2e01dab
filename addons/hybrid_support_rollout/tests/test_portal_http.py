"""What a customer of a wave can do over HTTP: read nothing of the rollout
over RPC; viewing a case signed in records their first value."""

from odoo.tests import HttpCase, tagged
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
        cls.env["hybrid.support.rollout.member"]._hs_invite_batch()
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
