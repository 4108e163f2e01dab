"""Attacks on the customer portal (issue 12, items 4 and 6), performed over
HTTP as the customer."""

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.hybrid_support_escalation.tests.test_sla import brussels_office


@tagged("post_install", "-at_install")
class TestAttacksPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Initech"})
        Article = cls.env["hybrid.support.kb.article"]
        for company, body in (
            (cls.company_a, "Secret procedure of company A."),
            (cls.company_b, "Procedure of company B."),
        ):
            Article.create(
                {
                    "name": f"{company.name}: unlock your account",
                    "keywords": "password locked login reset",
                    "body": f"<p>{body}</p>",
                    "state": "published",
                    "company_id": company.id,
                }
            )
        calendar = brussels_office(cls.env)
        calendar.company_id = cls.company_b
        cls.env["hybrid.support.sla.policy"].create(
            {
                "name": "B: 4h",
                "calendar_id": calendar.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.customer_b = new_test_user(
            cls.env,
            login="hs_portal_cust_b",
            groups="base.group_portal",
            company_id=cls.company_b.id,
        )
        cls.case_b = (
            cls.env["helpdesk.ticket"]
            .with_company(cls.company_b)
            .create(
                {
                    "name": "Password locked",
                    "description": "<p>I cannot login, my password is locked.</p>",
                    "company_id": cls.company_b.id,
                    "partner_id": cls.customer_b.partner_id.id,
                }
            )
        )

    def test_case_page_of_company_b_suggests_only_company_b_articles(self):
        self.assertTrue(self.case_b.sla_first_response_deadline)
        self.authenticate("hs_portal_cust_b", "hs_portal_cust_b")
        page = self.url_open(f"/my/ticket/{self.case_b.id}")
        self.assertEqual(page.status_code, 200)
        # the page still renders for the customer, SLA promise included
        self.assertIn("Password locked", page.text)
        self.assertIn("First answer due", page.text)
        self.assertIn("Status history", page.text)
        self.assertIn("Initech: unlock your account", page.text)
        self.assertIn("Procedure of company B.", page.text)
        self.assertNotIn(f"{self.company_a.name}: unlock", page.text)
        self.assertNotIn("Secret procedure of company A.", page.text)

    def test_case_page_by_token_suggests_only_company_b_articles(self):
        self.case_b._portal_ensure_token()
        page = self.url_open(
            f"/my/ticket/{self.case_b.id}?access_token={self.case_b.access_token}"
        )
        self.assertIn("Procedure of company B.", page.text)
        self.assertNotIn("Secret procedure of company A.", page.text)
