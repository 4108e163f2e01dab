from odoo.tests import BaseCase, tagged

from ..tools import lexicon


@tagged("post_install", "-at_install")
class TestLexicon(BaseCase):
    def test_intents(self):
        self.assertEqual(
            lexicon.classify_intent("Please refund the duplicate charge")[0], "refund"
        )
        self.assertEqual(
            lexicon.classify_intent("I cannot log in, password reset fails")[0],
            "access",
        )
        self.assertEqual(
            lexicon.classify_intent("Stored XSS vulnerability found")[0], "security"
        )
        self.assertEqual(lexicon.classify_intent("Hello there"), ("", 0.0))

    def test_confidence_grows_with_evidence(self):
        _intent, weak = lexicon.classify_intent("refund")
        _intent, strong = lexicon.classify_intent(
            "refund refund, reimburse me, chargeback"
        )
        self.assertLess(weak, strong)
        self.assertLessEqual(strong, 1.0)

    def test_urgency_and_sentiment(self):
        self.assertEqual(
            lexicon.urgency("URGENT: API down for all users")[0], "critical"
        )
        self.assertEqual(lexicon.urgency("A question about invoices")[0], "normal")
        self.assertLess(
            lexicon.sentiment("This is unacceptable, third time I write")[0], 0
        )
        self.assertGreater(lexicon.sentiment("Thanks, great help!")[0], 0)
