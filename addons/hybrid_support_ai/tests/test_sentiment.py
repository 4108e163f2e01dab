from odoo.tests import BaseCase, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase, make_email

from ..tools import language, sentiment


@tagged("at_install")
class TestSentimentTools(BaseCase):
    def test_english_goes_through_vader(self):
        angry, confidence = sentiment.score(
            "This is unacceptable. Third email and still no answer, terrible service!"
        )
        happy, _ = sentiment.score("Thanks a lot, it works perfectly now. Great help!")
        self.assertLess(angry, -0.3)
        self.assertGreater(happy, 0.5)
        self.assertGreater(confidence, 0.5)
        self.assertEqual(sentiment.score("   "), (0.0, 0.0))

    def test_other_languages_use_the_lexicon_with_less_confidence(self):
        value, confidence = sentiment.score("Merci, c'est perfect", "fr")
        _english, english_confidence = sentiment.score("Thanks, it is perfect")
        self.assertGreater(value, 0)
        self.assertLess(confidence, english_confidence)

    def test_trend_is_the_change_over_the_thread(self):
        self.assertEqual(sentiment.trend([0.4]), 0.0)
        self.assertEqual(sentiment.trend([0.5, 0.0, -0.5]), -1.0)
        self.assertEqual(sentiment.trend([-0.2, 0.2]), 0.4)
        self.assertGreater(sentiment.trend([-0.8, -0.1, 0.6, 0.7]), 0)

    def test_frustration(self):
        self.assertTrue(sentiment.frustrated(2, [0.0, 0.0]))
        self.assertTrue(sentiment.frustrated(1, [-0.7]))
        self.assertFalse(sentiment.frustrated(1, [-0.2]))
        self.assertFalse(sentiment.frustrated(0, [-0.9]))

    def test_language(self):
        cases = {
            "Hello, my invoice is wrong and I would like a refund.": "en",
            "Bonjour, ma facture est fausse, je voudrais un remboursement.": "fr",
            "Hallo, meine Rechnung ist falsch, bitte erstatten Sie den Betrag.": "de",
            "Hola, mi factura está mal y quiero un reembolso.": "es",
            "Olá, minha fatura está errada, quero um reembolso.": "pt",
        }
        for text, code in cases.items():
            detected, probability = language.detect(text)
            self.assertEqual(detected, code, text)
            self.assertGreater(probability, 0.5)
        self.assertEqual(language.detect("ok"), ("", 0.0))


@tagged("post_install", "-at_install")
class TestThreadSentiment(IntakeCase):
    def test_each_customer_message_is_scored_and_the_case_follows_the_tone(self):
        ticket = self.email_case(
            "hank@globex.example",
            "Login problem",
            "Hello, I cannot log in since this morning. Thanks for your help.",
        )
        self.assertEqual(ticket.hs_language, "en")
        self.assertGreater(ticket.hs_sentiment, 0)
        self.assertFalse(ticket.hs_frustrated)
        ack = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        for text in (
            "Still nothing. This is really annoying.",
            "Third email!!! Unacceptable, terrible service, nobody answers.",
        ):
            self.process(
                make_email(
                    "hank@globex.example",
                    f"Re: [{ticket.number}] Login problem",
                    text,
                    headers={"In-Reply-To": ack.message_id},
                )
            )
        emails = ticket.message_ids.filtered(
            lambda m: m.message_type == "email"
        ).sorted("id")
        self.assertEqual(len(emails), 3)
        self.assertTrue(all(emails.mapped("hs_sentiment_done")))
        self.assertGreater(emails[0].hs_sentiment, 0)
        self.assertLess(emails[2].hs_sentiment, -0.5)
        self.assertEqual(ticket.hs_sentiment, emails[2].hs_sentiment)
        self.assertLess(ticket.hs_sentiment_trend, -0.5)
        self.assertTrue(ticket.hs_frustrated, "two messages without an answer")
        self.assertEqual(ticket.hs_urgency, "high")
        # the account's tone over 30 days is the average of its cases
        self.assertAlmostEqual(
            self.customer_company.hs_sentiment_recent, ticket.hs_sentiment, places=2
        )

    def test_french_email_is_detected_and_scored_with_the_lexicon(self):
        ticket = self.email_case(
            "hank@globex.example",
            "Facture",
            "Bonjour, ma facture de novembre est fausse, pouvez-vous la corriger ?",
        )
        self.assertEqual(ticket.hs_language, "fr")
        self.assertGreater(ticket.hs_language_confidence, 0.5)
