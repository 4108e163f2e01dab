from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase


@tagged("post_install", "-at_install")
class TestKb(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Article = cls.env["hybrid.support.kb.article"]
        cls.password = Article.create(
            {
                "name": "Reset a forgotten password",
                "keywords": "login locked",
                "state": "published",
            }
        )
        cls.refund = Article.create(
            {
                "name": "Refund of duplicate charges",
                "keywords": "refund invoice",
                "state": "published",
            }
        )
        cls.draft = Article.create({"name": "Password policy draft", "state": "draft"})

    def test_suggest_only_published(self):
        found = self.env["hybrid.support.kb.article"]._suggest(
            "cannot login, password locked"
        )
        self.assertEqual(found[:1], self.password)
        self.assertNotIn(self.draft, found)

    def test_portal_user_reads_published_only(self):
        portal = new_test_user(
            self.env, login="hs_kb_portal", groups="base.group_portal"
        )
        visible = self.env["hybrid.support.kb.article"].with_user(portal).search([])
        self.assertIn(self.password, visible)
        self.assertNotIn(self.draft, visible)


@tagged("post_install", "-at_install")
class TestKbInAcknowledgement(IntakeCase):
    def test_acknowledgement_quotes_relevant_published_articles(self):
        Article = self.env["hybrid.support.kb.article"]
        Article.create(
            {
                "name": "Reset a forgotten password",
                "keywords": "login locked password",
                "body": "<p>Use the <b>Forgot password</b> link.</p>",
                "state": "published",
            }
        )
        Article.create({"name": "Password internals", "state": "draft"})
        ticket = self.email_case(
            "hank@globex.example", "Locked out", "I forgot my password"
        )
        ack = self.acks(ticket)
        self.assertIn("Reset a forgotten password", ack.body)
        self.assertIn("Forgot password", ack.body)
        self.assertNotIn("Password internals", ack.body)
        unrelated = self.email_case("hank@globex.example", "Weather", "Sunny today")
        self.assertNotIn("These articles", self.acks(unrelated).body)
