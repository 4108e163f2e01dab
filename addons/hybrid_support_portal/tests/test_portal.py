from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import (
    SupportTeamMixin,
    make_email,
)


@tagged("post_install", "-at_install")
class TestPortal(SupportTeamMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        cls.calendar = cls.env.ref("resource.resource_calendar_std")
        cls.env["hybrid.support.sla.policy"].create(
            {"name": "8h", "calendar_id": cls.calendar.id, "first_response_hours": 8}
        )
        cls.customer = new_test_user(
            cls.env,
            login="hs_hank",
            groups="base.group_portal",
            name="Hank Scorpio",
            email="hank@globex.example",
        )
        raw = make_email("hank@globex.example", "Printer is on fire", "It burns.")
        ticket_id = cls.env["mail.thread"].message_process(False, bytes(raw))
        cls.ticket = cls.env["helpdesk.ticket"].browse(ticket_id)
        cls.env["helpdesk.ticket"]._hs_send_pending_acknowledgements()
        cls.ticket.user_id = cls.agent

    def test_customer_replies_from_portal_into_same_thread(self):
        self.assertEqual(self.ticket.partner_id, self.customer.partner_id)
        self.assertIn(self.agent.partner_id, self.ticket.message_partner_ids)
        self.start_tour("/my/tickets", "hybrid_support_portal_reply", login="hs_hank")
        reply = self.ticket.message_ids.filtered(
            lambda m: "It is still burning" in (m.body or "")
        )
        self.assertEqual(len(reply), 1)
        self.assertEqual(reply.author_id, self.customer.partner_id)
        self.assertFalse(reply.subtype_id.internal)
        notified = self.env["mail.mail"].search([("mail_message_id", "=", reply.id)])
        self.assertIn(self.agent.partner_id, notified.recipient_ids)

    def test_acknowledgement_link_opens_case_without_login(self):
        ack = self.ticket.message_ids.filtered(
            lambda m: m.message_type == "auto_comment"
        )
        link = f"/my/ticket/{self.ticket.id}?access_token={self.ticket.access_token}"
        self.assertIn(link, ack.body)
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Printer is on fire", page.text)
        self.assertIn("First answer due", page.text)
        wrong = self.url_open(f"/my/ticket/{self.ticket.id}?access_token=forged")
        self.assertNotIn("Printer is on fire", wrong.text)

    def test_other_company_customer_cannot_see_the_case(self):
        new_test_user(self.env, login="hs_stranger", groups="base.group_portal")
        self.authenticate("hs_stranger", "hs_stranger")
        page = self.url_open(f"/my/ticket/{self.ticket.id}")
        self.assertNotIn("Printer is on fire", page.text)
