from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools import kpi as kpi_tools


class HybridSupportCaseKpi(models.Model):
    """The backfill: KPIs of cases closed before they were stored at their
    events, reconstructed from the case's history (its messages, the
    tracking of its stage, its SLA lines, routing log, drafts and rating)
    by the same rules as the live hooks (``tools/kpi.py``: ``replay``)."""

    _inherit = "hybrid.support.case.kpi"

    backfilled = fields.Boolean(
        readonly=True,
        help="Reconstructed from the case's history by the backfill job "
        "(the case was closed before its KPIs were stored at their events).",
    )

    @api.model
    def _backfill_batch(self, limit):
        """Backfill one batch of closed cases without a closing in their
        KPIs; returns how many."""
        tickets = self._backfill_claim(limit)
        if tickets:
            self._backfill(tickets)
        return len(tickets)

    @api.model
    def _backfill_claim(self, limit):
        """Up to ``limit`` closed cases without a closing in their KPIs,
        locked until the transaction ends. Cases another worker holds are
        skipped (it backfills them): two workers never do one case twice."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT t.id
                     FROM helpdesk_ticket t
                     JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
                LEFT JOIN hybrid_support_case_kpi k ON k.ticket_id = t.id
                    WHERE s.closed AND k.closed_date IS NULL
                 ORDER BY t.id
                    LIMIT %s
               FOR NO KEY UPDATE OF t SKIP LOCKED""",
                limit,
            )
        )
        return self.env["helpdesk.ticket"].browse(
            row[0] for row in self.env.cr.fetchall()
        )

    @api.model
    def _backfill(self, tickets):
        """Reconstruct and store the KPIs of the closed cases ``tickets``: a
        few grouped reads for the batch, then one write per case."""
        histories = self._histories(tickets)
        extra = tickets._hs_kpi_close_values()
        ratings = self._last_ratings(tickets)
        rows = self._for(tickets)
        for row in rows:
            ticket = row.ticket_id
            state = kpi_tools.replay(histories[ticket.id])
            closed = (
                state["closed_date"]
                or ticket.closed_date
                or ticket.last_stage_update
                or ticket.write_date
            )
            start = self._start(ticket)
            # the intake addon counts reopenings on the case itself too
            reopened = max(state["reopen_count"], ticket.hs_reopen_count or 0)
            values = {
                "backfilled": True,
                "first_response_date": state["first_response_date"],
                "first_response_hours": self._working_hours(
                    ticket, start, state["first_response_date"]
                ),
                "agent_replies": state["agent_replies"],
                "customer_wrote_after_reply": state["customer_wrote_after_reply"],
                "reopen_count": reopened,
                "closed_date": closed,
                "resolution_hours": self._working_hours(ticket, start, closed),
                "first_contact_resolution": kpi_tools.first_contact_resolution(
                    state["agent_replies"],
                    state["customer_wrote_after_reply"],
                    reopened,
                ),
                "escalated": row.escalated or bool(ticket.hs_escalation_level),
                "sla_result": kpi_tools.sla_result(
                    [
                        (line.status, line.deadline, bool(line.paused_since))
                        for line in ticket.hs_sla_ids
                    ],
                    closed,
                ),
                **extra.get(ticket.id, {}),
            }
            if ticket.id in ratings:
                values["rating"], values["effort"] = ratings[ticket.id]
            row.write(values)
        # routing decisions: the live hook's rules, on the logged decisions
        logs = self.env["hybrid.support.routing.log"].search(
            [("ticket_id", "in", tickets.ids)], order="id"
        )
        if logs:
            self._on_routing(logs)
        return rows

    @api.model
    def _histories(self, tickets):
        """{case id: [(date, kind)]} from the cases' messages (public agent
        replies, customer messages; notes, the acknowledgement's email that
        made the case, ratings and system messages are no contact) and from
        the tracking of their stage (closings and reopenings)."""
        histories = defaultdict(list)
        Message = self.env["mail.message"]
        messages = Message.search_fetch(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("message_type", "in", ("comment", "email")),
            ],
            ["res_id", "date", "author_id", "email_from", "message_type", "message_id"]
            + ["subtype_id"],
        )
        source = {ticket.id: ticket.hs_source_message_id for ticket in tickets}
        internal = set(
            self.env["res.users"]
            .with_context(active_test=False)
            .search(
                [("partner_id", "in", messages.author_id.ids), ("share", "=", False)]
            )
            .partner_id.ids
        )
        rated = set(
            self.env["rating.rating"]
            .search([("message_id", "in", messages.ids)])
            .message_id.ids
        )
        Ticket = self.env["helpdesk.ticket"]
        for message in messages:
            if message.id in rated or (
                source[message.res_id] and source[message.res_id] == message.message_id
            ):
                continue
            if message.author_id.id in internal:
                if message.message_type == "comment" and Ticket._hs_public_message(
                    message
                ):
                    histories[message.res_id].append(
                        (message.date, kpi_tools.AGENT_REPLY)
                    )
            elif message.author_id or message.email_from:
                histories[message.res_id].append(
                    (message.date, kpi_tools.CUSTOMER_MESSAGE)
                )
        stage_field = self.env["ir.model.fields"]._get("helpdesk.ticket", "stage_id")
        closed_stages = set(
            self.env["helpdesk.ticket.stage"]
            .with_context(active_test=False)
            .search([("closed", "=", True)])
            .ids
        )
        changes = self.env["mail.tracking.value"].search_fetch(
            [
                ("field_id", "=", stage_field.id),
                ("mail_message_id.model", "=", "helpdesk.ticket"),
                ("mail_message_id.res_id", "in", tickets.ids),
            ],
            ["mail_message_id", "old_value_integer", "new_value_integer"],
        )
        for change in changes:
            was = change.old_value_integer in closed_stages
            now = change.new_value_integer in closed_stages
            if was == now:
                continue
            message = change.mail_message_id
            histories[message.res_id].append(
                (
                    message.date,
                    kpi_tools.CLOSED if now else kpi_tools.REOPENED,
                )
            )
        return histories

    @api.model
    def _last_ratings(self, tickets):
        """{case id: (rating, effort)} of the cases' last given rating."""
        ratings = self.env["rating.rating"].search(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets.ids),
                ("consumed", "=", True),
                ("rating", ">", 0),
            ],
            order="write_date, id",
        )
        return {r.res_id: (r.rating, r.hs_effort_score) for r in ratings}

    @api.model
    @retry_soon_on_conflict
    def _cron_backfill(self, batch_size=200):
        """Closed cases without stored KPIs, in batches committed one by one
        (``_commit_progress``): safe to stop, to run again (a backfilled
        case has its closing and is not selected again) and to run on two
        workers at once (each skips the cases the other holds)."""
        cron = self.env["ir.cron"]
        while True:
            done = self._backfill_batch(batch_size)
            if not done or cron._commit_progress(done) <= 0:
                break
