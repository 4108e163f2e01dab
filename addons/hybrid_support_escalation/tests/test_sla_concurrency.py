from datetime import datetime

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged

from .test_sla import brussels_office


@tagged("post_install", "-at_install")
class TestSlaCronConcurrency(TransactionCase):
    """The SLA pass runs while the mail gateway and agents write cases: it
    must neither wait for them nor fail, and must leave their cases for the
    next pass. Real concurrency needs committed rows and separate database
    connections, so this test commits its own data and removes it after."""

    def _cursor(self):
        cr = self.registry.cursor()
        cr.execute("SET lock_timeout = '5s'")  # a regression fails, never hangs
        return cr

    def setUp(self):
        super().setUp()
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            calendar = brussels_office(env)
            policy = env["hybrid.support.sla.policy"].create(
                {
                    "name": "Concurrency test",
                    "calendar_id": calendar.id,
                    "first_response_hours": 1,
                    "resolution_hours": 2,
                }
            )
            tickets = env["helpdesk.ticket"].create(
                [{"name": f"Concurrent {n}", "description": "x"} for n in range(3)]
            )
            rule = env["hybrid.support.escalation.rule"].create(
                {"name": "Concurrent", "trigger": "keyword", "keywords": "Concurrent"}
            )
            self.case_ids = tickets.ids
            self.addCleanup(self._remove, tickets.ids, policy.id, calendar.id, rule.id)

    def _remove(self, ticket_ids, policy_id, calendar_id, rule_id):
        with self._cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["hybrid.support.escalation.rule"].browse(rule_id).unlink()
            env["helpdesk.ticket"].browse(ticket_ids).exists().unlink()
            env["hybrid.support.sla.policy"].browse(policy_id).unlink()
            env["resource.calendar"].browse(calendar_id).unlink()

    def test_pass_skips_cases_that_other_transactions_hold(self):
        writing, deleting, done = self.case_ids
        with self._cursor() as gateway, self._cursor() as agent, self._cursor() as cron:
            # the gateway is mid-way through a reply on one case ...
            gateway.execute(
                "UPDATE helpdesk_ticket SET name = name || ' (re)' WHERE id = %s",
                [writing],
            )
            # ... and an agent is deleting another
            agent.execute("DELETE FROM helpdesk_ticket WHERE id = %s", [deleting])
            env = api.Environment(cron, SUPERUSER_ID, {})
            lines = env["hybrid.support.ticket.sla"]
            moved = lines._transitions(datetime(2100, 1, 1), 10000)
            env.flush_all()
            mine = lines.search([("ticket_id", "in", self.case_ids)])
            self.assertEqual(
                {(x.ticket_id.id, x.status) for x in mine},
                {(writing, "ongoing"), (deleting, "ongoing"), (done, "breached")},
            )
            self.assertGreaterEqual(moved, 2)
            # the escalation pass, likewise
            env["hybrid.support.escalation.rule"]._escalate()
            env.flush_all()
            levels = dict(
                env["helpdesk.ticket"]
                .browse(self.case_ids)
                .mapped(lambda t: (t.id, t.hs_escalation_level))
            )
            self.assertEqual(levels, {writing: 0, deleting: 0, done: 1})
            cron.rollback()
            agent.rollback()
            gateway.rollback()
        # once they are done, the next pass takes the cases they held
        with self._cursor() as cron:
            env = api.Environment(cron, SUPERUSER_ID, {})
            lines = env["hybrid.support.ticket.sla"]
            lines._transitions(datetime(2100, 1, 1), 10000)
            env.flush_all()
            mine = lines.search([("ticket_id", "in", self.case_ids)])
            self.assertEqual(set(mine.mapped("status")), {"breached"})
            cron.rollback()
