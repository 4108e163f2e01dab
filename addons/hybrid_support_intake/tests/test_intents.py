import threading
import time

from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, api
from odoo.exceptions import AccessError, ConcurrencyError, UserError, ValidationError
from odoo.orm.environments import Transaction
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE
from odoo.tests import BaseCase, TransactionCase, new_test_user, tagged
from odoo.tools import mute_logger

from ..models.mail_thread import CONCURRENCY_ERRORS
from ..tools.intents import intent_code, is_valid_code
from .common import intent

INTENT = "hybrid.support.intent"


@tagged("at_install")
class TestIntentCodes(BaseCase):
    def test_a_spelling_becomes_one_code(self):
        self.assertEqual(intent_code("Order status"), "order_status")
        self.assertEqual(intent_code("  billing "), "billing")
        self.assertEqual(intent_code("Billing"), "billing")
        self.assertEqual(intent_code("feature-request!"), "feature_request")
        self.assertEqual(intent_code("Rückerstattung"), "ruckerstattung")
        self.assertEqual(intent_code("请求"), "", "nothing left: given by hand")
        self.assertEqual(len(intent_code("word " * 100)), 64)

    def test_codes_are_lowercase_words_never_the_classifiers_own_labels(self):
        for code in ("billing", "order_status", "card_2", "other"):
            self.assertTrue(is_valid_code(code), code)
        for code in ("", "Billing", "__other__", "_x", "x_", "a b", "a__b", "é"):
            self.assertFalse(is_valid_code(code), code)

    def test_code_check_is_linear_on_hostile_text(self):
        hostile = "a" + "_a" * 200000 + "!"
        started = time.process_time()
        self.assertFalse(is_valid_code(hostile))
        self.assertEqual(intent_code(hostile)[-1], "a")
        self.assertLess(time.process_time() - started, 1.0)


