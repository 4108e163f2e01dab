"""Two workers delivering the same thing at the same moment, with real
separate database connections: the same email twice (two fetchmail servers
on one mailbox, an MTA retrying while the first delivery still runs), and
several emails of one new sender. Each delivery runs as the Mail gateway
user of odoo-mailgate.py, as Odoo runs an RPC call: run again, with a fresh transaction, after a serialization failure."""

import threading
import time
from functools import partial

from odoo import SUPERUSER_ID, api
from odoo.orm.environments import Transaction
from odoo.service.model import MAX_TRIES_ON_CONCURRENCY_FAILURE
from odoo.tests import TransactionCase, new_test_user, tagged

from ..models.mail_thread import CONCURRENCY_ERRORS
from .common import make_email

SENDER = "burst.sender@concurrency-newco.example"
TEAM_ADDRESS = "burst@burst-test.example"


@tagged("post_install", "-at_install")
class TestGatewayConcurrency(TransactionCase):
    """Committed rows and separate connections: the test removes what it
    made when it ends."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '20s'")  # a regression fails, never hangs
        return cr

    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            # kept afterwards: the company may take it as its alias domain
            domain = env["mail.alias.domain"].search(
                [("name", "=", "burst-test.example")]
            ) or env["mail.alias.domain"].create({"name": "burst-test.example"})
            self.alias_domain_id = domain.id
            self.team_id = (
                env["helpdesk.ticket.team"]
                .create(
                    {
                        "name": "Burst team",
                        "alias_name": "burst",
                        "alias_domain_id": domain.id,
                    }
                )
                .id
            )
            # an alias in use: core would otherwise mark it valid in both
            # first deliveries, a conflict of its own (logged as an error)
            env["helpdesk.ticket.team"].browse(
                self.team_id
            ).alias_id.alias_status = "valid"
            # what odoo-mailgate.py -u delivers as: no right to read cases,
            # so core's own duplicate check could not see the first delivery
            self.gateway_uid = new_test_user(
                env,
                login="hs_burst_gateway",
                groups="base.group_user,hybrid_support_intake.group_mail_gateway",
            ).id
        self.addCleanup(self._remove)
        self.attempts = 0  # deliveries run by _deliver's retry loop

    def _remove(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tickets = env["helpdesk.ticket"].search([("team_id", "=", self.team_id)])
            partners = env["res.partner"].search([("email", "ilike", SENDER)])
            tickets.message_ids.unlink()
            tickets.unlink()
            partners.unlink()
            env["helpdesk.ticket.team"].browse(self.team_id).unlink()
            env["hybrid.support.mail.quarantine"].search(
                [("email_from", "ilike", SENDER)]
            ).unlink()
            gateway = env["res.users"].browse(self.gateway_uid)
            gateway_partner = gateway.partner_id
            gateway.unlink()
            gateway_partner.unlink()

    def _deliver(self, cr, raw, commit=True):
        """``raw`` through the gateway as an RPC call runs it: retried on a
        serialization failure, committed at the end (unless ``commit`` is
        false: then the transaction stays open, as a slow delivery's)."""
        # the registry is taken as it is: looking it up by name would wait
        # for the lock the test runner holds while tests run
        cr.transaction = cr.transaction or Transaction(self.registry)
        env = api.Environment(cr, self.gateway_uid, {})
        process = partial(
            env["mail.thread"].message_process,
            "helpdesk.ticket",
            raw,
            custom_values={"team_id": self.team_id},
        )
        if not commit:
            return process()
        # what odoo.service.model.retrying does for an RPC call, less its
        # registry reload and signalling (which wait for the test runner's lock)
        for _attempt in range(MAX_TRIES_ON_CONCURRENCY_FAILURE):
            self.attempts += 1
            try:
                result = process()
                # a cursor of its own (another worker's), never the test's
                cr.commit()  # pylint: disable=invalid-commit
                return result
            except CONCURRENCY_ERRORS:
                cr.rollback()
                env.transaction.clear()  # reset() would look the registry up
                time.sleep(0.05)
        raise AssertionError("the delivery never went through")

    def _deliver_in_thread(self, raw, results):
        def run():
            with self._cursor() as cr:
                results.append(self._deliver(cr, raw))

        thread = threading.Thread(target=run)
        thread.start()
        return thread

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

    def _overlap(self, first, second):
        """Deliver ``first`` in this thread and ``second`` in another while
        the first transaction is still open; return both results."""
        results = []
        with self._cursor() as cr:
            first_result = self._deliver(cr, first, commit=False)
            thread = self._deliver_in_thread(second, results)
            self.assertTrue(self._wait_until_blocked(), "the second delivery waits")
            # a cursor of its own (another worker's), never the test's
            cr.commit()  # pylint: disable=invalid-commit
        thread.join(60)
        self.assertFalse(thread.is_alive())
        return first_result, results[0] if results else None

    def _counts(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            tickets = env["helpdesk.ticket"].search([("team_id", "=", self.team_id)])
            tickets._hs_send_pending_acknowledgements()
            acks = tickets.message_ids.filtered(
                lambda m: m.message_type == "auto_comment"
            )
            contacts = env["res.partner"].search([("email_normalized", "=", SENDER)])
            # a cursor of its own (another worker's), never the test's
            cr.commit()  # pylint: disable=invalid-commit
            return len(tickets), len(contacts), len(acks)

    def test_same_email_delivered_twice_at_once_makes_one_case(self):
        raw = bytes(make_email(f"Burst <{SENDER}>", "Printer on fire"))
        first, second = self._overlap(raw, raw)
        self.assertTrue(first)
        self.assertFalse(second, "the second delivery found the email processed")
        # it ended when the first committed, without being run again (and
        # without the random wait of Odoo's retry, which holds a worker)
        self.assertEqual(self.attempts, 1)
        self.assertEqual(self._counts(), (1, 1, 1))

    def test_one_new_senders_emails_at_once_make_one_contact(self):
        one = bytes(make_email(f"Burst <{SENDER}>", "First question"))
        two = bytes(make_email(f"Burst <{SENDER}>", "Second question"))
        first, second = self._overlap(one, two)
        self.assertTrue(first and second)
        tickets, contacts, _acks = self._counts()
        self.assertEqual((tickets, contacts), (2, 1))

    def test_fetchmail_meeting_another_delivery_keeps_the_email(self):
        """fetchmail cannot run a delivery again: it rolls it back and marks
        the email read. Such an email is kept aside and processed again."""
        one = make_email(f"Burst <{SENDER}>", "First question", to=TEAM_ADDRESS)
        two = make_email(f"Burst <{SENDER}>", "Second question", to=TEAM_ADDRESS)
        errors = []

        def fetchmail():
            with self._cursor() as cr:
                cr.transaction = cr.transaction or Transaction(self.registry)
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    env["mail.thread"].message_process(False, bytes(two))
                except CONCURRENCY_ERRORS as error:
                    errors.append(error)
                    cr.rollback()  # what fetchmail does, before marking it read

        with self._cursor() as cr:
            self._deliver(cr, bytes(one), commit=False)
            thread = threading.Thread(target=fetchmail)
            thread.start()
            self.assertTrue(self._wait_until_blocked())
            # a cursor of its own (another worker's), never the test's
            cr.commit()  # pylint: disable=invalid-commit
        thread.join(60)
        self.assertTrue(errors, "fetchmail's delivery met the other one")
        with self._cursor() as cr:
            cr.transaction = cr.transaction or Transaction(self.registry)
            env = api.Environment(cr, SUPERUSER_ID, {})
            Quarantine = env["hybrid.support.mail.quarantine"]
            kept = Quarantine.search([("message_id", "=", two["Message-ID"])])
            self.assertEqual(kept.reason, "busy")
            Quarantine._cron_retry_busy()
            self.assertEqual(kept.state, "processed")
            # a cursor of its own (another worker's), never the test's
            cr.commit()  # pylint: disable=invalid-commit
        tickets, contacts, _acks = self._counts()
        self.assertEqual((tickets, contacts), (2, 1))
