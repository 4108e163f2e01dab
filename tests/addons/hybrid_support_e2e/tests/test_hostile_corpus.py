from odoo.tests import TransactionCase, tagged

from odoo.addons.hybrid_support_intake.tests.common import (
    ALIAS,
    ALIAS_DOMAIN,
    SupportTeamMixin,
)

from .hostile_corpus import FROM_DISPLAY_SENDERS, corpus


@tagged("post_install", "-at_install")
class TestHostileCorpus(SupportTeamMixin, TransactionCase):
    """Every malformed or hostile email ends as a case or a logged refusal
    (quarantine); the gateway never raises."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()

    def _traces(self):
        return (
            self.env["helpdesk.ticket"].search_count([]),
            self.env["hybrid.support.mail.quarantine"].search_count([]),
            self.env["mail.message"].search_count([("message_type", "=", "email")]),
        )

    def test_every_hostile_message_is_accounted_for(self):
        messages = corpus(f"{ALIAS}@{ALIAS_DOMAIN}")
        self.assertGreaterEqual(len(messages), 200)
        gateway = self.env["mail.thread"]
        lost, outcomes = [], {}
        for number, (family, raw) in enumerate(messages):
            before = self._traces()
            result = gateway.message_process(False, raw)  # must never raise
            after = self._traces()
            if after == before:
                lost.append((number, family))
            outcome = "case" if result else "quarantine"
            outcomes.setdefault(family, set()).add(outcome)
        self.assertFalse(lost, f"messages that left no trace: {lost}")
        # whole families that must become cases, not refusals
        for family in (
            "nested",
            "charset",
            "date",
            "giant-subject",
            "25MB",
            "injection",
        ):
            self.assertEqual(outcomes[family], {"case"}, family)
        self.assertEqual(outcomes["empty"], {"quarantine"})

    def test_hostile_headers_do_not_steer_the_gateway(self):
        messages = dict(
            (family + str(i), raw)
            for i, (family, raw) in enumerate(
                corpus(f"{ALIAS}@{ALIAS_DOMAIN}", big=False)
            )
        )
        gateway, Ticket = self.env["mail.thread"], self.env["helpdesk.ticket"]
        for key, raw in messages.items():
            if key.startswith(("injection", "auto-submitted")):
                gateway.message_process(False, raw)
        victims = self.env["res.partner"].search([("email", "ilike", "victim@")])
        self.assertFalse(victims, "an injected header created no contact")
        self.assertFalse(
            self.env["mail.mail"].search([("email_to", "ilike", "victim@")]),
            "and nothing is mailed to it",
        )
        tickets = Ticket.search([("partner_email", "ilike", "attacker.example")])
        by_value = {
            t.message_ids.filtered(lambda m: m.message_type == "email")[:1].subject: t
            for t in tickets
        }
        self.assertTrue(by_value)
        acked = tickets.filtered("hs_ack_pending")
        automated = tickets.filtered("hs_automated_reason")
        self.assertTrue(acked, "Auto-Submitted: no is a person")
        self.assertTrue(automated, "auto-generated and auto-replied are machines")
        self.assertFalse(acked & automated)

    def test_the_bracketed_address_is_the_sender(self):
        messages = [
            raw
            for family, raw in corpus(f"{ALIAS}@{ALIAS_DOMAIN}", big=False)
            if family == "from-display"
        ]
        self.assertEqual(len(messages), len(FROM_DISPLAY_SENDERS))
        for raw, (raw_from, sender) in zip(messages, FROM_DISPLAY_SENDERS, strict=True):
            case = self.env["helpdesk.ticket"].browse(
                self.env["mail.thread"].message_process(False, raw)
            )
            self.assertTrue(case, raw_from)
            self.assertEqual(case.partner_id.email_normalized, sender, raw_from)
