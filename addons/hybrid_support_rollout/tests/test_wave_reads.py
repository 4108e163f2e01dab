"""What the rollout's hooks on cases cost: whether our emails may show portal
links (the rollback's hook, asked for every acknowledgement and
notification) and the hypercare tag of new cases read the waves once per
transaction, not once per case; a change of a wave in the same transaction
is seen at once."""

import logging
from contextlib import contextmanager

from odoo.tests import TransactionCase, tagged

from .common import RolloutMixin

HYPERCARE_TAG = "hybrid_support_rollout.helpdesk_ticket_tag_hypercare"
# the waves' table and its customers' table
WAVE_TABLES = "hybrid_support_rollout_wave"


@tagged("post_install", "-at_install")
class TestWaveReadsPerTransaction(RolloutMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_rollout()
        cls.tag = cls.env.ref(HYPERCARE_TAG)
        cls.Ticket = cls.env["helpdesk.ticket"]
        cls.outsiders = cls.env["res.partner"].create(
            [
                {"name": f"Out Sider {n}", "email": f"out{n}@elsewhere.example"}
                for n in range(4)
            ]
        )

    def case(self, partner, name="Printer jammed"):
        return self.Ticket.create(
            {"name": name, "description": "x", "partner_id": partner.id}
        )

    @contextmanager
    def wave_queries(self):
        """The SQL queries on the waves' tables run inside the block."""
        self.env.flush_all()
        queries = []
        sql_logger = logging.getLogger("odoo.sql_db")
        with self.assertLogs(sql_logger, "DEBUG") as logs:
            sql_logger.debug("counting the queries on the waves")
            yield queries
            self.env.flush_all()
        queries.extend(
            record.getMessage()
            for record in logs.records
            if WAVE_TABLES in record.getMessage()
        )

    def portal_buttons(self, cases):
        cases.invalidate_recordset(["hs_ack_portal_button"])
        return {case: bool(case.hs_ack_portal_button) for case in cases}

    def test_portal_links_of_many_cases_read_the_waves_once(self):
        rolled_back = self.newcomer | self.portal_contact | self.billing | self.account
        cases = self.Ticket.browse()
        for partner in rolled_back | self.outsiders:
            cases |= self.case(partner)
        self.wave.action_start_pilot()
        self.wave._rollback("Customers confused by the new login")
        with self.wave_queries() as queries:
            buttons = self.portal_buttons(cases)
        self.assertLessEqual(
            len(queries), 2, f"{len(cases)} cases: {len(queries)} queries on waves"
        )
        self.assertEqual(
            {case.partner_id for case, shown in buttons.items() if not shown},
            set(rolled_back),
            "no portal link for the customers of the rolled-back wave only",
        )
        with self.wave_queries() as queries:
            self.portal_buttons(cases)
        self.assertEqual(len(queries), 0, "asked again in the transaction")
        # the undo is seen at once in the same transaction
        self.wave.action_undo_rollback()
        self.assertTrue(all(self.portal_buttons(cases).values()))

    def test_new_cases_in_hypercare_read_the_waves_once(self):
        self.wave.action_start_pilot()
        self.wave.action_activate()
        self.wave.action_start_hypercare()
        with self.wave_queries() as first_queries:
            first = self.case(self.newcomer)
        # the next cases of the transaction (an import, a gateway batch)
        with self.wave_queries() as queries:
            others = [self.case(self.newcomer, f"Again {n}") for n in range(3)]
            others += [self.case(partner) for partner in self.outsiders]
        self.assertLessEqual(len(first_queries), 4, first_queries)
        self.assertEqual(
            len(queries), 0, f"{len(others)} more cases: {len(queries)} queries"
        )
        for case in [first, *others]:
            self.assertEqual(
                self.tag in case.tag_ids,
                case.partner_id == self.newcomer,
                case.name,
            )
        # the end of hypercare is seen at once in the same transaction
        self.wave.action_done()
        self.assertNotIn(self.tag, self.case(self.newcomer).tag_ids)
