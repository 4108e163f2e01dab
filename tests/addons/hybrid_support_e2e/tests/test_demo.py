from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    """The demo mailbox went through the real gateway at install."""

    def setUp(self):
        super().setUp()
        self.team = self.env.ref(
            "hybrid_support_intake.demo_team_support", raise_if_not_found=False
        )
        if not self.team:
            self.skipTest("installed without demo data")

    def test_demo_emails_are_living_cases(self):
        # the mailbox import's history (rollout's demo baseline) is not mail
        tickets = self.env["helpdesk.ticket"].search(
            [("team_id", "=", self.team.id), ("hs_origin", "!=", "import")]
        )
        # 30 emails: 5 replies thread into earlier cases, 1 bounce is handled by
        # Odoo's bounce processing, 24 become cases.
        self.assertEqual(len(tickets), 24)
        northwind = self.env.ref("hybrid_support_intake.demo_company_northwind")
        b2b = tickets.filtered(lambda t: t.commercial_partner_id == northwind)
        self.assertGreaterEqual(len(b2b), 10)
        tom = b2b.partner_id.filtered(
            lambda p: p.email == "tom.becker@northwind.example"
        )
        self.assertEqual(tom.parent_id, northwind, "unknown colleague linked by domain")
        robots = tickets.filtered("hs_automated_reason")
        self.assertEqual(len(robots), 2)
        self.assertFalse(robots.filtered("hs_ack_sent"))
        self.assertEqual(len(tickets.filtered("hs_ack_sent")), 22)
        refund = tickets.filtered(lambda t: "charged twice" in t.name)
        self.assertEqual(
            len(refund.message_ids.filtered(lambda m: m.message_type == "email")), 2
        )
        self.assertEqual(
            tickets.filtered(lambda t: "XSS" in t.name).hs_intent_id.code, "security"
        )
        self.assertTrue(
            all(
                tickets.filtered("hs_ack_sent").mapped("hs_sla_first_response_deadline")
            )
        )
