"""Portal feedback during a wave's pilot or hypercare: posted by the
wave's customers from /my/feedback (CSRF), routed to the wave's owner, with
a review state. As attackers: a customer outside any wave, a portal user of
another company (by URL and over /web/dataset/call_kw), anonymous visitors,
forged wave ids; back office as the wave's owner, another agent and a
manager of another company. And the tour of a pilot customer's first
login, in Chromium."""

from odoo import http
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

FEEDBACK = "hybrid.support.rollout.feedback"


@tagged("post_install", "-at_install")
class TestFeedback(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.company_b = cls.env["res.company"].create({"name": "Desk B"})

        def portal_user(login, account, company=None):
            company = company or cls.env.company
            user = new_test_user(
                cls.env,
                login=login,
                groups="base.group_portal",
                name=login.replace("_", " ").title(),
                email=f"{login}@feedback.example",
                company_id=company.id,
                company_ids=[(6, 0, company.ids)],
            )
            user.partner_id.parent_id = account
            return user

        cls.pilot_account = Partner.create({"name": "Pilot Paper", "is_company": True})
        cls.outside_account = Partner.create(
            {"name": "Outside Oil", "is_company": True}
        )
        cls.b_account = Partner.create(
            {"name": "Bee Bakery", "is_company": True, "company_id": cls.company_b.id}
        )
        cls.pia = portal_user("hs_fb_pia", cls.pilot_account)
        cls.otto = portal_user("hs_fb_otto", cls.outside_account)
        cls.bea = portal_user("hs_fb_bea", cls.b_account, cls.company_b)
        cls.owner = new_test_user(
            cls.env, login="hs_fb_owner", groups="helpdesk_mgmt.group_helpdesk_user_own"
        )
        cls.other_agent = new_test_user(
            cls.env, login="hs_fb_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="hs_fb_manager_b",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        Wave = cls.env["hybrid.support.rollout.wave"]
        cls.wave = Wave.create(
            {
                "name": "Pilot wave",
                "owner_id": cls.owner.id,
                "partner_ids": [(6, 0, cls.pilot_account.ids)],
            }
        )
        cls.wave.action_start_pilot()
        cls.wave_b = Wave.create(
            {
                "name": "Desk B pilot",
                "company_id": cls.company_b.id,
                "owner_id": cls.manager_b.id,
                "partner_ids": [(6, 0, cls.b_account.ids)],
            }
        )
        cls.wave_b.action_start_pilot()
        cls.bea_feedback = (
            cls.env[FEEDBACK]
            .sudo()
            .create(
                {
                    "wave_id": cls.wave_b.id,
                    "partner_id": cls.bea.partner_id.id,
                    "text": "Bee secret: our bakery moves in May",
                    "score": "2",
                }
            )
        )
        cls.case = cls.env["helpdesk.ticket"].create(
            {
                "name": "Label printer jams",
                "description": "<p>It jams.</p>",
                "partner_id": cls.pia.partner_id.id,
            }
        )

    def post(self, data, csrf=True):
        if csrf:
            data = dict(data, csrf_token=http.Request.csrf_token(self))
        return self.url_open("/my/feedback/submit", data=data, allow_redirects=False)

    def rpc(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def feedback_of(self, user):
        return self.env[FEEDBACK].search([("partner_id", "=", user.partner_id.id)])

    def test_pilot_customer_posts_feedback_routed_to_the_wave_owner(self):
        self.authenticate("hs_fb_pia", "hs_fb_pia")
        page = self.url_open("/my/feedback")
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_hs_feedback_form", page.text)
        self.assertIn('name="text"', page.text)
        self.assertNotIn("Bee secret", page.text)
        response = self.post({"text": "Search is slow", "score": "3"})
        self.assertEqual(response.status_code, 303)
        feedback = self.feedback_of(self.pia)
        self.assertEqual(
            (feedback.wave_id, feedback.text, feedback.score, feedback.state),
            (self.wave, "Search is slow", "3", "new"),
        )
        self.assertEqual(feedback.activity_ids.user_id, self.owner)
        # the wave's owner reads and reviews it; the page lists it back
        as_owner = feedback.with_user(self.owner)
        self.assertEqual(as_owner.search([("owner_id", "=", self.owner.id)]), feedback)
        as_owner.action_reviewed()
        self.assertEqual(feedback.state, "reviewed")
        self.assertIn("Search is slow", self.url_open("/my/feedback").text)

    def test_invalid_posts_are_refused_with_a_reason(self):
        self.authenticate("hs_fb_pia", "hs_fb_pia")
        for data in (
            {"text": "  ", "score": "3"},
            {"text": "Fine", "score": "9"},
            {"text": "Fine"},
        ):
            with self.subTest(data=data):
                response = self.post(data)
                self.assertEqual(response.status_code, 200)
                self.assertIn("o_hs_feedback_error", response.text)
        self.assertFalse(self.feedback_of(self.pia))

    @mute_logger("odoo.http")
    def test_post_without_csrf_token_is_refused(self):
        self.authenticate("hs_fb_pia", "hs_fb_pia")
        response = self.post({"text": "No token", "score": "3"}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.feedback_of(self.pia))

    def test_customer_outside_any_wave_gets_no_page_and_cannot_post(self):
        self.authenticate("hs_fb_otto", "hs_fb_otto")
        self.assertEqual(self.url_open("/my/feedback").status_code, 404)
        response = self.post(
            {"text": "Let me in", "score": "5", "wave_id": self.wave.id}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.feedback_of(self.otto))
        self.assertNotIn("/my/feedback", self.url_open("/my").text.split("d-none")[0])

    def test_anonymous_cannot_post(self):
        before = self.env[FEEDBACK].search_count([])
        response = self.url_open(
            "/my/feedback/submit",
            data={"text": "Anonymous", "score": "1", "wave_id": self.wave.id},
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (303, 400))
        self.assertEqual(self.env[FEEDBACK].search_count([]), before)

    def test_forged_wave_of_another_company_is_refused(self):
        self.authenticate("hs_fb_pia", "hs_fb_pia")
        response = self.post(
            {"text": "Forged", "score": "3", "wave_id": self.wave_b.id}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.bea_feedback.wave_id.feedback_ids - self.bea_feedback)
        self.assertFalse(self.feedback_of(self.pia))

    def test_portal_user_cannot_reach_feedback_over_rpc(self):
        self.authenticate("hs_fb_pia", "hs_fb_pia")
        for method, args, kwargs in (
            ("search_read", [[]], {"fields": ["text"]}),
            ("read", [self.bea_feedback.ids, ["text"]], {}),
            ("write", [self.bea_feedback.ids, {"state": "done"}], {}),
            (
                "create",
                [
                    {
                        "wave_id": self.wave.id,
                        "partner_id": self.pia.partner_id.id,
                        "text": "RPC",
                        "score": "1",
                    }
                ],
                {},
            ),
        ):
            with self.subTest(method=method), mute_logger("odoo.http"):
                with self.assertRaises(JsonRpcException):
                    self.rpc(FEEDBACK, method, args, kwargs)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.rpc("hybrid.support.rollout.wave", "search_read", [[]], {})
        self.assertEqual(self.bea_feedback.state, "new")
        self.assertFalse(self.feedback_of(self.pia))

    def test_page_follows_the_wave_state_and_setting(self):
        self.authenticate("hs_fb_pia", "hs_fb_pia")
        self.wave.feedback_enabled = False
        self.assertEqual(self.url_open("/my/feedback").status_code, 404)
        self.wave.feedback_enabled = True
        self.wave.action_activate()
        self.assertEqual(self.url_open("/my/feedback").status_code, 404)
        self.wave.action_start_hypercare()
        self.assertEqual(self.url_open("/my/feedback").status_code, 200)
        self.wave.action_done()
        self.assertEqual(self.url_open("/my/feedback").status_code, 404)

    def test_back_office_access_by_owner_agent_and_company(self):
        mine = self.env[FEEDBACK].create(
            {
                "wave_id": self.wave.id,
                "partner_id": self.pia.partner_id.id,
                "text": "Mine",
                "score": "4",
            }
        )
        self.assertEqual(self.env[FEEDBACK].with_user(self.owner).search([]), mine)
        with self.assertRaises(AccessError):
            self.bea_feedback.with_user(self.owner).read(["text"])
        self.assertFalse(self.env[FEEDBACK].with_user(self.other_agent).search([]))
        with self.assertRaises(AccessError):
            mine.with_user(self.other_agent).read(["text"])
        as_manager_b = self.env[FEEDBACK].with_user(self.manager_b)
        self.assertEqual(as_manager_b.search([]), self.bea_feedback)
        with self.assertRaises(AccessError):
            mine.with_user(self.manager_b).read(["text"])
        with self.assertRaises(AccessError):
            self.env[FEEDBACK].with_user(self.owner).create(
                {
                    "wave_id": self.wave.id,
                    "partner_id": self.pia.partner_id.id,
                    "text": "x",
                    "score": "1",
                }
            )

    def test_tour_pilot_customer_first_login_and_feedback(self):
        self.assertFalse(self.pia.log_ids, "never logged in before")
        self.start_tour("/my", "hybrid_support_rollout_feedback", login="hs_fb_pia")
        self.assertTrue(self.pia.sudo().log_ids, "the tour was their first login")
        feedback = self.feedback_of(self.pia)
        self.assertEqual(len(feedback), 1)
        self.assertEqual(feedback.wave_id, self.wave)
        self.assertEqual(feedback.partner_id, self.pia.partner_id)
        self.assertEqual(feedback.score, "4")
        self.assertIn("cases of my colleagues", feedback.text)