@tagged("post_install", "-at_install")
class TestIntentCatalogue(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Intent = cls.env["hybrid.support.intent"]
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})
        cls.agent = new_test_user(
            cls.env,
            login="hs_intent_agent",
            groups="helpdesk_mgmt.group_helpdesk_user",
        )
        cls.manager = new_test_user(
            cls.env,
            login="hs_intent_manager",
            groups="helpdesk_mgmt.group_helpdesk_manager",
        )
        cls.agent_b = new_test_user(
            cls.env,
            login="hs_intent_agent_b",
            groups="helpdesk_mgmt.group_helpdesk_user",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.refund = cls.Intent.create({"name": "Refund request"})

    def test_the_code_follows_the_name_and_is_unique_per_company(self):
        self.assertEqual(self.refund.code, "refund_request")
        self.assertEqual(self.refund.company_id, self.company_a)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Intent.create({"name": "Refunds", "code": "refund_request"})
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Intent.create({"name": "REFUND request", "code": "refund2"})
        # another company has its own catalogue
        theirs = self.Intent.create(
            {"name": "Refund request", "company_id": self.company_b.id}
        )
        self.assertEqual(theirs.code, "refund_request")

    def test_an_archived_intent_still_holds_its_code(self):
        self.refund.active = False
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Intent.create({"name": "Refund again", "code": "refund_request"})

    def test_a_code_that_is_not_lowercase_words_is_refused(self):
        for code in ("Refund", "__other__", "a b"):
            with self.assertRaises(ValidationError, msg=code):
                self.Intent.create({"name": f"Bad {code}", "code": code})
        with self.assertRaises(ValidationError):
            self.Intent.create({"name": "请求"})  # no code of its own

    def test_one_catch_all_per_company_made_on_first_need(self):
        other = self.Intent._other(self.company_a)
        self.assertTrue(other.is_other)
        self.assertEqual(self.Intent._other(self.company_a), other)
        self.assertNotEqual(self.Intent._other(self.company_b), other)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.Intent.create({"name": "Misc", "is_other": True})
        # an intent named "other" is an ordinary intent beside the catch-all
        named_other = self.Intent.create({"name": "Other"})
        self.assertEqual(named_other.code, "other")
        self.assertFalse(named_other.is_other)

    def test_ensure_makes_only_the_missing_and_keeps_archived_ones(self):
        self.refund.active = False
        found = self.Intent._ensure(
            self.company_a,
            [{"code": "refund_request"}, {"code": "warranty", "name": "Warranty"}],
        )
        self.assertEqual(found["refund_request"], self.refund)
        self.assertFalse(self.refund.active)
        self.assertEqual(found["warranty"].name, "Warranty")
        again = self.Intent._ensure(self.company_a, [{"code": "warranty"}])
        self.assertEqual(again["warranty"], found["warranty"])

    def test_agents_read_the_catalogue_and_only_managers_change_it(self):
        as_agent = self.Intent.with_user(self.agent)
        self.assertIn(self.refund, as_agent.search([]))
        self.assertEqual(self.refund.with_user(self.agent).code, "refund_request")
        with self.assertRaises(AccessError):
            as_agent.create({"name": "Made up by an agent"})
        with self.assertRaises(AccessError):
            as_agent.name_create("Typo intent")
        with self.assertRaises(AccessError):
            self.refund.with_user(self.agent).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.refund.with_user(self.agent).unlink()
        made = self.Intent.with_user(self.manager).name_create("Shipping delay")
        self.assertEqual(self.Intent.browse(made[0]).code, "shipping_delay")

    def test_a_company_sees_only_its_own_catalogue(self):
        theirs = self.Intent.create({"name": "Theirs", "company_id": self.company_b.id})
        as_b = self.Intent.with_user(self.agent_b)
        self.assertEqual(
            as_b.search([("name", "in", ("Theirs", "Refund request"))]), theirs
        )
        with self.assertRaises(AccessError):
            self.refund.with_user(self.agent_b).read(["name"])

    def test_a_case_never_carries_another_companys_intent(self):
        theirs = self.Intent.create({"name": "Theirs", "company_id": self.company_b.id})
        case = self.env["helpdesk.ticket"].create(
            {"name": "Case of A", "description": "x", "company_id": self.company_a.id}
        )
        case.hs_intent_id = self.refund
        with self.assertRaises(ValidationError):
            case.hs_intent_id = theirs
        with self.assertRaises(ValidationError):
            self.env["helpdesk.ticket"].create(
                {
                    "name": "Forged",
                    "description": "x",
                    "company_id": self.company_a.id,
                    "hs_intent_id": theirs.id,
                }
            )
        # nor keeps its intent when it moves to the other company
        with self.assertRaises(ValidationError):
            case.write({"company_id": self.company_b.id, "team_id": False})

    def test_a_routing_rule_never_names_another_companys_intent(self):
        theirs = self.Intent.create({"name": "Theirs", "company_id": self.company_b.id})
        with self.assertRaises(UserError):
            self.env["hybrid.support.routing.rule"].create(
                {"name": "Foreign", "intent_id": theirs.id, "set_priority": "3"}
            )

    def test_a_routing_rule_matches_the_intent_record(self):
        billing = self.Intent.create({"name": "Invoice dispute"})
        rule = self.env["hybrid.support.routing.rule"].create(
            {
                "name": "Refunds are urgent",
                "intent_id": self.refund.id,
                "min_confidence": 0.5,
                "set_priority": "3",
            }
        )
        Ticket = self.env["helpdesk.ticket"]
        cases = Ticket.create(
            [
                {
                    "name": name,
                    "description": "x",
                    "hs_intent_id": case_intent.id,
                    "hs_intent_confidence": confidence,
                }
                for name, case_intent, confidence in (
                    ("refund, sure", self.refund, 0.9),
                    ("refund, unsure", self.refund, 0.3),
                    ("invoice dispute", billing, 0.9),
                )
            ]
        )
        # renaming the intent changes nothing: the rule names the record
        self.refund.name = "Money back"
        self.env["hybrid.support.routing.rule"]._route(cases)
        self.assertEqual(cases.mapped("priority")[0], "3")
        self.assertNotEqual(cases[1].priority, "3", "under the minimum confidence")
        self.assertNotEqual(cases[2].priority, "3")
        log = cases[0].hs_routing_log_ids.filtered(lambda log: log.rule_id == rule)
        self.assertIn("intent Money back (90%)", log.mapped("inputs"))

    def test_intent_in_use_cannot_be_deleted_only_archived(self):
        self.env["helpdesk.ticket"].create(
            {"name": "Case", "description": "x", "hs_intent_id": self.refund.id}
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.refund.unlink()
        self.refund.action_archive()
        self.assertFalse(self.refund.active)
        self.assertEqual(self.refund.ticket_count, 1)


@tagged("post_install", "-at_install")
class TestIntentMigration(TransactionCase):
    """The free-text intents of older versions move into the catalogue; run
    on tables prepared as those versions left them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Intent = cls.env["hybrid.support.intent"]
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Company B"})

    def columns(self, table):
        self.env.cr.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
            [table],
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def test_one_intent_per_company_and_spelling_the_column_dropped(self):
        cr = self.env.cr
        cr.execute(
            "CREATE TABLE hs_test_old_rules "
            "(id serial PRIMARY KEY, company_id int4, intent varchar)"
        )
        rows = [
            (self.company_a.id, "Warranty claim"),
            (self.company_a.id, " warranty claim"),
            (self.company_a.id, "Shipping damage"),
            (self.company_a.id, "other"),  # the review queue's "None of these"
            (self.company_a.id, ""),
            (self.company_a.id, None),
            (self.company_a.id, "请求"),  # no code: left out, logged
            (self.company_b.id, "warranty claim"),
        ]
        cr.executemany(
            "INSERT INTO hs_test_old_rules (company_id, intent) VALUES (%s, %s)", rows
        )
        existing = self.Intent.create(
            {"name": "Damaged parcel", "code": "shipping_damage"}
        )
        with mute_logger(
            "odoo.addons.hybrid_support_intake.models.hybrid_support_intent"
        ):
            catalogue = self.Intent._migrate_column(
                "hs_test_old_rules", "intent", "intent_id"
            )
        cr.execute("SELECT intent_id FROM hs_test_old_rules ORDER BY id")
        ids = [row[0] for row in cr.fetchall()]
        billing_a = catalogue[self.company_a.id]["warranty_claim"]
        self.assertEqual(billing_a.name, "Warranty claim", "its first spelling")
        self.assertEqual(ids[:2], [billing_a.id] * 2)
        self.assertEqual(ids[2], existing.id, "an existing intent of that code")
        self.assertEqual(ids[3], self.Intent._other(self.company_a).id)
        self.assertEqual(ids[4:7], [None, None, None])
        billing_b = self.Intent.browse(ids[7])
        self.assertEqual(billing_b.company_id, self.company_b)
        self.assertEqual(billing_b.code, "warranty_claim")
        self.assertNotIn("intent", self.columns("hs_test_old_rules"))
        # a second run (an update repeated) finds nothing to do
        self.assertEqual(
            self.Intent._migrate_column("hs_test_old_rules", "intent", "intent_id"),
            {},
        )

    def test_comma_separated_lists_fill_a_many2many(self):
        cr = self.env.cr
        cr.execute(
            "CREATE TABLE hs_test_old_policies "
            "(id serial PRIMARY KEY, company_id int4, intents varchar)"
        )
        cr.execute(
            "CREATE TABLE hs_test_policy_intent_rel "
            "(policy_id int4, intent_id int4, PRIMARY KEY (policy_id, intent_id))"
        )
        cr.execute(
            "INSERT INTO hs_test_old_policies (company_id, intents) VALUES "
            "(%s, 'Lost card, stolen card ,lost card'), (%s, NULL) RETURNING id",
            [self.company_a.id, self.company_a.id],
        )
        policy_id = cr.fetchone()[0]
        self.Intent._migrate_column(
            "hs_test_old_policies",
            "intents",
            None,
            relation=("hs_test_policy_intent_rel", "policy_id", "intent_id"),
        )
        cr.execute("SELECT policy_id, intent_id FROM hs_test_policy_intent_rel")
        pairs = cr.fetchall()
        self.assertEqual({p for p, _i in pairs}, {policy_id})
        self.assertEqual(
            set(self.Intent.browse([i for _p, i in pairs]).mapped("code")),
            {"lost_card", "stolen_card"},
        )
        self.assertNotIn("intents", self.columns("hs_test_old_policies"))

    def test_the_cases_intents_move_to_their_many2one(self):
        """As the 19.0.1.2.0 migration runs it on helpdesk_ticket."""
        cr = self.env.cr
        cases = self.env["helpdesk.ticket"].create(
            [
                {"name": "A", "description": "x", "company_id": self.company_a.id},
                {"name": "B", "description": "x", "company_id": self.company_b.id},
                {"name": "C", "description": "x", "company_id": self.company_a.id},
            ]
        )
        self.env.flush_all()
        cr.execute("ALTER TABLE helpdesk_ticket ADD COLUMN intent varchar")
        cr.execute(
            "UPDATE helpdesk_ticket SET intent = 'Card swallowed' WHERE id IN %s",
            [tuple(cases[:2].ids)],
        )
        self.Intent._migrate_column("helpdesk_ticket", "intent", "hs_intent_id")
        self.assertEqual(cases[0].hs_intent_id.code, "card_swallowed")
        self.assertEqual(cases[0].hs_intent_id.company_id, self.company_a)
        self.assertEqual(cases[1].hs_intent_id.company_id, self.company_b)
        self.assertFalse(cases[2].hs_intent_id)
        self.assertNotIn("intent", self.columns("helpdesk_ticket"))
        self.assertEqual(intent(self.env, "card_swallowed"), cases[0].hs_intent_id)


@tagged("post_install", "-at_install")
class TestCatchAllMadeByTwoWorkers(TransactionCase):
    """A company whose catch-all was deleted, and two workers needing it at
    the same moment (two new cases answered "None of these"), on real
    separate connections: one catch-all, both workers end with it. Committed
    rows: the test puts the company's own catch-all back when it ends."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '20s'")  # a regression fails, never hangs
        # the registry is taken as it is: looking it up by name would wait
        # for the lock the test runner holds while tests run
        cr.transaction = Transaction(self.registry)
        return cr

    def _env(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    def setUp(self):
        super().setUp()
        self.company_id = self.env.ref("base.main_company").id
        with self._cursor() as cr:
            env = self._env(cr)
            company = env["res.company"].browse(self.company_id)
            # cases keep pointing to it: it is set aside rather than deleted
            saved = env[INTENT]._other(company)
            self.saved = saved.read(["name", "code", "description"])[0]
            saved.write(
                {"is_other": False, "name": "hs race saved", "code": "hs_race_saved"}
            )
        self.addCleanup(self._restore)

    def _restore(self):
        with self._cursor() as cr:
            Intent = self._env(cr)[INTENT].with_context(active_test=False)
            Intent.search(
                [("company_id", "=", self.company_id), ("is_other", "=", True)]
            ).unlink()
            values = dict(self.saved, is_other=True)
            Intent.browse(values.pop("id")).write(values)

    def _other(self, cr):
        env = self._env(cr)
        return env[INTENT]._other(env["res.company"].browse(self.company_id)).id

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

    def test_two_workers_recreating_the_catch_all_make_one(self):
        results, conflicts, failures = {}, [], []

        def second_worker():
            """As odoo.service.model.retrying runs an RPC call: again, with
            a fresh transaction, after a concurrency error."""
            with self._cursor() as cr:
                try:
                    for _attempt in range(MAX_TRIES_ON_CONCURRENCY_FAILURE):
                        try:
                            results["second"] = self._other(cr)
                            # the second worker's own cursor, committed as that worker would
                            cr.commit()  # pylint: disable=invalid-commit
                            return
                        except CONCURRENCY_ERRORS as error:
                            conflicts.append(error)
                            cr.rollback()
                            cr.transaction.clear()
                except Exception as error:  # the test's verdict
                    failures.append(error)

        with self._cursor() as first:
            results["first"] = self._other(first)
            thread = threading.Thread(target=second_worker)
            thread.start()
            self.assertTrue(self._wait_until_blocked(), "the second one waits")
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(failures, [], "no uniqueness error reaches the caller")
        self.assertEqual(results["second"], results["first"])
        self.assertEqual(len(conflicts), 1, "run again once, then found")
        self.assertIsInstance(conflicts[0], ConcurrencyError)
        with self._cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM hybrid_support_intent"
                " WHERE company_id = %s AND is_other",
                [self.company_id],
            )
            self.assertEqual(cr.fetchone()[0], 1)
