"""A batch job meeting another worker's write, with real separate database
connections: the gateway (or an agent) updates a case after the job's
transaction began and before the job locks it. PostgreSQL refuses the job's
lock (a serialization failure under REPEATABLE READ); the job must not fail
and wait for its next interval, but run again within seconds."""

from datetime import timedelta

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, fields
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from ..models.ir_cron import JOB_SLOT_SECONDS

SENDER = "conflict.customer@job-conflict.example"


@tagged("post_install", "-at_install")
class TestJobsMeetingConcurrentWrites(TransactionCase):
    """Committed rows and separate connections: the test removes what it
    made when it ends."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '20s'")  # a regression fails, never hangs
        # the registry is taken as it is: looking it up by name would wait
        # for the lock the test runner holds while tests run
        cr.transaction = Transaction(self.registry)
        return cr

    def setUp(self):
        super().setUp()
        self.cron_id = self.env.ref(
            "hybrid_support_intake.ir_cron_send_acknowledgements"
        ).id
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create(
                {"name": "Conflict Customer", "email": SENDER}
            )
            ticket = env["helpdesk.ticket"].create(
                {
                    "name": "Printer on fire",
                    "description": "<p>The printer is on fire.</p>",
                    "partner_id": partner.id,
                }
            )
            ticket.hs_ack_pending = True
            self.partner_id, self.ticket_id = partner.id, ticket.id
            self.started = fields.Datetime.now()
        self.addCleanup(self._remove)

    def _remove(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            ticket = env["helpdesk.ticket"].browse(self.ticket_id)
            ticket.message_ids.unlink()
            ticket.unlink()
            env["res.partner"].browse(self.partner_id).unlink()
            cr.execute(
                "DELETE FROM ir_cron_trigger WHERE cron_id = %s AND call_at >= %s",
                (self.cron_id, self.started),
            )

    def _job_env(self, cr):
        # what the scheduler puts in the context of the job it runs
        return api.Environment(cr, SUPERUSER_ID, {"cron_id": self.cron_id})

    def _update_meanwhile(self):
        """Another worker writes the case and commits."""
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["helpdesk.ticket"].browse(self.ticket_id).name = "Printer on fire!"

    def _case(self, cr):
        return api.Environment(cr, SUPERUSER_ID, {})["helpdesk.ticket"].browse(
            self.ticket_id
        )

    def test_ack_job_meeting_a_concurrent_write_runs_again_within_seconds(self):
        with self._cursor() as job_cr:
            # the job's transaction (and its snapshot) begins...
            job_cr.execute("SELECT count(*) FROM helpdesk_ticket")
            # ...the gateway updates the case and commits...
            self._update_meanwhile()
            # ...the job reaches the case: refused by PostgreSQL, not failed
            with mute_logger(
                "odoo.addons.hybrid_support_intake.models.ir_cron", "odoo.sql_db"
            ):
                done = self._job_env(job_cr)[
                    "helpdesk.ticket"
                ]._hs_cron_send_acknowledgements()
            self.assertIs(done, False)
        with self._cursor() as cr:
            cr.execute(
                "SELECT call_at FROM ir_cron_trigger WHERE cron_id = %s "
                "AND call_at >= %s",
                (self.cron_id, self.started),
            )
            calls = [call for (call,) in cr.fetchall()]
            self.assertTrue(calls, "the job asked to run again")
            self.assertLessEqual(
                min(calls),
                fields.Datetime.now() + timedelta(seconds=JOB_SLOT_SECONDS + 5),
            )
            self.assertTrue(self._case(cr).hs_ack_pending, "nothing was half-sent")
        # its next run sends the acknowledgement, once
        with self._cursor() as cr:
            self._job_env(cr)["helpdesk.ticket"]._hs_cron_send_acknowledgements()
        with self._cursor() as cr:
            case = self._case(cr)
            self.assertFalse(case.hs_ack_pending)
            self.assertTrue(case.hs_ack_sent)
            self.assertEqual(
                len(
                    case.message_ids.filtered(
                        lambda m: m.message_type == "auto_comment"
                    )
                ),
                1,
            )

    def test_direct_call_meeting_a_concurrent_write_gets_the_error(self):
        """Outside a cron run (an RPC call, a test) nothing is swallowed: the
        caller sees the error (RPC calls are retried by Odoo)."""
        with self._cursor() as job_cr:
            job_cr.execute("SELECT count(*) FROM helpdesk_ticket")
            self._update_meanwhile()
            env = api.Environment(job_cr, SUPERUSER_ID, {})
            with self.assertRaises(SerializationFailure), mute_logger("odoo.sql_db"):
                env["helpdesk.ticket"]._hs_cron_send_acknowledgements()
            job_cr.rollback()
