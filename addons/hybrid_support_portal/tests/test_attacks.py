"""Attacks on the customer portal (issue 12, items 4 and 6), performed over
HTTP as the customer."""

import contextlib

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

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
        self.assertTrue(self.case_b.hs_sla_first_response_deadline)
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


@tagged("post_install", "-at_install")
class TestRoutesAgainstAnotherAccount(HttpCase):
    """Every customer route the suite serves or changes, as a customer of
    account A, against account B's case: by id, by A's own token, by a
    forged token, and by form posts. B's own token still opens B's case."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.account_a = Partner.create({"name": "Account A", "is_company": True})
        cls.account_b = Partner.create({"name": "Account B", "is_company": True})
        cls.alice = new_test_user(
            cls.env, login="hs_route_alice", groups="base.group_portal"
        )
        cls.alice.partner_id.parent_id = cls.account_a
        cls.bob = new_test_user(
            cls.env, login="hs_route_bob", groups="base.group_portal"
        )
        cls.bob.partner_id.parent_id = cls.account_b
        Ticket = cls.env["helpdesk.ticket"]
        cls.case_a = Ticket.create(
            {
                "name": "Alice's case",
                "description": "a",
                "partner_id": cls.alice.partner_id.id,
            }
        )
        cls.case_b = Ticket.create(
            {
                "name": "Bob's secret case",
                "description": "<p>Bob's contract number 778899.</p>",
                "partner_id": cls.bob.partner_id.id,
            }
        )
        cls.case_a._portal_ensure_token()
        cls.case_b._portal_ensure_token()
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")
        cls.stage_done.close_from_portal = True

    def assert_no_leak(self, response):
        self.assertNotIn("778899", response.text)
        self.assertNotIn("Bob&#39;s secret case", response.text)
        self.assertNotIn("Bob's secret case", response.text)

    def test_case_page_refuses_another_accounts_case_by_id_and_token(self):
        self.authenticate("hs_route_alice", "hs_route_alice")
        for url in (
            f"/my/ticket/{self.case_b.id}",
            f"/my/ticket/{self.case_b.id}?access_token={self.case_a.access_token}",
            f"/my/ticket/{self.case_b.id}?access_token=forged-{self.case_b.id}",
        ):
            self.assert_no_leak(self.url_open(url))
        listing = self.url_open("/my/tickets")
        self.assertEqual(listing.status_code, 200)
        self.assertIn("Alice&#39;s case", listing.text)
        self.assert_no_leak(listing)

    def test_anonymous_visitor_needs_the_cases_own_token(self):
        self.assert_no_leak(self.url_open(f"/my/ticket/{self.case_b.id}"))
        self.assert_no_leak(
            self.url_open(
                f"/my/ticket/{self.case_b.id}?access_token={self.case_a.access_token}"
            )
        )
        page = self.url_open(
            f"/my/ticket/{self.case_b.id}?access_token={self.case_b.access_token}"
        )
        self.assertIn("778899", page.text)

    def test_customer_cannot_close_or_post_into_another_accounts_case(self):
        self.authenticate("hs_route_alice", "hs_route_alice")
        before = len(self.case_b.message_ids)
        self.url_open(
            "/ticket/close",
            data={
                "ticket_id": self.case_b.id,
                "stage_id": self.stage_done.id,
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        self.assertNotEqual(self.case_b.stage_id, self.stage_done)
        for token in (None, self.case_a.access_token):
            params = {
                "thread_model": "helpdesk.ticket",
                "thread_id": self.case_b.id,
                "post_data": {"body": "injected by Alice", "message_type": "comment"},
            }
            if token:
                params["token"] = token
            with contextlib.suppress(JsonRpcException):
                self.make_jsonrpc_request("/mail/message/post", params)
        self.env.invalidate_all()
        self.assertEqual(len(self.case_b.message_ids), before)

    def test_customer_reads_nothing_of_another_account_over_rpc(self):
        self.authenticate("hs_route_alice", "hs_route_alice")
        found = self.make_jsonrpc_request(
            "/web/dataset/call_kw/helpdesk.ticket/search_read",
            {
                "model": "helpdesk.ticket",
                "method": "search_read",
                "args": [[]],
                "kwargs": {"fields": ["name"]},
            },
        )
        self.assertEqual([r["id"] for r in found], [self.case_a.id])
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/web/dataset/call_kw/helpdesk.ticket/read",
                {
                    "model": "helpdesk.ticket",
                    "method": "read",
                    "args": [[self.case_b.id], ["name"]],
                    "kwargs": {},
                },
            )

    def test_case_page_lists_no_attachment_of_an_internal_note(self):
        self.case_b.message_post(
            body="Internal: customer looks like a fraud risk.",
            subtype_xmlid="mail.mt_note",
            attachments=[("fraud-risk-assessment.txt", b"internal only")],
        )
        self.case_b.message_post(
            body="Here is the invoice copy you asked for.",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            attachments=[("invoice-copy.txt", b"for the customer")],
        )
        self.authenticate("hs_route_bob", "hs_route_bob")
        page = self.url_open(f"/my/ticket/{self.case_b.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("invoice-copy.txt", page.text)
        self.assertNotIn("fraud-risk-assessment.txt", page.text)
        # the page hands out download tokens of the listed files only, and
        # a customer has no right on attachments without one
        Attachment = self.env["ir.attachment"]
        internal = Attachment.search([("name", "=", "fraud-risk-assessment.txt")])
        public = Attachment.search([("name", "=", "invoice-copy.txt")])
        self.assertNotIn(internal.access_token, page.text)
        self.assertIn(public.access_token, page.text)
        download = self.url_open(f"/web/content/{internal.id}?download=true")
        self.assertNotIn("internal only", download.text)
        download = self.url_open(
            f"/web/content/{public.id}?download=true&access_token={public.access_token}"
        )
        self.assertEqual(download.text, "for the customer")
