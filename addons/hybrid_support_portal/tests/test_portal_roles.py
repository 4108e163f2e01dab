"""B2B support roles (issue 17): company support admin, member, no access.

Record rules as each role, the team page's routes and actions as each role
of account A against account B's ids, member against admin inside A, CSRF,
and the RPC a portal user could try to escalate with."""

import contextlib

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import BaseCase, HttpCase, new_test_user, tagged
from odoo.tests.common import HOST, JsonRpcException, Opener
from odoo.tools import mute_logger

from odoo.addons.hybrid_support_escalation.tools.health import Facts

from ..tools.support_roles import (
    account_summary,
    case_scope,
    team_change_refusal,
)


@tagged("at_install")
class TestSupportRoleTools(BaseCase):
    """The role decisions and the customer's summary, without a database."""

    def test_case_scope_per_role(self):
        self.assertEqual(case_scope("admin", False), "company")
        self.assertEqual(case_scope("member", True), "company")
        self.assertEqual(case_scope("member", False), "own")
        self.assertEqual(case_scope("none", True), "none")
        # nobody set a role: helpdesk_mgmt's behaviour, the account's cases
        self.assertEqual(case_scope(False, True), "company")

    def test_team_change_refusals(self):
        self.assertEqual(team_change_refusal(1, 10, 2, 20, False), "not_found")
        self.assertEqual(team_change_refusal(1, 10, 2, None, False), "not_found")
        self.assertEqual(team_change_refusal(1, 10, 2, 10, True), "internal")
        self.assertEqual(team_change_refusal(1, 10, 1, 10, False), "self")
        self.assertIsNone(team_change_refusal(1, 10, 2, 10, False))

    def test_summary_speaks_of_promises_not_of_the_customers_tone(self):
        lines = account_summary(
            Facts(
                recent=6,
                usual=2,
                negative=5,
                breached=2,
                waiting=1,
                csat=3.5,
                ratings=2,
            )
        )
        text = " ".join(lines)
        self.assertIn("6 cases opened in the last 30 days, more than usual", text)
        self.assertIn("2 of them did not get our answer", text)
        self.assertIn("1 open case is waiting for our first answer", text)
        self.assertIn("rated our help 3.5/5", text)
        self.assertNotIn("negative", text)
        self.assertEqual(
            account_summary(Facts()), ["No case opened in the last 30 days."]
        )


class RolesCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.account_a = Partner.create({"name": "Acme Roles A", "is_company": True})
        cls.account_b = Partner.create({"name": "Bluth Roles B", "is_company": True})

        def portal_user(login, account, role, company_cases=True):
            user = new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                name=login.replace("_", " ").title(),
                email=f"{login}@roles.example",
            )
            user.partner_id.write(
                {
                    "parent_id": account.id,
                    "hs_support_role": role,
                    "hs_support_company_cases": company_cases,
                }
            )
            return user

        cls.admin_a = portal_user("hs_r_admin_a", cls.account_a, "admin")
        cls.member_a = portal_user("hs_r_member_a", cls.account_a, "member", False)
        cls.wide_a = portal_user("hs_r_wide_a", cls.account_a, "member", True)
        cls.none_a = portal_user("hs_r_none_a", cls.account_a, "none")
        cls.admin_b = portal_user("hs_r_admin_b", cls.account_b, "admin")
        cls.member_b = portal_user("hs_r_member_b", cls.account_b, "member")
        cls.colleague_a = Partner.create(
            {
                "name": "Colin Colleague",
                "email": "colin@roles-a.example",
                "parent_id": cls.account_a.id,
            }
        )
        cls.contact_b = Partner.create(
            {
                "name": "Barbara B",
                "email": "barbara@roles-b.example",
                "parent_id": cls.account_b.id,
            }
        )
        Ticket = cls.env["helpdesk.ticket"]

        def case(name, partner):
            return Ticket.create(
                {
                    "name": name,
                    "description": f"<p>{name}</p>",
                    "partner_id": partner.id,
                }
            )

        cls.case_admin_a = case("Admin A printer", cls.admin_a.partner_id)
        cls.case_member_a = case("Member A laptop", cls.member_a.partner_id)
        cls.case_colin = case("Colin payroll secret", cls.colleague_a)
        cls.case_followed = case("Colin shares the VPN", cls.colleague_a)
        cls.case_followed.message_subscribe(partner_ids=cls.member_a.partner_id.ids)
        cls.case_none_a = case("Invoice copy please", cls.none_a.partner_id)
        cls.case_b = case("Bluth banana stand", cls.member_b.partner_id)
        cls.cases_a = (
            cls.case_admin_a
            | cls.case_member_a
            | cls.case_colin
            | cls.case_followed
            | cls.case_none_a
        )

    def visible(self, user):
        return (
            self.env["helpdesk.ticket"]
            .with_user(user)
            .search([("id", "in", (self.cases_a | self.case_b).ids)])
        )

    def rpc(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def post(self, url, data, csrf=True):
        if csrf:
            data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open(url, data=data, allow_redirects=False)


@tagged("post_install", "-at_install")
class TestRoleRules(RolesCase):
    """What each role sees, by the ORM as the user."""

    def test_admin_and_wide_member_see_every_case_of_their_account_only(self):
        for user in (self.admin_a, self.wide_a):
            self.assertEqual(self.visible(user), self.cases_a, user.login)
        self.assertEqual(self.visible(self.admin_b), self.case_b)

    def test_member_sees_own_and_followed_cases_only(self):
        self.assertEqual(
            self.visible(self.member_a), self.case_member_a | self.case_followed
        )
        with self.assertRaises(AccessError):
            self.case_colin.with_user(self.member_a).check_access("read")
        with self.assertRaises(AccessError):
            self.case_colin.with_user(self.member_a).read(["name"])

    def test_opted_out_contact_sees_no_case_not_even_their_own(self):
        self.assertFalse(self.visible(self.none_a))
        with self.assertRaises(AccessError):
            self.case_none_a.with_user(self.none_a).check_access("read")

    def test_nobody_set_a_role_keeps_helpdesk_mgmt_behaviour(self):
        plain = new_test_user(
            self.env, login="hs_r_plain_a", groups="base.group_portal"
        )
        plain.partner_id.parent_id = self.account_a
        self.assertEqual(plain.partner_id._hs_support_role(), "member")
        self.assertTrue(plain.partner_id._hs_sees_company_cases())
        self.assertEqual(self.visible(plain), self.cases_a)

    def test_a_role_change_applies_at_once(self):
        # the rule's evaluated domain is cached per user: the write clears it
        self.assertNotIn(self.case_colin, self.visible(self.member_a))
        self.member_a.partner_id.hs_support_company_cases = True
        self.assertIn(self.case_colin, self.visible(self.member_a))
        self.member_a.partner_id.hs_support_role = "none"
        self.assertFalse(self.visible(self.member_a))

    def test_internal_users_are_untouched(self):
        agent = new_test_user(
            self.env, login="hs_r_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        own = new_test_user(
            self.env, login="hs_r_own", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        # an internal user's own partner has a role too: it must not matter
        own.partner_id.hs_support_role = "none"
        agent.partner_id.hs_support_role = "none"
        self.case_colin.user_id = own
        self.assertEqual(self.visible(agent), self.cases_a | self.case_b)
        self.assertEqual(self.visible(own), self.case_colin)

    def test_role_changes_are_logged_with_who_did_them(self):
        manager = new_test_user(
            self.env,
            login="hs_r_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager,base.group_partner_manager",
        )
        self.member_a.partner_id.with_user(manager).hs_support_role = "admin"
        log = self.account_a.hs_support_team_log_ids[:1]
        self.assertEqual(log.contact_id, self.member_a.partner_id)
        self.assertEqual(
            (log.action, log.role_before, log.role_after), ("role", "member", "admin")
        )
        self.assertEqual(log.user_id, manager)
        self.assertFalse(log.from_portal)
        self.assertEqual(
            log.with_user(manager).read(["role_after"])[0]["role_after"], "admin"
        )
        with self.assertRaises(AccessError):
            log.with_user(self.admin_a).read(["role_after"])


@tagged("post_install", "-at_install")
class TestRolesOverHttp(RolesCase):
    """The case pages and RPC as each role."""

    def assert_hidden(self, response, *cases):
        for case in cases:
            self.assertNotIn(case.name, response.text)

    def test_opted_out_contact_sees_no_case_anywhere(self):
        self.authenticate("hs_r_none_a", "hs_r_none_a")
        listing = self.url_open("/my/tickets")
        self.assert_hidden(listing, *self.cases_a)
        page = self.url_open(f"/my/ticket/{self.case_none_a.id}")
        self.assert_hidden(page, self.case_none_a)
        self.assertEqual(
            self.rpc("helpdesk.ticket", "search_read", [[]], {"fields": ["name"]}), []
        )
        self.assertEqual(self.rpc("helpdesk.ticket", "search_count", [[]]), 0)
        with self.assertRaises(JsonRpcException):
            self.rpc("helpdesk.ticket", "read", [self.case_none_a.ids, ["name"]])
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["ticket_count"]}
        )
        self.assertEqual(counters["ticket_count"], 0)

    def test_opted_out_contact_is_offered_no_case_form_and_cannot_post_one(self):
        self.authenticate("hs_r_none_a", "hs_r_none_a")
        home = self.url_open("/my")
        self.assertNotIn('action="/new/ticket"', home.text)
        self.assertNotIn('href="/my/tickets"', home.text)
        listing = self.url_open("/my/tickets")
        self.assertNotIn('action="/new/ticket"', listing.text)
        self.assertEqual(self.url_open("/new/ticket").status_code, 403)
        cases_before = self.env["helpdesk.ticket"].search_count([])
        response = self.post(
            "/submitted/ticket",
            {"subject": "Let me in", "description": "A case I could not follow"},
        )
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), cases_before)

    def test_members_are_offered_the_case_tile_and_form(self):
        self.authenticate("hs_r_member_a", "hs_r_member_a")
        home = self.url_open("/my")
        self.assertIn('action="/new/ticket"', home.text)
        self.assertIn('href="/my/tickets"', home.text)
        self.assertEqual(self.url_open("/new/ticket").status_code, 200)

    def test_member_lists_and_opens_only_own_and_followed_cases(self):
        self.authenticate("hs_r_member_a", "hs_r_member_a")
        listing = self.url_open("/my/tickets")
        self.assertIn(self.case_member_a.name, listing.text)
        self.assertIn(self.case_followed.name, listing.text)
        self.assert_hidden(listing, self.case_colin, self.case_admin_a, self.case_b)
        for case in (self.case_colin, self.case_admin_a, self.case_b):
            self.assert_hidden(self.url_open(f"/my/ticket/{case.id}"), case)
        found = self.rpc("helpdesk.ticket", "search_read", [[]], {"fields": ["name"]})
        self.assertEqual(
            {r["id"] for r in found}, {self.case_member_a.id, self.case_followed.id}
        )

    def test_member_cannot_post_into_a_colleagues_case(self):
        self.authenticate("hs_r_member_a", "hs_r_member_a")
        before = len(self.case_colin.message_ids)
        with contextlib.suppress(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "helpdesk.ticket",
                    "thread_id": self.case_colin.id,
                    "post_data": {"body": "peek", "message_type": "comment"},
                },
            )
        self.env.invalidate_all()
        self.assertEqual(len(self.case_colin.message_ids), before)

    def test_admin_opens_every_case_of_the_account_and_none_of_another(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        page = self.url_open(f"/my/ticket/{self.case_colin.id}")
        self.assertIn(self.case_colin.name, page.text)
        self.assert_hidden(self.url_open(f"/my/ticket/{self.case_b.id}"), self.case_b)

    def test_member_cannot_raise_their_own_role_over_rpc(self):
        self.authenticate("hs_r_member_a", "hs_r_member_a")
        partner = self.member_a.partner_id
        attempts = (
            ("res.partner", "write", [partner.ids, {"hs_support_role": "admin"}]),
            (
                "res.partner",
                "web_save",
                [partner.ids, {"hs_support_company_cases": True}],
                {"specification": {}},
            ),
            ("res.partner", "read", [partner.ids, ["hs_support_role"]]),
            (
                "res.users",
                "write",
                [self.member_a.ids, {"partner_id": self.admin_a.partner_id.id}],
            ),
            (
                "hybrid.support.portal.team.log",
                "search_read",
                [[]],
                {"fields": ["role_after"]},
            ),
            (
                "portal.wizard",
                "create",
                [{"partner_ids": [(6, 0, self.colleague_a.ids)]}],
            ),
        )
        for attempt in attempts:
            with self.subTest(attempt=attempt[:2]), mute_logger("odoo.http"):
                with self.assertRaises(JsonRpcException):
                    self.rpc(*attempt)
        self.env.invalidate_all()
        self.assertEqual(partner.hs_support_role, "member")
        self.assertFalse(partner.hs_support_company_cases)
        self.assertEqual(self.member_a.partner_id, partner)
        self.assertNotIn(self.case_colin, self.visible(self.member_a))


@tagged("post_install", "-at_install")
class TestTeamPage(RolesCase):
    """/my/support/team and its actions: as the admin, a member, an opted-out
    contact and against another account's contacts."""

    def test_admin_sees_the_team_and_the_account_summary(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        page = self.url_open("/my/support/team")
        self.assertEqual(page.status_code, 200)
        for partner in (
            self.member_a.partner_id,
            self.none_a.partner_id,
            self.colleague_a,
        ):
            self.assertIn(partner.name, page.text)
        self.assertNotIn(self.contact_b.name, page.text)
        self.assertNotIn(self.admin_b.name, page.text)
        self.assertIn("cases opened in the last 30 days", page.text)
        self.assertIn("o_hs_health", page.text)
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["hs_support_team_count"]}
        )
        self.assertEqual(counters["hs_support_team_count"], 4)

    def test_member_and_opted_out_contact_get_no_team_page(self):
        for login in ("hs_r_member_a", "hs_r_wide_a", "hs_r_none_a"):
            self.authenticate(login, login)
            page = self.url_open("/my/support/team", allow_redirects=False)
            self.assertEqual(page.status_code, 303, login)
            self.assertTrue(page.headers["Location"].endswith("/my"), login)
            counters = self.make_jsonrpc_request(
                "/my/counters", {"counters": ["hs_support_team_count"]}
            )
            self.assertEqual(counters["hs_support_team_count"], 0)

    def test_admin_changes_a_colleagues_role_and_it_is_logged(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        partner = self.member_a.partner_id
        response = self.post(
            f"/my/support/team/{partner.id}/role",
            {"role": "member", "company_cases": "1"},
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn("msg=role", response.headers["Location"])
        self.assertTrue(partner.hs_support_company_cases)
        self.assertIn(self.case_colin, self.visible(self.member_a))
        log = self.account_a.hs_support_team_log_ids[:1]
        self.assertEqual(log.user_id, self.admin_a)
        self.assertTrue(log.from_portal)
        self.assertEqual(
            (log.company_cases_before, log.company_cases_after), (False, True)
        )

    def test_admin_revokes_a_colleague(self):
        colleague_session = self.authenticate("hs_r_wide_a", "hs_r_wide_a")
        self.assertIn(self.case_colin.name, self.url_open("/my/tickets").text)
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        response = self.post(f"/my/support/team/{self.wide_a.partner_id.id}/revoke", {})
        self.assertIn("msg=revoked", response.headers["Location"])
        self.assertFalse(self.wide_a.active)
        self.assertFalse(self.wide_a.has_group("base.group_portal"))
        self.assertEqual(self.account_a.hs_support_team_log_ids[:1].action, "revoke")
        # the revoked colleague's open session no longer opens the account's cases
        self.opener = Opener(self)
        self.opener.cookies.set("session_id", colleague_session.sid, domain=HOST)
        self.assertNotIn(self.case_colin.name, self.url_open("/my/tickets").text)
        self.assertNotIn(
            self.case_colin.name, self.url_open(f"/my/ticket/{self.case_colin.id}").text
        )

    def test_admin_invites_an_existing_contact_through_the_portal_wizard(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        response = self.post(
            "/my/support/team/invite",
            {"contact_id": self.colleague_a.id, "role": "none"},
        )
        self.assertIn("msg=invited", response.headers["Location"])
        user = self.colleague_a.user_ids
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertEqual(user.login, "colin@roles-a.example")
        self.assertEqual(self.colleague_a.hs_support_role, "none")
        invitation = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.colleague_a.ids)]
        )
        self.assertTrue(invitation, "the portal wizard's invitation was sent")
        self.assertIn("invite", self.account_a.hs_support_team_log_ids.mapped("action"))

    def test_admin_invites_a_new_colleague_by_name_and_email(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        self.post(
            "/my/support/team/invite",
            {
                "name": "Nina New",
                "email": "Nina <nina@roles-a.example>",
                "role": "admin",
            },
        )
        nina = self.env["res.partner"].search([("email", "=", "nina@roles-a.example")])
        self.assertEqual(nina.parent_id, self.account_a)
        self.assertEqual(nina.hs_support_role, "admin")
        self.assertTrue(nina.user_ids.has_group("base.group_portal"))

    def test_an_invitation_the_wizard_refuses_changes_nothing(self):
        # member_b's address is already a login: the wizard refuses, the
        # page says why, and no contact is left behind in account A
        self.member_b.login = "mb@roles-b.example"
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        page = self.post(
            "/my/support/team/invite",
            {"name": "Impostor", "email": self.member_b.login, "role": "admin"},
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("could not be sent", page.text)
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Impostor")]))
        self.assertEqual(self.member_b.partner_id.parent_id, self.account_b)

    def test_admin_cannot_change_their_own_role_or_access(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        me = self.admin_a.partner_id
        for url, data in (
            (f"/my/support/team/{me.id}/role", {"role": "none"}),
            (f"/my/support/team/{me.id}/revoke", {}),
        ):
            response = self.post(url, data)
            self.assertIn("error=self", response.headers["Location"])
        self.assertEqual(me.hs_support_role, "admin")
        self.assertTrue(self.admin_a.active)

    def test_admin_of_a_cannot_touch_account_bs_contacts(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        member_b = self.member_b.partner_id
        for url, data in (
            (f"/my/support/team/{member_b.id}/role", {"role": "none"}),
            (f"/my/support/team/{self.admin_b.partner_id.id}/role", {"role": "member"}),
            (f"/my/support/team/{member_b.id}/revoke", {}),
            (f"/my/support/team/{self.account_b.id}/revoke", {}),
            (
                "/my/support/team/invite",
                {"contact_id": self.contact_b.id, "role": "admin"},
            ),
            (
                "/my/support/team/invite",
                {"contact_id": self.account_b.id, "role": "admin"},
            ),
            ("/my/support/team/invite", {"contact_id": "x", "role": "admin"}),
        ):
            response = self.post(url, data)
            self.assertIn("error=not_found", response.headers["Location"], url)
        self.assertEqual(member_b.hs_support_role, "member")
        self.assertEqual(self.admin_b.partner_id.hs_support_role, "admin")
        self.assertTrue(self.member_b.active)
        self.assertFalse(self.contact_b.user_ids)
        self.assertFalse(self.account_b.hs_support_team_log_ids.filtered("from_portal"))

    def test_member_session_cannot_use_the_admins_actions(self):
        partner = self.wide_a.partner_id
        attempts = (
            (f"/my/support/team/{partner.id}/role", {"role": "none"}),
            (
                f"/my/support/team/{self.member_a.partner_id.id}/role",
                {"role": "admin"},
            ),
            (f"/my/support/team/{partner.id}/revoke", {}),
            (
                "/my/support/team/invite",
                {"contact_id": self.colleague_a.id, "role": "admin"},
            ),
            (
                "/my/support/team/invite",
                {"name": "X", "email": "x@x.example", "role": "admin"},
            ),
        )
        for login in ("hs_r_member_a", "hs_r_wide_a", "hs_r_none_a", "hs_r_admin_b"):
            self.authenticate(login, login)
            # B's admin may invite into B: only A's contacts are tried
            for url, data in attempts[:4] if login == "hs_r_admin_b" else attempts:
                response = self.post(url, data)
                self.assertEqual(response.status_code, 303, (login, url))
                self.assertNotIn("msg=", response.headers["Location"], (login, url))
        self.assertEqual(partner.hs_support_role, "member")
        self.assertEqual(self.member_a.partner_id.hs_support_role, "member")
        self.assertTrue(self.wide_a.active)
        self.assertFalse(self.colleague_a.user_ids)
        self.assertFalse(
            self.env["res.partner"].search([("email", "=", "x@x.example")])
        )

    def test_actions_need_the_csrf_token_and_a_post(self):
        self.authenticate("hs_r_admin_a", "hs_r_admin_a")
        partner = self.member_a.partner_id
        with mute_logger("odoo.http"):
            response = self.post(
                f"/my/support/team/{partner.id}/role", {"role": "none"}, csrf=False
            )
            self.assertIn(response.status_code, (400, 403))
            response = self.url_open(
                f"/my/support/team/{partner.id}/revoke", allow_redirects=False
            )
            self.assertIn(response.status_code, (404, 405))
        self.assertEqual(partner.hs_support_role, "member")
        self.assertTrue(self.member_a.active)

    def test_anonymous_visitor_is_sent_to_login(self):
        page = self.url_open("/my/support/team", allow_redirects=False)
        self.assertIn("/web/login", page.headers.get("Location", ""))
        response = self.url_open(
            f"/my/support/team/{self.member_a.partner_id.id}/role",
            data={"role": "none"},
            allow_redirects=False,
        )
        self.assertNotEqual(response.status_code, 200)
        self.assertEqual(self.member_a.partner_id.hs_support_role, "member")


@tagged("post_install", "-at_install")
class TestTeamTour(RolesCase):
    def test_admin_invites_a_colleague_and_changes_their_role(self):
        self.start_tour(
            "/my/support/team",
            "hybrid_support_portal_team",
            login="hs_r_admin_a",
        )
        rita = self.env["res.partner"].search(
            [("email", "=", "rita.tour@roles-a.example")]
        )
        self.assertEqual(rita.parent_id, self.account_a)
        self.assertTrue(rita.user_ids.has_group("base.group_portal"))
        self.assertEqual(rita.hs_support_role, "admin")
        self.assertEqual(
            self.account_a.hs_support_team_log_ids.filtered(
                lambda log: log.contact_id == rita
            ).mapped("action"),
            ["role", "invite", "role"],
        )
