"""The getting-started checklist on Odoo's onboarding module: a step is done
once its thing exists in the manager's company (per company), "review the
acknowledgement" once opened from the checklist; managers only."""

from odoo.exceptions import AccessError
from odoo.tests import BaseCase, HttpCase, TransactionCase, new_test_user, tagged

from ..tools import onboarding as onboarding_tools
from .common import DashboardMixin

CHECKLIST = "hybrid.support.onboarding"


@tagged("at_install")
class TestOnboardingTools(BaseCase):
    def test_progress_in_the_checklists_order(self):
        self.assertEqual(onboarding_tools.progress(set()), (0, 6, "mailbox"))
        self.assertEqual(
            onboarding_tools.progress({"mailbox", "sla_policy", "other"}),
            (2, 6, "alias_domain"),
        )
        self.assertEqual(
            onboarding_tools.progress(set(onboarding_tools.KEYS)), (6, 6, None)
        )


@tagged("post_install", "-at_install")
class TestOnboarding(DashboardMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hs_company_with_manager_and_agent("Onboarding Co", "hs_onb")

    def checklist(self, user=None, company=None):
        user = user or self.manager
        company = company or self.company
        Checklist = self.env[CHECKLIST].with_user(user).with_company(company)
        return Checklist.create({})

    def test_steps_are_done_when_their_thing_exists_in_the_company(self):
        before = self.checklist()
        self.assertFalse(before.sla_policy_done)
        self.assertFalse(before.routing_rule_done)
        self.assertFalse(before.acknowledgement_done)
        as_manager = self.env(
            user=self.manager, context={"allowed_company_ids": self.company.ids}
        )
        as_manager["hybrid.support.sla.policy"].create(
            {"name": "Standard", "calendar_id": self.company.resource_calendar_id.id}
        )
        self.env["hybrid.support.routing.rule"].create(
            {"name": "Billing to billing", "company_id": self.company.id}
        )
        after = self.checklist()
        self.assertTrue(after.sla_policy_done)
        self.assertTrue(after.routing_rule_done)
        self.assertEqual(after.done_count, before.done_count + 2)
        # the steps are Odoo's onboarding records, their state its progress
        step = self.env.ref("hybrid_support_dashboard.onboarding_step_sla_policy")
        self.assertIn(
            step.with_company(self.company).current_step_state, ("just_done", "done")
        )
        # another company's checklist is its own
        other = self.env["res.company"].create({"name": "Onboarding Co 2"})
        self.assertFalse(self.checklist(self.env.user, other).sla_policy_done)

    def test_the_acknowledgement_is_reviewed_by_opening_it(self):
        checklist = self.checklist()
        self.assertFalse(checklist.acknowledgement_done)
        action = checklist.action_open_acknowledgement()
        self.assertEqual(action["res_model"], "mail.template")
        self.assertEqual(
            action["res_id"],
            self.env.ref(
                "hybrid_support_intake.mail_template_ticket_acknowledgement"
            ).id,
        )
        self.assertTrue(self.checklist().acknowledgement_done)

    def test_every_step_opens_something(self):
        checklist = self.checklist()
        for key in onboarding_tools.KEYS:
            action = getattr(checklist, f"action_open_{key}")()
            self.assertEqual(action["type"], "ir.actions.act_window", key)

    def test_a_pilot_customer_is_a_portal_account_of_the_company(self):
        self.assertFalse(self.checklist().pilot_customer_done)
        new_test_user(
            self.env,
            login="hs_onb_pilot",
            groups="base.group_portal",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        self.assertTrue(self.checklist().pilot_customer_done)

    def test_agents_have_no_checklist(self):
        with self.assertRaises(AccessError):
            self.checklist(self.agent)


@tagged("post_install", "-at_install")
class TestOnboardingOverRpc(DashboardMixin, HttpCase):
    def test_portal_user_cannot_open_the_checklist(self):
        new_test_user(self.env, login="hs_onb_portal", groups="base.group_portal")
        self.authenticate("hs_onb_portal", "hs_onb_portal")
        for method, args in (("create", [{}]), ("action_open_mailbox", [[]])):
            body = self.call_kw(CHECKLIST, method, args)
            self.assertNotIn("result", body, method)
            self.assertIn("AccessError", body["error"]["data"]["name"], method)
