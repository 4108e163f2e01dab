"""The attacker's review of trust (shared addresses, tokens kept after a
revocation), performed as the attacker: real HTTP sessions for routes,
JSON-RPC for the ORM, the real gateway as the Mail gateway user."""

import json

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_intake.tests.common import (
    SupportTeamMixin,
    make_email,
)

VICTIM_ADDRESS = "bob@acme-victim.example"


class TrustCase(SupportTeamMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_support_team()
        Partner = cls.env["res.partner"]
        cls.mailgate_user = new_test_user(
            cls.env,
            login="hs_trust_mailgate",
            groups="base.group_user,hybrid_support_intake.group_mail_gateway",
        )
        cls.acme = Partner.create(
            {
                "name": "Acme Victim",
                "is_company": True,
                "email": "info@acme-victim.example",
            }
        )
        cls.bob = Partner.create(
            {"name": "Bob Victim", "email": VICTIM_ADDRESS, "parent_id": cls.acme.id}
        )
        cls.northwind = Partner.create({"name": "Northwind Trust", "is_company": True})

        def portal_user(login, role, company_cases=True):
            user = new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                email=f"{login}@northwind-trust.example",
            )
            user.partner_id.write(
                {
                    "parent_id": cls.northwind.id,
                    "hs_support_role": role,
                    "hs_support_company_cases": company_cases,
                }
            )
            return user

        cls.anna = portal_user("hs_trust_anna", "admin")
        cls.mia = portal_user("hs_trust_mia", "member")

    def post(self, url, data):
        data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)

    def rpc(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def assert_bobs_next_email_stays_acmes(self):
        gateway = self.env["mail.thread"].with_user(self.mailgate_user)
        case = self.env["helpdesk.ticket"].browse(
            gateway.message_process(
                False, bytes(make_email(VICTIM_ADDRESS, "Payroll export 5521 fails"))
            )
        )
        self.assertEqual(case.partner_id, self.bob)
        self.assertEqual(case.commercial_partner_id, self.acme)
        for user in (self.anna, self.mia):
            with self.assertRaises(AccessError):
                case.with_user(user).check_access("read")
        self.authenticate("hs_trust_anna", "hs_trust_anna")
        self.assertNotIn("5521", self.url_open("/my/tickets").text)
        self.assertNotIn("5521", self.url_open(f"/my/ticket/{case.id}").text)


@tagged("post_install", "-at_install")
class TestSharedAddressTakeover(TrustCase):
    def test_team_admin_cannot_invite_another_accounts_address(self):
        self.authenticate("hs_trust_anna", "hs_trust_anna")
        response = self.post(
            "/my/support/team/invite",
            {"name": "Bob Impostor", "email": VICTIM_ADDRESS, "role": "member"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("error=email_elsewhere", response.headers["Location"])
        page = self.url_open(response.headers["Location"])
        self.assertIn("already used by a contact of another company", page.text)
        self.assertFalse(
            self.env["res.partner"].search(
                [
                    ("email_normalized", "=", VICTIM_ADDRESS),
                    ("commercial_partner_id", "=", self.northwind.id),
                ]
            )
        )
        self.assertFalse(
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("login", "=", VICTIM_ADDRESS)])
        )
        self.assert_bobs_next_email_stays_acmes()

    def test_admin_still_invites_a_new_colleague(self):
        self.authenticate("hs_trust_anna", "hs_trust_anna")
        response = self.post(
            "/my/support/team/invite",
            {"name": "Nora", "email": "nora@northwind-trust.example", "role": "member"},
        )
        self.assertIn("msg=invited", response.headers["Location"])

    def test_portal_user_cannot_take_another_accounts_address(self):
        self.authenticate("hs_trust_mia", "hs_trust_mia")
        mine = self.mia.partner_id.email
        response = self.url_open(
            "/my/address/submit",
            data={
                "name": self.mia.partner_id.name,
                "email": VICTIM_ADDRESS,
                "phone": "1234567890",
                "street": "1 Main Street",
                "city": "Anytown",
                "zipcode": "12345",
                "country_id": self.env.ref("base.us").id,
                "state_id": self.env.ref("base.state_us_5").id,
                "partner_id": str(self.mia.partner_id.id),
                "csrf_token": http.Request.csrf_token(self),
            },
        )
        feedback = json.loads(response.text)
        self.assertIn("email", feedback.get("invalid_fields", []))
        self.assertIn(
            "already used by a contact of another company",
            " ".join(feedback.get("messages", [])),
        )
        self.assertEqual(self.mia.partner_id.email, mine)
        # nor over RPC, where a user may change their own email
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.rpc("res.users", "write", [[self.mia.id], {"email": VICTIM_ADDRESS}])
        self.env.invalidate_all()
        self.assertEqual(self.mia.partner_id.email, mine)
        self.assert_bobs_next_email_stays_acmes()

    def test_portal_user_still_changes_their_email_to_a_free_address(self):
        self.authenticate("hs_trust_mia", "hs_trust_mia")
        self.rpc("res.users", "write", [[self.mia.id], {"email": "mia@new.example"}])
        self.assertEqual(self.mia.partner_id.email, "mia@new.example")


@tagged("post_install", "-at_install")
class TestTokensAfterRevocation(TrustCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case = cls.env["helpdesk.ticket"].create(
            {
                "name": "Roadmap 7731",
                "description": "<p>Confidential roadmap 7731.</p>",
                "partner_id": cls.anna.partner_id.id,
            }
        )
        cls.case._portal_ensure_token()

    def test_portal_user_reads_no_token_of_the_accounts_cases(self):
        self.authenticate("hs_trust_mia", "hs_trust_mia")
        found = self.rpc("helpdesk.ticket", "search_read", [[]], {"fields": ["name"]})
        self.assertIn(self.case.id, [row["id"] for row in found])
        attempts = (
            ("search_read", [[]], {"fields": ["access_token"]}),
            ("read", [self.case.ids, ["access_token"]]),
            ("read", [self.case.ids, ["hs_ack_portal_button"]]),
            ("read", [self.case.ids, ["hs_ack_suggestions_html"]]),
            ("read", [self.case.ids, ["hs_ack_case_actions_html"]]),
            ("get_portal_url", [self.case.ids]),
        )
        for method, args, *kwargs in attempts:
            with (
                self.subTest(method=method, args=args),
                mute_logger("odoo.http"),
                self.assertRaises(JsonRpcException),
            ):
                self.rpc("helpdesk.ticket", method, args, *kwargs)
        described = self.rpc("helpdesk.ticket", "fields_get", [], {})
        self.assertIn("name", described)
        self.assertNotIn("access_token", described)
        self.assertNotIn("hs_ack_portal_button", described)

    def revoke_mia(self):
        self.authenticate("hs_trust_anna", "hs_trust_anna")
        response = self.post(f"/my/support/team/{self.mia.partner_id.id}/revoke", {})
        self.assertIn("msg=revoked", response.headers["Location"])

    def test_a_revoked_members_old_token_opens_nothing(self):
        leaked = self.case.sudo().access_token  # read before the fix
        self.authenticate(None, None)
        self.assertIn(
            "7731",
            self.url_open(f"/my/ticket/{self.case.id}?access_token={leaked}").text,
        )
        self.revoke_mia()
        self.authenticate(None, None)
        page = self.url_open(f"/my/ticket/{self.case.id}?access_token={leaked}")
        self.assertNotIn("7731", page.text)
        # the links we email from now on carry a new token, which opens it
        url = self.case.get_portal_url()
        self.assertNotIn(leaked, url)
        self.assertIn("7731", self.url_open(url).text)
        # the account's people still open it with their session
        self.authenticate("hs_trust_anna", "hs_trust_anna")
        self.assertIn("7731", self.url_open(f"/my/ticket/{self.case.id}").text)

    def test_losing_company_scope_rotates_the_tokens(self):
        leaked = self.case.sudo().access_token
        self.authenticate("hs_trust_anna", "hs_trust_anna")
        self.post(f"/my/support/team/{self.mia.partner_id.id}/role", {"role": "member"})
        self.assertFalse(self.mia.partner_id.hs_support_company_cases)
        self.authenticate(None, None)
        page = self.url_open(f"/my/ticket/{self.case.id}?access_token={leaked}")
        self.assertNotIn("7731", page.text)

    def test_widening_a_scope_keeps_the_tokens(self):
        self.mia.partner_id.hs_support_company_cases = False
        token = self.case.sudo().access_token
        self.mia.partner_id.hs_support_company_cases = True
        self.assertEqual(self.case.sudo().access_token, token)


@tagged("post_install", "-at_install")
class TestNoAccessRoleOverRpc(TrustCase):
    def test_no_access_contact_cannot_open_a_case_over_call_kw(self):
        self.mia.partner_id.hs_support_role = "none"
        self.authenticate("hs_trust_mia", "hs_trust_mia")
        Ticket = self.env["helpdesk.ticket"]
        before = Ticket.search_count([])
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.rpc(
                "helpdesk.ticket",
                "hs_submit_case",
                [{"name": "Invoice copy", "description": "Please"}],
            )
        self.assertEqual(Ticket.search_count([]), before)
        with self.assertRaises(AccessError):
            Ticket.with_user(self.mia).hs_submit_case(
                {"name": "Invoice copy", "description": "Please"}
            )

    def test_member_still_opens_a_case_over_call_kw(self):
        self.authenticate("hs_trust_mia", "hs_trust_mia")
        result = self.rpc(
            "helpdesk.ticket",
            "hs_submit_case",
            [{"name": "Printer 4410", "description": "Jammed"}],
        )
        case = self.env["helpdesk.ticket"].browse(result["id"])
        self.assertEqual(case.partner_id, self.mia.partner_id)
