"""The help center over HTTP, as its visitors: anonymous, customers of two
companies, an employee of the other company; and as an attacker (other
companies' articles, drafts and internal articles by URL, other customers'
cases, the anonymous write cap)."""

import re
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import http
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from ..tools import deflection

ARTICLE = "hybrid.support.kb.article"
EVENT = "hybrid.support.kb.event"
SEARCH = "hybrid.support.kb.search"


class HelpCenterCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "Initech Help"})
        cls.company_a.hs_help_center_access = "public"
        # the logs start empty: the demo's visits are not these tests' visitors
        cls.env[EVENT].search([]).unlink()
        cls.env[SEARCH].search([]).unlink()
        Article = cls.env[ARTICLE]

        def article(name, **values):
            return Article.create(
                {
                    "name": name,
                    "keywords": "zorblax",
                    "body": f"<p>{name}: turn the zorblax off and on.</p>",
                    "state": "published",
                    "audience": "public",
                    "company_id": cls.company_a.id,
                    **values,
                }
            )

        cls.public_a = article("Zorblax reset for everyone")
        cls.customers_a = article("Zorblax reset for customers", audience="customers")
        cls.internal_a = article("Zorblax reset for agents", audience="internal")
        cls.draft_a = article("Zorblax reset draft", state="draft")
        cls.public_b = article("Zorblax reset of Initech", company_id=cls.company_b.id)
        cls.shared = article("Zorblax reset shared", company_id=False)
        cls.customer_a = new_test_user(
            cls.env, login="hs_help_cust_a", groups="base.group_portal"
        )
        cls.customer_b = new_test_user(
            cls.env,
            login="hs_help_cust_b",
            groups="base.group_portal",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.employee_b = new_test_user(
            cls.env,
            login="hs_help_emp_b",
            groups="base.group_user",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )

    def page(self, url):
        response = self.url_open(url)
        return response.status_code, response.text

    def titles_listed(self, html):
        everything = self.public_a | self.customers_a | self.internal_a
        everything |= self.draft_a | self.public_b | self.shared
        return everything.filtered(lambda a: a.name in html)

    def post(self, url, data):
        return self.url_open(
            url, data={**data, "csrf_token": http.Request.csrf_token(self)}
        )


@tagged("post_install", "-at_install")
class TestHelpCenterAccess(HelpCenterCase):
    def assert_sees(self, visible):
        status, html = self.page("/help?search=zorblax+reset")
        self.assertEqual(status, 200)
        self.assertEqual(self.titles_listed(html), visible)
        everything = self.public_a | self.customers_a | self.internal_a
        everything |= self.draft_a | self.public_b | self.shared
        for article in everything:
            with self.subTest(article=article.name):
                status, html = self.page(article.help_url)
                if article in visible:
                    self.assertEqual(status, 200)
                    self.assertIn("Did this answer your question?", html)
                else:
                    self.assertEqual(status, 404)
                    self.assertNotIn("turn the zorblax", html)

    def test_anonymous_visitor_reads_only_public_articles_of_the_company(self):
        self.authenticate(None, None)
        self.assert_sees(self.public_a | self.shared)

    def test_customer_reads_public_and_customer_articles_of_own_company(self):
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        self.assert_sees(self.public_a | self.customers_a | self.shared)

    def test_customer_of_another_company_reads_only_its_company(self):
        self.authenticate("hs_help_cust_b", "hs_help_cust_b")
        self.assert_sees(self.public_b | self.shared)

    def test_employee_of_another_company_reads_only_its_company(self):
        self.authenticate("hs_help_emp_b", "hs_help_emp_b")
        self.assert_sees(self.public_b | self.shared)

    def test_article_url_keeps_working_when_the_title_changes(self):
        self.authenticate(None, None)
        old_url = self.public_a.help_url
        self.public_a.name = "Zorblax: a new title"
        status, html = self.page(old_url)
        self.assertEqual(status, 200)
        self.assertIn("Zorblax: a new title", html)
        self.assertEqual(self.page(f"/help/article/{self.draft_a.id}")[0], 404)
        self.assertEqual(self.page("/help/article/not-a-number")[0], 404)

    def test_portal_only_help_center_asks_anonymous_visitors_to_sign_in(self):
        self.company_a.hs_help_center_access = "portal"
        self.authenticate(None, None)
        for url in ("/help", self.public_a.help_url):
            response = self.url_open(url, allow_redirects=False)
            self.assertIn(response.status_code, (302, 303))
            self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        self.assertEqual(self.page("/help")[0], 200)

    def test_translation_served_in_the_visitors_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.public_a.with_context(lang="fr_FR").write(
            {"name": "Réinitialiser le zorblax"}
        )
        self.customer_a.lang = "fr_FR"
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        _status, html = self.page(self.public_a.help_url)
        self.assertIn("Réinitialiser le zorblax", html)
        _status, html = self.page("/help?search=r%C3%A9initialiser")
        self.assertIn("Réinitialiser le zorblax", html)

    def test_portal_user_reads_no_log_over_rpc(self):
        self.env[EVENT].create(
            {"event_type": "viewed", "source": "search", "article_id": self.public_a.id}
        )
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        for model in (EVENT, SEARCH):
            with self.subTest(model=model), self.assertRaises(Exception) as caught:
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/{model}/search_read",
                    {
                        "model": model,
                        "method": "search_read",
                        "args": [[]],
                        "kwargs": {},
                    },
                )
            self.assertIn("AccessError", str(caught.exception))


