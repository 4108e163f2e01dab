"""Attacks on the knowledge base (issue 12, items 4 and 5), each performed
as the attacker: a customer of one company, an agent without review rights."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

ARTICLE = "hybrid.support.kb.article"


@tagged("post_install", "-at_install")
class TestAttacksKb(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Initech"})
        Article = cls.env[ARTICLE]
        cls.article_a = Article.create(
            {
                "name": "Company A: unlock your account",
                "keywords": "password locked login reset",
                "body": "<p>Secret procedure of company A.</p>",
                "state": "published",
                "company_id": cls.company_a.id,
            }
        )
        cls.article_b = Article.create(
            {
                "name": "Company B: unlock your account",
                "keywords": "password locked login reset",
                "body": "<p>Procedure of company B.</p>",
                "state": "published",
                "company_id": cls.company_b.id,
            }
        )
        cls.customer_b = new_test_user(
            cls.env,
            login="hs_kb_cust_b",
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
        cls.own_agent = new_test_user(
            cls.env, login="hs_kb_own", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        cls.agent = new_test_user(
            cls.env, login="hs_kb_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.kb_manager = new_test_user(
            cls.env,
            login="hs_kb_manager",
            groups="helpdesk_mgmt.group_helpdesk_user_own,"
            "hybrid_support_kb.group_kb_manager",
        )

    def call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    # -- item 4: suggestions and articles of another company ----------------

    def test_acknowledgement_of_company_b_quotes_only_company_b_articles(self):
        # rendered with superuser rights, as the acknowledgement cron does
        html = str(self.case_b.hs_ack_suggestions_html)
        self.assertIn("Company B: unlock your account", html)
        self.assertNotIn("Company A", html)
        self.assertNotIn("Secret procedure", html)

    def test_suggestions_keep_company_less_articles(self):
        shared = self.env[ARTICLE].create(
            {
                "name": "Everyone: unlock your account",
                "keywords": "password locked login reset",
                "state": "published",
                "company_id": False,
            }
        )
        found = self.case_b._hs_kb_suggestions()
        self.assertIn(shared, found)
        self.assertIn(self.article_b, found)
        self.assertNotIn(self.article_a, found)

    def test_portal_user_of_b_cannot_read_article_of_a_by_id(self):
        self.authenticate("hs_kb_cust_b", "hs_kb_cust_b")
        with self.assertRaises(JsonRpcException) as caught:
            self.call_kw(ARTICLE, "read", [[self.article_a.id], ["name", "body"]])
        self.assertIn("AccessError", str(caught.exception))
        own = self.call_kw(ARTICLE, "read", [[self.article_b.id], ["name"]])
        self.assertEqual(own[0]["name"], self.article_b.name)

    def test_customer_cannot_read_the_case_an_article_was_drafted_from(self):
        other = self.env["helpdesk.ticket"].create(
            {"name": "Initech payroll leak", "description": "<p>x</p>"}
        )
        self.article_b.source_ticket_ids = other
        self.authenticate("hs_kb_cust_b", "hs_kb_cust_b")
        with self.assertRaises(JsonRpcException):
            self.call_kw(ARTICLE, "read", [[self.article_b.id], ["source_ticket_ids"]])

    def test_portal_user_allowed_in_two_companies_reads_only_its_own(self):
        """A customer of B whose login is also allowed in A (shared
        contact) still reads only the articles of its own company."""
        self.customer_b.company_ids = [(4, self.company_a.id)]
        self.authenticate("hs_kb_cust_b", "hs_kb_cust_b")
        with self.assertRaises(JsonRpcException):
            self.call_kw(ARTICLE, "read", [[self.article_a.id], ["name", "body"]])
        ids = self.call_kw(
            ARTICLE,
            "search",
            [[("name", "like", "unlock your account")]],
            {"context": {"allowed_company_ids": self.customer_b.company_ids.ids}},
        )
        self.assertEqual(ids, self.article_b.ids)

    # -- item 5: publishing without review ----------------------------------

    def _draft(self, user):
        return self.env[ARTICLE].with_user(user).create({"name": f"Draft {user.login}"})

    def test_agents_cannot_publish_without_review(self):
        for user in (self.own_agent, self.agent):
            with self.subTest(user=user.login):
                article = self._draft(user)
                with self.assertRaises(AccessError):
                    article.write({"state": "published"})
                with self.assertRaises(AccessError):
                    article.action_submit_review()
                    article.action_publish()
                with self.assertRaises(AccessError):
                    self.env[ARTICLE].with_user(user).create(
                        {"name": "Sneaked in", "state": "published"}
                    )
                self.assertNotEqual(article.sudo().state, "published")

    def test_agents_cannot_rewrite_a_published_article(self):
        for user in (self.own_agent, self.agent):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.article_a.with_user(user).write({"body": "<p>Call 555</p>"})
                with self.assertRaises(AccessError):
                    self.article_a.with_user(user).action_unpublish()
        self.assertEqual(self.article_a.state, "published")

    def test_kb_manager_publishes(self):
        article = self._draft(self.kb_manager)
        article.action_submit_review()
        article.action_publish()
        self.assertEqual(article.state, "published")
        article.write({"state": "draft"})
        article.write({"state": "published"})
        created = (
            self.env[ARTICLE]
            .with_user(self.kb_manager)
            .create({"name": "Reviewed", "state": "published"})
        )
        self.assertEqual(created.state, "published")

    def test_helpdesk_managers_and_admin_are_kb_managers(self):
        manager = new_test_user(
            self.env,
            login="hs_kb_hd_mgr",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        self.assertTrue(manager.has_group("hybrid_support_kb.group_kb_manager"))
        admin = self.env.ref("base.user_admin")
        self.assertTrue(admin.has_group("hybrid_support_kb.group_kb_manager"))
        self._draft(manager).action_publish()
