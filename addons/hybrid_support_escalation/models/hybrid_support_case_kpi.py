from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import kpi as kpi_tools

CSAT_STATES = [
    ("due", "Request due"),
    ("sent", "Request sent"),
    ("skipped", "Not asked"),
]
SKIP_REASONS = [
    ("automated", "Automated case or robot sender"),
    ("opted_out", "No rating on this case"),
    ("no_email", "No customer email"),
    ("employee", "Requester is an employee"),
    ("rate_limited", "Contact asked recently"),
    ("team_off", "Team sends no request"),
]
# the KPIs a routing decision sets, in the order of _upsert_routing's rows
ROUTING_KPIS = [
    "auto_routed",
    "ai_decided",
    "ai_model",
    "agent_rerouted",
    "ai_overridden",
]


class HybridSupportCaseKpi(models.Model):
    """The support KPIs of one case, written when their event happens (a
    public reply, a closing, a reopening, a routing decision, a rating), so
    that reports read stored numbers and never replay a case's history.
    Durations count working hours of the case's SLA calendar (or its
    company's). One row per case, made at its first event."""

    _name = "hybrid.support.case.kpi"
    _description = "Support KPIs of a case"
    _order = "id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", readonly=True
    )
    # the case's company, also after the case moves (the rule reads it):
    # the INSERTs below set it, the ORM updates it when the case moves
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True)
    first_response_date = fields.Datetime(readonly=True)
    first_response_hours = fields.Float(
        string="First response (working hours)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
    )
    agent_replies = fields.Integer(string="Public agent replies", readonly=True)
    customer_wrote_after_reply = fields.Boolean(
        help="The customer wrote again after an agent's public reply.", readonly=True
    )
    closed_date = fields.Datetime(readonly=True, index=True)
    resolution_hours = fields.Float(
        string="Resolution (working hours)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="From the case's start to its last closing.",
    )
    first_contact_resolution = fields.Boolean(
        readonly=True,
        help="Closed after one public agent reply, no later customer message, "
        "never reopened.",
    )
    reopen_count = fields.Integer(readonly=True)
    escalated = fields.Boolean(readonly=True)
    sla_result = fields.Selection(
        [("met", "Met"), ("breached", "Breached")],
        string="SLA at closing",
        readonly=True,
    )
    auto_routed = fields.Boolean(
        readonly=True, help="A routing rule or a model set the team, agent or field."
    )
    agent_rerouted = fields.Boolean(
        readonly=True, help="An agent changed a routed field (team, agent...)."
    )
    ai_decided = fields.Boolean(
        string="Model decided", readonly=True, help="A trained model set a field."
    )
    ai_overridden = fields.Boolean(
        string="Model overridden",
        readonly=True,
        help="An agent later changed a field a model had set.",
    )
    ai_model = fields.Char(string="Model and version", readonly=True)
    reviewed = fields.Boolean(
        readonly=True, help="A person confirmed or corrected the triage."
    )
    draft_used = fields.Boolean(
        readonly=True, help="A proposed draft reply was sent (edited or not)."
    )
    draft_edit_rate = fields.Float(
        readonly=True,
        digits=(3, 2),
        aggregator="avg",
        help="Share of the draft the agent changed (0: sent as is).",
    )
    rating = fields.Float(string="CSAT", readonly=True, aggregator="avg")
    effort = fields.Integer(string="CES", readonly=True, aggregator="avg")
    csat_state = fields.Selection(CSAT_STATES, readonly=True, index="btree_not_null")
    csat_due_date = fields.Datetime(string="Rating request due", readonly=True)
    csat_sent_date = fields.Datetime(string="Rating request sent", readonly=True)
    csat_skip_reason = fields.Selection(SKIP_REASONS, readonly=True)

    _ticket_unique = models.Constraint(
        "UNIQUE(ticket_id)", "A case has one row of KPIs."
    )
    _csat_due_idx = models.Index("(csat_due_date) WHERE csat_state = 'due'")

    # -- rows ---------------------------------------------------------------

    @api.model
    def _for(self, tickets):
        """The KPI rows of ``tickets``, made where missing. Two workers may
        reach a new case at once: the INSERT skips rows another made."""
        ids = tuple(tickets.ids)
        if not ids:
            return self.browse()
        tickets.flush_recordset(["company_id"])
        self.env.cr.execute(
            SQL(
                """INSERT INTO hybrid_support_case_kpi
                       (ticket_id, company_id, create_uid, write_uid,
                        create_date, write_date)
                   SELECT t.id, t.company_id, %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM helpdesk_ticket t
                    WHERE t.id IN %(ids)s
                   ON CONFLICT (ticket_id) DO NOTHING""",
                uid=self.env.uid,
                ids=ids,
            )
        )
        return self.search([("ticket_id", "in", list(ids))])

    @api.model
    def _working_hours(self, ticket, start, end):
        """Working hours from ``start`` to ``end`` on the case's SLA calendar,
        else its company's; wall-clock hours without either."""
        if not (start and end) or end <= start:
            return 0.0
        calendar = ticket.hs_sla_policy_id.calendar_id or (
            ticket.company_id.resource_calendar_id
        )
        if not calendar:
            return kpi_tools.wall_clock_hours(start, end)
        return calendar.get_work_hours_count(start, end, compute_leaves=True)

    @api.model
    def _start(self, ticket):
        return ticket.hs_sla_start_date or ticket.create_date

    # -- events -------------------------------------------------------------

    @api.model
    def _on_agent_reply(self, tickets, date):
        """An agent wrote to the customer: the first one is the first response."""
        for row in self._for(tickets):
            values = {"agent_replies": row.agent_replies + 1}
            if not row.first_response_date:
                ticket = row.ticket_id
                values["first_response_date"] = date
                values["first_response_hours"] = self._working_hours(
                    ticket, self._start(ticket), date
                )
            row.write(values)

    @api.model
    def _on_customer_message(self, tickets):
        """The customer wrote after an agent's reply: no first-contact
        resolution. Cases nobody answered yet need no row for this."""
        self.search(
            [
                ("ticket_id", "in", tickets.ids),
                ("agent_replies", ">", 0),
                ("customer_wrote_after_reply", "=", False),
            ]
        ).write({"customer_wrote_after_reply": True})

    @api.model
    def _on_close(self, tickets, now):
        extra = tickets._hs_kpi_close_values()
        for row in self._for(tickets):
            ticket = row.ticket_id
            values = {
                "closed_date": now,
                "resolution_hours": self._working_hours(
                    ticket, self._start(ticket), now
                ),
                "first_contact_resolution": kpi_tools.first_contact_resolution(
                    row.agent_replies, row.customer_wrote_after_reply, row.reopen_count
                ),
                "escalated": row.escalated or bool(ticket.hs_escalation_level),
                "sla_result": kpi_tools.sla_result(
                    [
                        (line.status, line.deadline, bool(line.paused_since))
                        for line in ticket.hs_sla_ids
                    ],
                    now,
                ),
                **extra.get(ticket.id, {}),
            }
            team = ticket.team_id
            if team.hs_rating_enabled and not row.csat_state:
                values["csat_state"] = "due"
                values["csat_due_date"] = kpi_tools.rating_due(
                    now, team.hs_rating_delay_hours
                )
            row.write(values)

    @api.model
    def _on_reopen(self, tickets):
        for row in self._for(tickets):
            values = {"reopen_count": row.reopen_count + 1}
            values["first_contact_resolution"] = False
            if row.csat_state == "due":  # asked at the next closing instead
                values.update(csat_state=False, csat_due_date=False)
            row.write(values)

    @api.model
    def _on_escalation(self, tickets):
        self._for(tickets).filtered(lambda r: not r.escalated).write(
            {"escalated": True}
        )

    @api.model
    def _on_routing(self, logs):
        """Routing decisions were logged: automatic or not, and whether an
        agent changed what a model had decided (the model's override rate).
        The gateway logs a decision for nearly every new case: the rows are
        made and updated by one upsert, without reading them first."""
        logs = logs.filtered("ticket_id")
        if not logs:
            return
        overrides = logs.filtered(lambda log: log.source == "override")
        decided_by_model = set()
        if overrides:
            decided_by_model = {
                (ticket.id, field.id)
                for ticket, field in self.env["hybrid.support.routing.log"]._read_group(
                    [
                        ("ticket_id", "in", overrides.ticket_id.ids),
                        ("source", "=", "model"),
                        ("field_id", "!=", False),
                    ],
                    ["ticket_id", "field_id"],
                )
            }
        by_ticket = defaultdict(list)
        for log in logs:
            by_ticket[log.ticket_id.id].append(log)
        rows = []
        for ticket_id, ticket_logs in by_ticket.items():
            events = kpi_tools.routing_events(
                [
                    (log.source, log.field_id.id, log.model_name, log.model_version)
                    for log in ticket_logs
                ],
                {field for tid, field in decided_by_model if tid == ticket_id},
            )
            rows.append((ticket_id, *(events.get(name) for name in ROUTING_KPIS)))
        self._upsert_routing(rows)

    @api.model
    def _upsert_routing(self, rows):
        """Make or update the KPI rows of ``rows`` ``(ticket id, auto_routed,
        ai_decided, ai_model, agent_rerouted, ai_overridden)``: a flag is set
        when True and left as it was otherwise, the model's name when the
        model decided; a row with nothing to set is made, never touched."""
        tickets = self.env["helpdesk.ticket"].browse([row[0] for row in rows])
        tickets.flush_recordset(["company_id"])
        self.flush_model(ROUTING_KPIS)
        values = SQL(", ").join(
            SQL(
                "(%s, %s::boolean, %s::boolean, %s::varchar, %s::boolean, %s::boolean)",
                *row,
            )
            for row in rows
        )
        self.env.cr.execute(
            SQL(
                """INSERT INTO hybrid_support_case_kpi AS k
                       (ticket_id, company_id, auto_routed, ai_decided, ai_model,
                        agent_rerouted, ai_overridden, create_uid, write_uid,
                        create_date, write_date)
                   SELECT t.id, t.company_id, v.auto_routed, v.ai_decided,
                          v.ai_model, v.agent_rerouted, v.ai_overridden,
                          %(uid)s, %(uid)s,
                          now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                     FROM (VALUES %(values)s) AS v(ticket_id, auto_routed,
                          ai_decided, ai_model, agent_rerouted, ai_overridden)
                     JOIN helpdesk_ticket t ON t.id = v.ticket_id
                   ON CONFLICT (ticket_id) DO UPDATE SET
                       company_id = EXCLUDED.company_id,
                       auto_routed = COALESCE(EXCLUDED.auto_routed, k.auto_routed),
                       ai_decided = COALESCE(EXCLUDED.ai_decided, k.ai_decided),
                       ai_model = CASE WHEN EXCLUDED.ai_decided
                                       THEN EXCLUDED.ai_model ELSE k.ai_model END,
                       agent_rerouted = COALESCE(EXCLUDED.agent_rerouted,
                                                 k.agent_rerouted),
                       ai_overridden = COALESCE(EXCLUDED.ai_overridden,
                                                k.ai_overridden),
                       write_uid = EXCLUDED.write_uid,
                       write_date = EXCLUDED.write_date
                    WHERE EXCLUDED.auto_routed OR EXCLUDED.ai_decided
                       OR EXCLUDED.agent_rerouted OR EXCLUDED.ai_overridden""",
                uid=self.env.uid,
                values=values,
            )
        )
        self.invalidate_model([*ROUTING_KPIS, "write_uid", "write_date"])

    @api.model
    def _on_rating(self, ratings):
        by_case = {rating.res_id: rating for rating in ratings}
        tickets = self.env["helpdesk.ticket"].browse(list(by_case))
        for row in self._for(tickets.exists()):
            rating = by_case[row.ticket_id.id]
            row.write({"rating": rating.rating, "effort": rating.hs_effort_score})