@tagged("post_install", "-at_install")
class TestHelpCenterLogs(HelpCenterCase):
    def events(self, **domain):
        return self.env[EVENT].search([(k, "=", v) for k, v in domain.items()])

    def test_anonymous_feedback_is_recorded_with_a_session_hash(self):
        self.authenticate(None, None)
        self.page(f"{self.public_a.help_url}?src=search&q=zorblax")
        response = self.post(
            f"/help/article/{self.public_a.id}/feedback",
            {"helpful": "1", "src": "search", "q": "zorblax"},
        )
        self.assertIn("glad it helped", response.text)
        viewed = self.events(article_id=self.public_a.id, event_type="viewed")
        helpful = self.events(article_id=self.public_a.id, event_type="helpful")
        self.assertEqual(len(viewed), 1)
        self.assertEqual(len(helpful), 1)
        self.assertFalse(helpful.partner_id)
        self.assertEqual(len(helpful.session_hash), 32)
        self.assertNotIn(helpful.session_hash, self.session.sid)
        self.assertEqual(helpful.session_hash, viewed.session_hash)
        self.assertEqual(helpful.company_id, self.company_a)

    def test_customer_not_helpful_with_comment(self):
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        self.post(
            f"/help/article/{self.customers_a.id}/feedback",
            {"helpful": "0", "comment": "x" * 5000, "src": "search"},
        )
        event = self.events(article_id=self.customers_a.id, event_type="not_helpful")
        self.assertEqual(event.partner_id, self.customer_a.partner_id)
        self.assertEqual(len(event.comment), 1000)

    def test_feedback_on_an_invisible_article_is_refused(self):
        self.authenticate("hs_help_cust_b", "hs_help_cust_b")
        response = self.post(
            f"/help/article/{self.customers_a.id}/feedback", {"helpful": "0"}
        )
        self.assertEqual(response.status_code, 404)
        self.assertFalse(self.events(article_id=self.customers_a.id))

    def test_search_without_result_is_logged(self):
        self.authenticate(None, None)
        _status, html = self.page("/help?search=quantum+entanglement+warranty")
        self.assertIn("No article matches", html)
        self.assertIn("/new/ticket?subject=quantum+entanglement+warranty", html)
        logged = self.env[SEARCH].search(
            [("query", "=", "quantum entanglement warranty")]
        )
        self.assertEqual(len(logged), 1)
        self.assertTrue(logged.no_result)
        self.assertEqual(logged.company_id, self.company_a)
        self.page("/help?search=zorblax")
        found = self.env[SEARCH].search([("query", "=", "zorblax")])
        self.assertEqual(found.result_count, 2)  # public_a and shared

    def test_search_tolerates_typos(self):
        self.authenticate(None, None)
        _status, html = self.page("/help?search=zorblex+reest")
        self.assertIn(self.public_a.name, html)

    def test_anonymous_visitor_cannot_flood_the_logs(self):
        self.authenticate(None, None)
        self.page("/help")
        session_hash = self.env[EVENT]._session_hash(self.session.sid)
        self.env[EVENT].create(
            [
                {
                    "event_type": "viewed",
                    "source": "search",
                    "session_hash": session_hash,
                }
                for _ in range(60)
            ]
        )
        self.page(self.public_a.help_url)
        self.page("/help?search=flood")
        self.assertEqual(len(self.events(session_hash=session_hash)), 60)
        self.assertFalse(self.env[SEARCH].search([("query", "=", "flood")]))


