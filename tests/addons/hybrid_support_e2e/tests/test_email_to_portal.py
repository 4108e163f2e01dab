from odoo.tests import HttpCase, tagged

from odoo.addons.hybrid_support_intake.tests.common import (
    ALIAS,
    ALIAS_DOMAIN,
    make_email,
)


@tagged("post_install", "-at_install")
class TestEmailToPortal(HttpCase):
    """An email goes in; triage, SLA, acknowledgement, KB and portal agree."""

    def test_scenario(self):
        domain = self.env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
        team = self.env["helpdesk.ticket.team"].create(
            {"name": "E2E", "alias_name": ALIAS, "alias_domain_id": domain.id}
        )
        policy = self.env["hybrid.support.sla.policy"].create(
            {
                "name": "E2E 4h",
                "calendar_id": self.env.ref("resource.resource_calendar_std").id,
                "first_response_hours": 4,
                "team_ids": [(4, team.id)],
                "sequence": 1,
            }
        )
        self.env["hybrid.support.kb.article"].create(
            {
                "name": "Unlock a locked account",
                "keywords": "locked password login",
                "state": "published",
            }
        )
        raw = make_email(
            "Zoe <zoe@initech.example>",
            "Account locked",
            "My account is locked after a wrong password, I cannot log in.\n\n"
            "On Mon, 2 Nov 2026, Support wrote:\n> previous message",
        )
        ticket = self.env["helpdesk.ticket"].browse(
            self.env["mail.thread"].message_process(False, bytes(raw))
        )
        self.assertEqual(ticket.team_id, team)
        self.assertEqual(ticket.hs_intent_id.code, "access")
        self.assertEqual(ticket.hs_sla_policy_id, policy)
        self.assertNotIn("previous message", ticket.hs_clean_body)
        # The acknowledgement is queued; the triggered job sends it.
        self.assertTrue(ticket.hs_ack_pending)
        self.env["helpdesk.ticket"]._hs_send_pending_acknowledgements()
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(ack), 1)
        self.assertIn("first answer by", ack.body)
        # The customer follows the link of the acknowledgement, without an account.
        page = self.url_open(
            f"/my/ticket/{ticket.id}?access_token={ticket.access_token}"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("Unlock a locked account", page.text)
        self.assertIn("Status history", page.text)
        # A reply by email threads into the same case.
        reply = make_email(
            "zoe@initech.example",
            f"Re: [{ticket.number}] Account locked",
            "Still locked.",
            headers={"In-Reply-To": ack.message_id},
        )
        self.assertEqual(
            self.env["mail.thread"].message_process(False, bytes(reply)), ticket.id
        )
