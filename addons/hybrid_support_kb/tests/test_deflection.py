"""Deflected before submission: decided and stored when the event is
written, one per visitor and day, withdrawn by a portal case, reported as
the self-service rate; exact figures on fixture histories, access as an
agent and as a portal user over RPC, and two workers at once."""

import threading
import time
from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError
from odoo.orm.environments import Transaction
from odoo.tests import BaseCase, TransactionCase, new_test_user, tagged

from ..tools import deflection

EVENT = "hybrid.support.kb.event"
REPORT = "hybrid.support.kb.self.service.report"
SEARCH = "hybrid.support.kb.search"


@tagged("at_install")
class TestDeflectionTools(BaseCase):
    def test_what_counts_as_a_deflection(self):
        counts = deflection.counts_as_deflection
        self.assertTrue(counts("deflected", "new_case", False))
        self.assertTrue(counts("helpful", "search", False))
        self.assertTrue(counts("helpful", "new_case", False))
        # an answer to a case that exists is no deflection before submission
        self.assertFalse(counts("deflected", "acknowledgement", True))
        self.assertFalse(counts("deflected", "case_page", True))
        self.assertFalse(counts("helpful", "search", True))
        self.assertFalse(counts("helpful", "case_page", False))
        # reading, being suggested, "not helpful", giving up are no answer
        for event_type in ("viewed", "suggested", "not_helpful", "submitted_anyway"):
            self.assertFalse(counts(event_type, "search", False))
            self.assertFalse(counts(event_type, "new_case", False))

    def test_key_is_the_visitor_and_the_day(self):
        day = datetime(2026, 3, 2, 23, 59)
        self.assertEqual(deflection.deflection_key(7, "abc", day), "p7:2026-03-02")
        self.assertEqual(deflection.deflection_key(None, "abc", day), "sabc:2026-03-02")
        self.assertIsNone(deflection.deflection_key(None, None, day))

    def test_address_key_is_the_client_and_the_day(self):
        day = datetime(2026, 3, 2, 23, 59)
        key = deflection.address_key
        self.assertEqual(key("203.0.113.7", day), "203.0.113.7:2026-03-02")
        # an IPv4 client seen through an IPv6 socket is that IPv4 client
        self.assertEqual(key("::ffff:203.0.113.7", day), "203.0.113.7:2026-03-02")
        # an IPv6 client rotating within its /64 is one client
        self.assertEqual(key("2001:db8:1:2::5", day), key("2001:db8:1:2:ffff::9", day))
        self.assertEqual(key("2001:db8:1:2::5", day), "2001:db8:1:2::/64:2026-03-02")
        self.assertNotEqual(key("2001:db8:1:2::5", day), key("2001:db8:1:3::5", day))
        for junk in (None, "", "unknown", "1.2.3.4, 5.6.7.8"):
            self.assertIsNone(key(junk, day))

    def test_self_service_rate(self):
        self.assertEqual(deflection.self_service_rate(3, 1), 75.0)
        self.assertEqual(deflection.self_service_rate(0, 4), 0.0)
        self.assertIsNone(deflection.self_service_rate(0, 0))


class DeflectionCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env[EVENT].search([]).unlink()  # the demo's visits are not ours
        # a company of its own: the demo's portal cases are not these figures'
        cls.company = cls.env["res.company"].create({"name": "Deflection Co"})
        cls.category = cls.env["helpdesk.ticket.category"].create({"name": "Zorblax"})
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Zorblax desk",
                "sequence": 0,
                "category_ids": [(6, 0, cls.category.ids)],
                "company_id": cls.company.id,
            }
        )
        cls.other_team = cls.env["helpdesk.ticket.team"].create(
            {"name": "Other desk", "company_id": cls.company.id}
        )
        Article = cls.env["hybrid.support.kb.article"]
        cls.article = Article.create(
            {
                "name": "Reset the zorblax",
                "state": "published",
                "audience": "public",
                "category_id": cls.category.id,
                "company_id": cls.company.id,
            }
        )
        cls.article_2 = Article.create(
            {
                "name": "Zorblax lights",
                "state": "published",
                "audience": "public",
                "company_id": cls.company.id,
            }
        )
        cls.customer = new_test_user(
            cls.env,
            login="hs_defl_customer",
            groups="base.group_portal",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.manager = new_test_user(
            cls.env,
            login="hs_defl_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=cls.company.id,
            company_ids=[cls.company.id],
        )
        cls.agent = new_test_user(
            cls.env, login="hs_defl_agent", groups="helpdesk_mgmt.group_helpdesk_user"
        )

    def log(self, event_type, source, article=None, **who):
        who.setdefault("company_id", self.company.id)
        return (
            self.env[EVENT]
            .sudo()
            ._log(event_type, source, article or self.article, **who)
        )

    def rate(self, domain):
        [(rate, deflected, cases)] = (
            self.env[REPORT]
            .with_user(self.manager)
            ._read_group(
                domain,
                [],
                ["self_service_rate:avg", "deflection_count:sum", "case_count:sum"],
            )
        )
        return rate, deflected, cases


@tagged("post_install", "-at_install")
class TestDeflection(DeflectionCase):
    def test_deflection_is_stored_at_the_event_with_its_team(self):
        event = self.log("helpful", "search", session_hash="visit-1")
        self.assertTrue(event.deflection)
        self.assertEqual(event.team_id, self.team)
        no_category = self.log(
            "deflected", "new_case", self.article_2, session_hash="visit-2"
        )
        self.assertTrue(no_category.deflection)
        self.assertFalse(no_category.team_id)

    def test_one_deflection_per_visitor_and_day(self):
        partner = self.customer.partner_id.id
        first = self.log("helpful", "search", partner_id=partner)
        second = self.log("helpful", "search", self.article_2, partner_id=partner)
        third = self.log("deflected", "new_case", partner_id=partner)
        other = self.log("helpful", "search", session_hash="somebody-else")
        self.assertEqual(
            [first.deflection, second.deflection, third.deflection, other.deflection],
            [True, False, False, True],
        )
        self.assertEqual(third.event_type, "deflected")  # kept as a plain event

    def test_answers_to_existing_cases_and_non_answers_are_no_deflection(self):
        case = self.env["helpdesk.ticket"].create(
            {
                "name": "Zorblax",
                "description": "x",
                "partner_id": self.customer.partner_id.id,
                "company_id": self.company.id,
            }
        )
        events = (
            self.log(
                "deflected", "acknowledgement", session_hash="a", ticket_id=case.id
            )
            | self.log("viewed", "search", session_hash="b")
            | self.log("not_helpful", "search", session_hash="c")
            | self.log("suggested", "new_case", partner_id=self.customer.partner_id.id)
        )
        self.assertFalse(any(events.mapped("deflection")))

    def test_a_portal_case_withdraws_the_visitors_deflection(self):
        partner = self.customer.partner_id
        event = self.log("deflected", "new_case", partner_id=partner.id)
        stranger = self.log("helpful", "search", session_hash="stranger")
        self.assertTrue(event.deflection)
        case = (
            self.env["helpdesk.ticket"]
            .with_user(self.customer)
            .sudo()
            .create(
                {
                    "name": "Zorblax still broken",
                    "description": "<p>It did not help.</p>",
                    "partner_id": partner.id,
                    "company_id": self.company.id,
                    "hs_origin": "portal",
                }
            )
        )
        self.assertFalse(event.deflection)
        self.assertEqual(event.ticket_id, case)
        self.assertTrue(stranger.deflection)
        # the day's key is free again: a later answer counts
        self.assertTrue(self.log("helpful", "search", partner_id=partner.id).deflection)

    def test_submitted_anyway_withdraws_the_deflection(self):
        event = self.log("helpful", "new_case", session_hash="s1")
        self.log("submitted_anyway", "new_case", session_hash="s1")
        self.assertFalse(event.deflection)

    def test_self_service_rate_by_week_team_and_company(self):
        """Fixture: three deflections (two for the zorblax team, one
        without team) and one portal case of the zorblax team: 75% overall,
        two of three (66.7%) for the team; another company's deflection is
        not in this company's figures."""
        self.log("helpful", "search", session_hash="v1")
        self.log("deflected", "new_case", session_hash="v2")
        self.log("deflected", "new_case", self.article_2, session_hash="v3")
        self.env["helpdesk.ticket"].create(
            {
                "name": "Portal case",
                "description": "x",
                "partner_id": self.customer.partner_id.id,
                "company_id": self.company.id,
                "team_id": self.team.id,
                "hs_origin": "portal",
            }
        )
        other = self.env["res.company"].create({"name": "Deflection Co B"})
        self.log("helpful", "search", session_hash="v4", company_id=other.id)
        self.env.flush_all()
        mine = [("company_id", "=", self.company.id)]
        self.assertEqual(self.rate(mine), (75.0, 3, 1))
        rate, deflected, cases = self.rate(mine + [("team_id", "=", self.team.id)])
        self.assertAlmostEqual(rate, 66.666, places=2)
        self.assertEqual((deflected, cases), (2, 1))
        weeks = (
            self.env[REPORT]
            .with_user(self.manager)
            ._read_group(mine, ["date:week"], ["deflection_count:sum"])
        )
        self.assertEqual(sum(count for _week, count in weeks), 3)
        other_manager = new_test_user(
            self.env,
            login="hs_defl_manager_b",
            groups="helpdesk_mgmt.group_helpdesk_manager",
            company_id=other.id,
            company_ids=[other.id],
        )
        [(count,)] = (
            self.env[REPORT]
            .with_user(other_manager)
            ._read_group([], [], ["deflection_count:sum"])
        )
        self.assertEqual(count, 1)

    def test_agents_and_customers_read_no_deflection(self):
        self.log("helpful", "search", session_hash="v1")
        for user in (self.agent, self.customer):
            for model in (REPORT, EVENT):
                with self.assertRaises(AccessError):
                    self.env[model].with_user(user).search_read([], ["id"])


@tagged("post_install", "-at_install")
class TestDeflectionConcurrency(TransactionCase):
    """Two workers write the same visitor's answers at once, on real
    separate connections: the visitor's day counts one deflection."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '10s'")  # a regression fails, never hangs
        return cr

    def _log(self, cr, visitor):
        # the registry is taken as it is: looking it up by name would wait
        # for the lock the test runner holds while tests run
        cr.transaction = cr.transaction or Transaction(self.registry)
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env[EVENT]._log(
            "helpful", "search", None, session_hash=visitor, company_id=self.company_id
        )

    def _wait_until_blocked(self, deadline=10):
        """Until another connection waits for a lock this one holds."""
        with self._cursor() as probe:
            for _attempt in range(deadline * 20):
                probe.execute(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
                if probe.fetchone()[0]:
                    return True
                time.sleep(0.05)
        return False

    def test_two_workers_one_deflection(self):
        visitor = "hs-concurrent-visitor"
        self.company_id = self.env.ref("base.main_company").id
        results = {}

        def second_worker():
            with self._cursor() as cr:
                # blocks on the unique index until the first worker commits
                results["second"] = self._log(cr, visitor).deflection

        self._remove(visitor)
        try:
            with self._cursor() as first:
                results["first"] = self._log(first, visitor).deflection
                thread = threading.Thread(target=second_worker)
                thread.start()
                self.assertTrue(self._wait_until_blocked(), "the second one waits")
            thread.join(30)  # the first committed on leaving its block
            self.assertEqual(results, {"first": True, "second": False})
            with self._cursor() as cr:
                cr.execute(
                    "SELECT count(*) FILTER (WHERE deflection), count(*)"
                    " FROM hybrid_support_kb_event WHERE session_hash = %s",
                    [visitor],
                )
                self.assertEqual(cr.fetchone(), (1, 2))
        finally:
            self._remove(visitor)

    def test_two_workers_one_address_ceiling(self):
        """An address's last deflection places taken by two workers at
        once: the second, whose snapshot saw none taken, waits on the unique
        index, finds them taken once the first committed, and writes a
        plain event: the address never exceeds its ceiling."""
        self.company_id = self.env.ref("base.main_company").id
        address = self.env[EVENT]._address_hash("198.51.100.23")
        ceiling = deflection.MAX_DEFLECTIONS_PER_ADDRESS_DAY
        results = {}

        def log(cr, n):
            cr.transaction = cr.transaction or Transaction(self.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env[EVENT]._log(
                "helpful",
                "search",
                None,
                session_hash=f"hs-bot-{n}",
                address_hash=address,
                company_id=self.company_id,
            )

        def second_worker():
            with self._cursor() as cr:
                # a fresh session: only the address can refuse it
                results["second"] = log(cr, ceiling).deflection

        self._remove_address(address)
        try:
            with self._cursor() as first:
                # the first worker takes the address's last places
                results["first"] = all(log(first, n).deflection for n in range(ceiling))
                thread = threading.Thread(target=second_worker)
                thread.start()
                self.assertTrue(self._wait_until_blocked(), "the second one waits")
            thread.join(30)
            self.assertEqual(results, {"first": True, "second": False})
            with self._cursor() as cr:
                cr.execute(
                    "SELECT count(*) FILTER (WHERE deflection), count(*)"
                    " FROM hybrid_support_kb_event WHERE address_hash = %s",
                    [address],
                )
                self.assertEqual(cr.fetchone(), (ceiling, ceiling + 1))
        finally:
            self._remove_address(address)

    def test_two_workers_one_address_search_ceiling(self):
        """The address's last search places taken by two workers at once:
        the second, whose snapshot saw none taken, waits on the unique
        index, finds them all taken once the first committed, and logs
        nothing: the search log never exceeds the address's ceiling."""
        self.company_id = self.env.ref("base.main_company").id
        address = self.env[EVENT]._address_hash("198.51.100.24")
        ceiling = deflection.MAX_SEARCHES_PER_ADDRESS_DAY
        results = {}

        def log(cr, n):
            cr.transaction = cr.transaction or Transaction(self.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env[SEARCH]._log(
                f"no such thing {n}",
                0,
                session_hash=f"hs-search-bot-{n}",
                address_hash=address,
                company_id=self.company_id,
            )

        def second_worker():
            with self._cursor() as cr:
                # a fresh session: only the address can refuse it
                results["second"] = bool(log(cr, ceiling))

        self._remove_address(address)
        try:
            with self._cursor() as first:
                results["first"] = all(log(first, n) for n in range(ceiling))
                thread = threading.Thread(target=second_worker)
                thread.start()
                self.assertTrue(self._wait_until_blocked(), "the second one waits")
            thread.join(30)
            self.assertEqual(results, {"first": True, "second": False})
            with self._cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM hybrid_support_kb_search"
                    " WHERE address_hash = %s",
                    [address],
                )
                self.assertEqual(cr.fetchone()[0], ceiling)
        finally:
            self._remove_address(address)

    def _remove_address(self, address):
        with self._cursor() as cr:
            cr.execute(
                "DELETE FROM hybrid_support_kb_event WHERE address_hash = %s",
                [address],
            )
            cr.execute(
                "DELETE FROM hybrid_support_kb_search WHERE address_hash = %s",
                [address],
            )

    def _remove(self, visitor):
        with self._cursor() as cr:
            cr.execute(
                "DELETE FROM hybrid_support_kb_event WHERE session_hash = %s",
                [visitor],
            )