@tagged("post_install", "-at_install")
class TestHelpCenterDeflection(HelpCenterCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_a = cls.env["helpdesk.ticket"].create(
            {
                "name": "My zorblax is stuck",
                "description": "<p>It does not reset.</p>",
                "partner_id": cls.customer_a.partner_id.id,
                "company_id": cls.company_a.id,
            }
        )
        cls.case_a._portal_ensure_token()

    def test_new_case_form_suggests_and_deflects_without_a_case(self):
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        cases = self.env["helpdesk.ticket"].search_count([])
        found = self.make_jsonrpc_request(
            "/help/suggest", {"subject": "zorblax reset", "description": ""}
        )
        ids = {item["id"] for item in found}
        self.assertTrue(ids)
        self.assertLessEqual(
            ids, set((self.public_a | self.customers_a | self.shared).ids)
        )
        suggested = self.env[EVENT].search([("event_type", "=", "suggested")])
        self.assertEqual(set(suggested.article_id.ids), ids)
        self.assertEqual(set(suggested.mapped("source")), {"new_case"})
        # shown already: not recorded twice
        self.make_jsonrpc_request(
            "/help/suggest",
            {"subject": "zorblax reset", "description": "", "shown": list(ids)},
        )
        self.assertEqual(
            self.env[EVENT].search_count([("event_type", "=", "suggested")]),
            len(ids),
        )
        result = self.make_jsonrpc_request(
            "/help/deflect", {"article_id": found[0]["id"], "subject": "zorblax reset"}
        )
        self.assertTrue(result["ok"])
        deflected = self.env[EVENT].search([("event_type", "=", "deflected")])
        self.assertEqual(deflected.article_id.id, found[0]["id"])
        self.assertEqual(deflected.partner_id, self.customer_a.partner_id)
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), cases)

    def test_deflecting_an_invisible_article_records_nothing(self):
        self.authenticate("hs_help_cust_b", "hs_help_cust_b")
        result = self.make_jsonrpc_request(
            "/help/deflect", {"article_id": self.customers_a.id}
        )
        self.assertFalse(result["ok"])
        self.assertFalse(self.env[EVENT].search([]))
        found = self.make_jsonrpc_request("/help/suggest", {"subject": "zorblax"})
        self.assertEqual(
            {item["id"] for item in found}, {self.public_b.id, self.shared.id}
        )

    def test_open_a_case_prefills_the_subject(self):
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        _status, html = self.page("/new/ticket?subject=zorblax+broken")
        self.assertIn('value="zorblax broken"', html)
        self.assertIn("o_hs_kb_form_suggestions", html)

    def test_case_closed_from_a_helpful_article_with_the_case_token(self):
        self.authenticate(None, None)
        url = (
            f"{self.public_a.help_url}?src=acknowledgement&case_id={self.case_a.id}"
            f"&access_token={self.case_a.access_token}"
        )
        self.page(url)
        response = self.post(
            f"/help/article/{self.public_a.id}/feedback",
            {
                "helpful": "1",
                "src": "acknowledgement",
                "case_id": self.case_a.id,
                "access_token": self.case_a.access_token,
            },
        )
        self.assertIn("close my case", response.text)
        self.post(
            f"/help/article/{self.public_a.id}/close_case",
            {
                "case_id": self.case_a.id,
                "access_token": self.case_a.access_token,
                "src": "acknowledgement",
            },
        )
        self.assertTrue(self.case_a.closed)
        deflected = self.env[EVENT].search([("event_type", "=", "deflected")])
        self.assertEqual(deflected.ticket_id, self.case_a)
        self.assertEqual(deflected.source, "acknowledgement")

    def test_case_of_another_customer_cannot_be_closed(self):
        self.authenticate("hs_help_cust_b", "hs_help_cust_b")
        for token in ("", "forged", None):
            data = {"case_id": self.case_a.id}
            if token is not None:
                data["access_token"] = token
            response = self.post(f"/help/article/{self.shared.id}/close_case", data)
            self.assertEqual(response.status_code, 404)
        self.assertFalse(self.case_a.closed)
        self.assertFalse(self.env[EVENT].search([("event_type", "=", "deflected")]))

    def test_case_owner_signed_in_closes_without_token(self):
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        self.post(
            f"/help/article/{self.customers_a.id}/close_case",
            {"case_id": self.case_a.id},
        )
        self.assertTrue(self.case_a.closed)
        self.assertTrue(
            self.case_a.message_ids.filtered(
                lambda m: "answered the question" in (m.body or "")
            )
        )


