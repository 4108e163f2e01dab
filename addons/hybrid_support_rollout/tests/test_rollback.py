"""Back to email only: a rolled-back customer's emails still make cases and
acknowledgements, through the real gateway, without portal links; the
rollback is logged and undone; the company-wide switch does the same for
everyone."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import (
    SupportTeamMixin,
    make_email,
)
from odoo.addons.mail.tests.common import MockEmail

from .common import RolloutMixin

PORTAL_LINK = "/my/ticket/"


@tagged("post_install", "-at_install")
class TestRollback(RolloutMixin, SupportTeamMixin, MockEmail, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        cls._setup_rollout()
        cls.gateway = new_test_user(
            cls.env,
            login="hs_rollout_gateway",
            groups="base.group_user,hybrid_support_intake.group_mail_gateway",
        )
        cls.wave.action_start_pilot()
        cls.env["hybrid.support.rollout.member"]._invite_batch()
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Out Sider", "email": "out@elsewhere.example"}
        )
        cls.Ticket = cls.env["helpdesk.ticket"]

    def email_case(self, sender, subject):
        message = make_email(sender, subject)
        # the mail gateway's own user, as fetchmail or odoo-mailgate run it
        case_id = (
            self.env["mail.thread"]
            .with_user(self.gateway)
            .message_process(False, bytes(message))
        )
        self.Ticket._hs_send_pending_acknowledgements()
        case = self.Ticket.browse(case_id)
        self.assertTrue(case.exists(), "the email made a case")
        return case

    def ack_body(self, case):
        acks = case.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(acks), 1, "the case was acknowledged")
        return str(acks.body)

    def roll_back(self, revoke=False):
        wizard = (
            self.env["hybrid.support.rollout.rollback.wizard"]
            .with_user(self.manager)
            .create(
                {
                    "scope": "wave",
                    "wave_id": self.wave.id,
                    "reason": "Customers confused by the new login",
                    "revoke_access": revoke,
                }
            )
        )
        wizard.action_confirm()

    def test_acknowledgement_has_the_portal_link_before_the_rollback(self):
        body = self.ack_body(self.email_case(self.newcomer.email, "Printer jammed"))
        self.assertIn(PORTAL_LINK, body)

    def test_rolled_back_customer_gets_cases_and_acknowledgements_without_links(self):
        self.roll_back()
        self.assertEqual(self.wave.state, "rolled_back")
        case = self.email_case(self.newcomer.email, "Printer jammed again")
        self.assertEqual(case.partner_id, self.newcomer)
        body = self.ack_body(case)
        self.assertNotIn(PORTAL_LINK, body)
        self.assertNotIn("View your case", body)
        self.assertIn(case.number, body, "the acknowledgement itself is intact")
        # a customer of no wave keeps the link
        other = self.email_case(self.outsider.email, "Question")
        self.assertIn(PORTAL_LINK, self.ack_body(other))
        # logged with its reason
        log = self.wave.log_ids
        self.assertEqual(log.action, "rollback")
        self.assertEqual(log.reason, "Customers confused by the new login")
        self.assertEqual(log.user_id, self.manager)
        # undone: links again, logged
        self.wave.with_user(self.manager).action_undo_rollback()
        self.assertEqual(self.wave.state, "pilot")
        self.assertEqual(self.wave.log_ids.sorted("id")[-1].action, "undo")
        case = self.email_case(self.newcomer.email, "Printer fixed?")
        self.assertIn(PORTAL_LINK, self.ack_body(case))

    def notification_body(self, case):
        """The email the customer receives for an agent's reply."""
        with self.mock_mail_gateway():
            case.with_user(self.agent).message_post(
                body="We replaced the toner.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                partner_ids=case.partner_id.ids,
            )
        mails = self._new_mails.filtered(lambda m: case.partner_id in m.recipient_ids)
        self.assertEqual(len(mails), 1)
        return str(mails.body_html)

    def test_notifications_carry_no_portal_button_after_the_rollback(self):
        case = self.email_case(self.portal_contact.email, "Toner")
        case.user_id = self.agent
        self.assertIn("/mail/view", self.notification_body(case))
        self.roll_back()
        self.assertNotIn("/mail/view", self.notification_body(case))

    def test_revoked_access_is_restored_by_the_undo(self):
        self.roll_back(revoke=True)
        self.assertFalse(self.portal_user.active)
        newcomer_user = self.newcomer.with_context(active_test=False).user_ids
        self.assertFalse(newcomer_user.active)
        self.assertEqual(
            self.wave.log_ids.revoked_user_ids, self.portal_user | newcomer_user
        )
        # email keeps working for them
        case = self.email_case(self.portal_contact.email, "Still by email")
        self.assertNotIn(PORTAL_LINK, self.ack_body(case))
        self.wave.with_user(self.manager).action_undo_rollback()
        self.assertTrue(self.portal_user.active)
        self.assertTrue(self.portal_user._is_portal())
        self.assertTrue(newcomer_user.active)

    def test_company_switch_drops_links_for_everyone_and_is_undone(self):
        # the settings page is the administrator's
        admin = new_test_user(
            self.env,
            login="hs_rollout_admin",
            groups="base.group_system,helpdesk_mgmt.group_helpdesk_manager",
        )
        wizard = (
            self.env["hybrid.support.rollout.rollback.wizard"]
            .with_user(admin)
            .create({"scope": "company", "reason": "Portal outage"})
        )
        wizard.action_confirm()
        self.assertTrue(self.env.company.hs_email_only)
        case = self.email_case(self.outsider.email, "During the outage")
        self.assertNotIn(PORTAL_LINK, self.ack_body(case))
        settings = self.env["res.config.settings"].with_user(admin).create({})
        settings.action_hs_undo_email_only()
        self.assertFalse(self.env.company.hs_email_only)
        logs = self.env["hybrid.support.rollout.log"].search(
            [("wave_id", "=", False)], order="id"
        )
        self.assertEqual(logs.mapped("action")[-2:], ["rollback", "undo"])

    def test_only_managers_roll_the_company_back(self):
        wizard = (
            self.env["hybrid.support.rollout.rollback.wizard"]
            .with_user(self.agent)
            .create({"scope": "company", "reason": "I do not like it"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        self.assertFalse(self.env.company.hs_email_only)

    def test_another_agent_cannot_roll_back_a_wave(self):
        with self.assertRaises(AccessError):
            self.wave.with_user(self.agent)._rollback("not mine")
        self.assertEqual(self.wave.state, "pilot")

    def test_a_reason_is_required(self):
        wizard = (
            self.env["hybrid.support.rollout.rollback.wizard"]
            .with_user(self.manager)
            .create({"scope": "wave", "wave_id": self.wave.id, "reason": "  "})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()

    def test_owner_rolls_their_wave_back_and_undoes_it(self):
        owner = new_test_user(
            self.env,
            login="hs_rollout_wave_owner",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        self.wave.owner_id = owner

        def wizard(revoke):
            return (
                self.env["hybrid.support.rollout.rollback.wizard"]
                .with_user(owner)
                .create(
                    {
                        "scope": "wave",
                        "wave_id": self.wave.id,
                        "reason": "Owner's call",
                        "revoke_access": revoke,
                    }
                )
            )

        # revoking portal access is a manager's decision
        with self.assertRaises(AccessError):
            wizard(True).action_confirm()
        self.assertEqual(self.wave.state, "pilot")
        self.assertTrue(self.portal_user.active)
        wizard(False).action_confirm()
        self.assertEqual(self.wave.state, "rolled_back")
        self.assertTrue(self.portal_user.active)
        self.assertEqual(self.wave.with_user(owner).log_ids.user_id, owner)
        self.wave.with_user(owner).action_undo_rollback()
        self.assertEqual(self.wave.state, "pilot")
        self.assertTrue(self.portal_user.active)

    def test_agent_snippet_points_to_the_portal_unless_rolled_back(self):
        template = self.env.ref(
            "hybrid_support_rollout.mail_template_rollout_agent_snippet"
        )
        case = self.email_case(self.newcomer.email, "Label printer")
        body = template.with_user(self.agent)._render_field("body_html", case.ids)
        self.assertIn(PORTAL_LINK, str(body[case.id]))
        self.roll_back()
        case.invalidate_recordset()
        body = template.with_user(self.agent)._render_field("body_html", case.ids)
        self.assertNotIn(PORTAL_LINK, str(body[case.id]))
        self.assertIn("Replying to our emails", str(body[case.id]))
