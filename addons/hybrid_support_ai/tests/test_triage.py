from odoo.tests import tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestTriage(IntakeCase):
    def test_gateway_fills_triage_fields_before_acknowledgement(self):
        ticket = self.email_case(
            "hank@globex.example",
            "URGENT: API down",
            "The API is down for all our users, this is unacceptable.",
        )
        self.assertEqual(ticket.hs_intent_id.code, "outage")
        self.assertGreater(ticket.hs_intent_confidence, 0)
        self.assertEqual(ticket.hs_urgency, "critical")
        self.assertLess(ticket.hs_sentiment, 0)
        self.assertTrue(ticket.hs_ack_sent)
        # the model's decision is in the routing log with its confidence
        log = ticket.hs_routing_log_ids.filtered(
            lambda entry: entry.source == "model" and entry.field_name == "Intent"
        )
        self.assertEqual(log.new_value, ticket.hs_intent_id.name)
        self.assertEqual(log.confidence, round(ticket.hs_intent_confidence, 2))
        self.assertEqual((log.model_name, log.model_version), ("keyword lexicon", "1"))
        self.assertFalse(log.ai_model_id, "the lexicon is no trained version")

    def test_triage_reads_the_opening_of_a_long_email(self):
        # a log pasted after the request: its words past TRIAGE_CHARS do not
        # make an outage of a password request (nor cost seconds a megabyte)
        log = "GET /api/orders 200 0.042s\n" * 5000
        ticket = self.email_case(
            "hank@globex.example",
            "Password reset link expired",
            f"I cannot log in, the password reset link expired.\n{log}"
            + "outage: the API is down, everything is down, outage\n" * 50,
        )
        self.assertEqual(ticket.hs_intent_id.code, "access")
        self.assertNotEqual(ticket.hs_urgency, "critical")


@tagged("post_install", "-at_install")
class TestSummary(IntakeCase):
    def test_summary_follows_the_thread_and_counts_unanswered_messages(self):
        ticket = self.email_case(
            "hank@globex.example",
            "Charged twice",
            "Hello,\nInvoice INV/2026/00042 was charged twice. Please refund one.",
        )
        self.assertIn(
            "Wants: Invoice INV/2026/00042 was charged twice.", ticket.hs_summary
        )
        self.assertIn("Facts: INV/2026/00042", ticket.hs_summary)
        self.assertIn("Pending: waiting for us", ticket.hs_summary)
        ticket.with_user(self.agent).message_post(
            body="We are checking.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertIn("Pending: waiting for the customer", ticket.hs_summary)
        self.assertEqual(ticket.hs_unanswered_count, 0)
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        for text in ("I already tried the refund form, it did not help.", "Any news?"):
            self.process(
                make_email(
                    "hank@globex.example",
                    f"Re: [{ticket.number}] Charged twice",
                    text,
                    headers={"In-Reply-To": ack.message_id},
                )
            )
        self.assertIn("Tried: I already tried the refund form", ticket.hs_summary)
        self.assertEqual(ticket.hs_unanswered_count, 2)
        self.assertIn("2 customer messages since our last answer", ticket.hs_summary)