@tagged("post_install", "-at_install")
class TestHelpCenterTours(HelpCenterCase):
    def test_tour_search_article_yes(self):
        self.start_tour("/help", "hybrid_support_kb_help_search", login=None)
        helpful = self.env[EVENT].search([("event_type", "=", "helpful")])
        self.assertEqual(helpful.article_id, self.public_a)
        self.assertTrue(
            self.env[SEARCH].search([("query", "=", "Zorblax reset for everyone")])
        )

    def test_tour_new_case_form_deflection(self):
        cases = self.env["helpdesk.ticket"].search_count([])
        self.start_tour(
            "/new/ticket", "hybrid_support_kb_new_case_deflect", login="hs_help_cust_a"
        )
        deflected = self.env[EVENT].search([("event_type", "=", "deflected")])
        self.assertEqual(len(deflected), 1)
        self.assertEqual(deflected.source, "new_case")
        self.assertEqual(self.env["helpdesk.ticket"].search_count([]), cases)


@tagged("post_install", "-at_install")
class TestHelpCenterAddressCeiling(HelpCenterCase):
    """A bot that drops its cookie between "read the article" and "Yes, this
    helped" pairs is a new session each time: the client address's daily
    ceilings (tools/deflection.py) bound what it writes and counts."""

    def bot_pair(self, headers=None):
        """A fresh visitor: no cookie, the article page, its CSRF token, Yes."""
        self.opener.cookies.clear()
        html = self.url_open(
            f"{self.public_a.help_url}?src=search", headers=headers
        ).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        return self.url_open(
            f"/help/article/{self.public_a.id}/feedback",
            data={"helpful": "1", "src": "search", "csrf_token": token},
            headers=headers,
        )

    def counted(self, **domain):
        events = self.env[EVENT].search(
            [("article_id", "=", self.public_a.id)]
            + [(k, "=", v) for k, v in domain.items()]
        )
        return len(events), len(events.filtered("deflection"))

    def test_cookieless_flood_stays_under_the_address_ceilings(self):
        pairs = deflection.MAX_EVENTS_PER_ADDRESS_DAY
        for _pair in range(pairs):
            response = self.bot_pair()
            # no oracle: the bot sees the usual thank-you page throughout
            self.assertEqual(response.status_code, 200)
            self.assertIn("glad it helped", response.text)
        events, deflections = self.counted()
        ceiling = deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY
        self.assertEqual(deflections, ceiling)
        self.assertEqual(events, ceiling + deflection.MAX_EVENTS_PER_ADDRESS_DAY)
        stored = self.env[EVENT].search([("article_id", "=", self.public_a.id)])
        # a new session per pair, and the last pairs stored nothing
        self.assertLess(len(set(stored.mapped("session_hash"))), pairs)
        # one pseudonym for the address and day, never the address itself
        [address_hash] = set(stored.mapped("address_hash"))
        self.assertEqual(len(address_hash), 32)
        self.assertNotIn("127.0.0.1", address_hash)

    def test_a_second_address_still_counts(self):
        for _pair in range(deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY + 2):
            self.bot_pair()
        self.assertEqual(self.counted()[1], deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY)
        # behind a proxy (proxy_mode), X-Forwarded-For names the client
        behind_proxy = {
            "X-Forwarded-For": "203.0.113.7",
            "X-Forwarded-Host": "help.example.com",
        }
        with patch.dict(config.options, {"proxy_mode": True}):
            self.bot_pair(behind_proxy)
        other = self.env[EVENT]._address_hash("203.0.113.7")
        self.assertEqual(self.counted(address_hash=other), (2, 1))
        self.assertEqual(
            self.counted()[1], deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY + 1
        )

    def bot_search(self, text, headers=None):
        """A fresh visitor (no cookie) searching the help center."""
        self.opener.cookies.clear()
        return self.url_open(f"/help?search={text}", headers=headers)

    def test_cookieless_searches_stay_under_the_address_ceiling(self):
        ceiling = deflection.MAX_SEARCHES_PER_ADDRESS_DAY
        for _search in range(ceiling + 5):
            response = self.bot_search("quantum+entanglement+warranty")
            # still answered: the bot sees the usual page throughout
            self.assertEqual(response.status_code, 200)
            self.assertIn("No article matches", response.text)
        response = self.bot_search("zorblax")
        self.assertIn(self.public_a.name, response.text)
        logged = self.env[SEARCH].search([])
        self.assertEqual(len(logged), ceiling)
        self.assertEqual(len(set(logged.mapped("session_hash"))), ceiling)
        [address_hash] = set(logged.mapped("address_hash"))
        self.assertEqual(address_hash, self.env[SEARCH]._address_hash("127.0.0.1"))
        # the searches past the ceiling make no knowledge gap
        unanswered = self.env["hybrid.support.kb.gap"]._kb_unanswered_searches(
            self.company_a, datetime.now() - timedelta(hours=1)
        )
        self.assertEqual(unanswered, ["quantum entanglement warranty"] * ceiling)
        # another address (behind a proxy) and a signed-in customer still count
        behind_proxy = {
            "X-Forwarded-For": "203.0.113.8",
            "X-Forwarded-Host": "help.example.com",
        }
        with patch.dict(config.options, {"proxy_mode": True}):
            self.bot_search("proxied+zorblax", behind_proxy)
        other = self.env[SEARCH]._address_hash("203.0.113.8")
        self.assertEqual(
            self.env[SEARCH].search([("query", "=", "proxied zorblax")]).address_hash,
            other,
        )
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        self.page("/help?search=signed+in+zorblax")
        mine = self.env[SEARCH].search([("query", "=", "signed in zorblax")])
        self.assertEqual(mine.partner_id, self.customer_a.partner_id)
        self.assertFalse(mine.address_hash)

    def test_signed_in_customer_keeps_the_per_user_rule(self):
        for _pair in range(deflection.MAX_EVENTS_PER_ADDRESS_DAY):
            self.bot_pair()
        # the address is full; a customer signed in from it is not limited
        self.authenticate("hs_help_cust_a", "hs_help_cust_a")
        self.page(f"{self.public_a.help_url}?src=search")
        self.post(
            f"/help/article/{self.public_a.id}/feedback",
            {"helpful": "1", "src": "search"},
        )
        partner = self.customer_a.partner_id
        self.assertEqual(self.counted(partner_id=partner.id), (2, 1))
        mine = self.env[EVENT].search([("partner_id", "=", partner.id)])
        self.assertFalse(any(mine.mapped("address_hash")))
