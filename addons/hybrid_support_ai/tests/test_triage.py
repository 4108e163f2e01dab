from odoo.tests import tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email


@tagged("post_install", "-at_install")
class TestTriage(IntakeCase):
    def test_gateway_fills_triage_fields_before_acknowledgement(self):
        ticket = self.Ticket.browse(
            self.process(
                make_email(
                    "hank@globex.example",
                    "URGENT: API down",
                    "The API is down for all our users, this is unacceptable.",
                )
            )
        )
        self.assertEqual(ticket.intent, "outage")
        self.assertGreater(ticket.intent_confidence, 0)
        self.assertEqual(ticket.urgency, "critical")
        self.assertLess(ticket.sentiment, 0)
        self.assertTrue(ticket.ack_sent)
        # the model's decision is in the routing log with its confidence
        log = ticket.routing_log_ids.filtered(lambda entry: entry.source == "model")
        self.assertEqual(log.new_value, "outage")
        self.assertEqual(log.confidence, round(ticket.intent_confidence, 2))
        self.assertEqual((log.model_name, log.model_version), ("keyword lexicon", "1"))
