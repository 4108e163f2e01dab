from odoo.http import Request
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestSecurity(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_done.close_from_portal = True
        cls.alice = new_test_user(cls.env, login="hs_alice", groups="base.group_portal")
        cls.bob = new_test_user(cls.env, login="hs_bob", groups="base.group_portal")
        cls.bob_ticket = cls.env["helpdesk.ticket"].create(
            {
                "name": "Bob's case",
                "description": "x",
                "partner_id": cls.bob.partner_id.id,
            }
        )

    def test_public_users_cannot_write_stages(self):
        access = self.env.ref("helpdesk_mgmt.access_helpdesk_ticket_stage_public")
        self.assertFalse(access.perm_write)

    def test_portal_user_cannot_close_someone_elses_ticket(self):
        self.authenticate("hs_alice", "hs_alice")
        self.url_open(
            "/ticket/close",
            data={
                "ticket_id": self.bob_ticket.id,
                "stage_id": self.stage_done.id,
                "csrf_token": Request.csrf_token(self),
            },
        )
        self.assertNotEqual(self.bob_ticket.stage_id, self.stage_done)

    def test_close_over_get_is_refused(self):
        self.authenticate("hs_bob", "hs_bob")
        response = self.url_open(
            f"/ticket/close?ticket_id={self.bob_ticket.id}&stage_id={self.stage_done.id}"
        )
        self.assertEqual(response.status_code, 405)
        self.assertNotEqual(self.bob_ticket.stage_id, self.stage_done)

    def test_owner_can_close_own_ticket(self):
        self.authenticate("hs_bob", "hs_bob")
        response = self.url_open(
            "/ticket/close",
            data={
                "ticket_id": self.bob_ticket.id,
                "stage_id": self.stage_done.id,
                "csrf_token": Request.csrf_token(self),
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.bob_ticket.stage_id, self.stage_done)
