"""The article's stable help center URL, and the acknowledgement linking
to it (issue 14: "in the acknowledgement, suggestions are links")."""

from odoo.tests import tagged

from odoo.addons.hybrid_support_intake.tests.common import IntakeCase


@tagged("post_install", "-at_install")
class TestHelpUrls(IntakeCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.article = cls.env["hybrid.support.kb.article"].create(
            {
                "name": "Reset a forgotten password!",
                "keywords": "login locked password",
                "body": "<p>Use the <b>Forgot password</b> link.</p>",
                "state": "published",
            }
        )

    def test_help_url_is_readable_and_ends_with_the_id(self):
        self.assertEqual(
            self.article.help_url,
            f"/help/article/reset-a-forgotten-password-{self.article.id}",
        )

    def test_acknowledgement_links_each_article_with_an_absolute_url(self):
        ticket = self.email_case(
            "hank@globex.example", "Locked out", "I forgot my password"
        )
        body = self.acks(ticket).body
        base_url = ticket.get_base_url()
        self.assertIn(
            f'href="{base_url}{self.article.help_url}?src=acknowledgement'
            f"&amp;case_id={ticket.id}&amp;access_token={ticket.access_token}",
            body,
        )
        self.assertTrue(base_url.startswith("http"))
