"""Two cron workers running the invitation job at once, with real separate
database connections: every contact is invited exactly once."""

from odoo import SUPERUSER_ID, api
from odoo.orm.environments import Transaction
from odoo.tests import TransactionCase, tagged

DOMAIN = "race-rollout.example"


@tagged("post_install", "-at_install")
class TestInvitationRace(TransactionCase):
    """Committed rows and separate connections: the test removes what it
    made when it ends."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '20s'")  # a regression fails, never hangs
        cr.transaction = Transaction(self.registry)
        return cr

    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            account = env["res.partner"].create(
                {"name": "Race Rollout Ltd", "is_company": True}
            )
            contacts = env["res.partner"].create(
                [
                    {
                        "name": f"Racer {index}",
                        "email": f"racer{index}@{DOMAIN}",
                        "parent_id": account.id,
                    }
                    for index in range(3)
                ]
            )
            wave = env["hybrid.support.rollout.wave"].create(
                {"name": "Race wave", "partner_ids": [(6, 0, account.ids)]}
            )
            wave.action_start_pilot()
            self.account_id, self.contact_ids, self.wave_id = (
                account.id,
                contacts.ids,
                wave.id,
            )
        self.addCleanup(self._remove)

    def _remove(self):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            contacts = env["res.partner"].browse(self.contact_ids)
            env["hybrid.support.rollout.wave"].browse(self.wave_id).unlink()
            env["mail.mail"].search([("recipient_ids", "in", contacts.ids)]).unlink()
            env["hybrid.support.portal.team.log"].search(
                [("account_id", "=", self.account_id)]
            ).unlink()
            env["mail.mail"].search([("recipient_ids", "in", contacts.ids)]).unlink()
            env["mail.message"].search([("partner_ids", "in", contacts.ids)]).unlink()
            contacts.user_ids.unlink()
            (contacts | env["res.partner"].browse(self.account_id)).unlink()

    def _invite_batch(self, cr):
        # what the scheduler's worker runs (the job's batch)
        env = api.Environment(cr, SUPERUSER_ID, {})
        return env["hybrid.support.rollout.member"]._invite_batch()

    def test_two_workers_never_invite_a_contact_twice(self):
        with self._cursor() as first:
            done_first = self._invite_batch(first)
            # the second worker runs while the first has not committed: the
            # contacts the first holds are skipped, not waited for
            with self._cursor() as second:
                done_second = self._invite_batch(second)
        self.assertEqual(done_first, 3)
        self.assertEqual(done_second, 0)
        # once committed, a later run has nothing left to do
        with self._cursor() as third:
            self.assertEqual(self._invite_batch(third), 0)
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"active_test": False})
            for contact in env["res.partner"].browse(self.contact_ids):
                self.assertEqual(len(contact.user_ids), 1, contact.name)
                self.assertEqual(
                    env["mail.mail"].search_count(
                        [("recipient_ids", "in", contact.ids)]
                    ),
                    1,
                    f"one invitation email for {contact.name}",
                )
            members = env["hybrid.support.rollout.member"].search(
                [("wave_id", "=", self.wave_id)]
            )
            self.assertEqual(set(members.mapped("invite_state")), {"invited"})

    def test_the_jobs_run_as_the_scheduler_runs_them(self):
        """The three jobs through the scheduler's own code path (its user,
        its progress records, its commits)."""
        for xmlid in (
            "hybrid_support_rollout.ir_cron_rollout_invite",
            "hybrid_support_rollout.ir_cron_rollout_nudge",
            "hybrid_support_rollout.ir_cron_rollout_measure",
        ):
            with self._cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                # raises when the job logged an error
                env.ref(xmlid).method_direct_trigger()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            members = env["hybrid.support.rollout.member"].search(
                [("wave_id", "=", self.wave_id)]
            )
            self.assertEqual(set(members.mapped("invite_state")), {"invited"})
            self.assertEqual(members.mapped("nudge_count"), [1, 1, 1])
            self.assertTrue(all(members.mapped("measured_date")))

    def test_two_workers_never_nudge_a_contact_twice(self):
        with self._cursor() as cr:
            self._invite_batch(cr)

        def nudge_batch(cr):
            env = api.Environment(cr, SUPERUSER_ID, {})
            return env["hybrid.support.rollout.nudge"]._nudge_batch()

        with self._cursor() as first:
            done_first = nudge_batch(first)
            with self._cursor() as second:
                nudge_batch(second)
                env = api.Environment(second, SUPERUSER_ID, {})
                self.assertFalse(
                    env["hybrid.support.rollout.nudge"].search(
                        [("partner_id", "in", self.contact_ids)]
                    ),
                    "the second worker nudged none of the contacts the first holds",
                )
        self.assertGreaterEqual(done_first, 3)
        with self._cursor() as cr:
            nudge_batch(cr)
            env = api.Environment(cr, SUPERUSER_ID, {})
            nudges = env["hybrid.support.rollout.nudge"].search(
                [("partner_id", "in", self.contact_ids)]
            )
            self.assertEqual(len(nudges), 3)
            self.assertEqual(len(nudges.partner_id), 3)
