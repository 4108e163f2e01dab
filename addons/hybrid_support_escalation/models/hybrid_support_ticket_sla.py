from odoo import api, fields, models
from odoo.tools import SQL

TARGETS = [("first_response", "First response"), ("resolution", "Resolution")]
STATUSES = [
    ("ongoing", "Ongoing"),
    ("at_risk", "At risk"),
    ("breached", "Breached"),
    ("met", "Met"),
]
OPEN = ("ongoing", "at_risk")


class HybridSupportTicketSla(models.Model):
    """One target (first response or resolution) of one policy on one case:
    the promise, its clock and where it stands."""

    _name = "hybrid.support.ticket.sla"
    _description = "SLA target of a case"
    _order = "deadline, id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    policy_id = fields.Many2one(
        "hybrid.support.sla.policy", required=True, ondelete="cascade", index=True
    )
    target = fields.Selection(TARGETS, required=True)
    start_date = fields.Datetime(required=True)
    deadline = fields.Datetime(index=True)
    at_risk_date = fields.Datetime(string="At risk from")
    status = fields.Selection(STATUSES, required=True, default="ongoing", index=True)
    reached_date = fields.Datetime(string="Status since")
    paused_since = fields.Datetime(
        help="Set while the case is in a stage that stops this policy's clock."
    )
    paused_hours = fields.Float(
        string="Paused (working hours)",
        help="Working hours given back for the time the case spent in pausing stages.",
    )
    time_left = fields.Char(compute="_compute_time_left")

    _ticket_policy_target_unique = models.Constraint(
        "UNIQUE(ticket_id, policy_id, target)",
        "A case has each target of a policy once.",
    )
    _open_lookup = models.Index(
        "(status, deadline) WHERE status IN ('ongoing', 'at_risk')"
    )

    @api.depends("deadline", "status", "reached_date", "paused_since")
    def _compute_time_left(self):
        now = fields.Datetime.now()
        for line in self:
            if not line.deadline:
                line.time_left = False
                continue
            if line.status in ("met", "breached"):
                end = line.reached_date
            else:
                end = line.paused_since or now
            minutes = int((line.deadline - end).total_seconds() // 60)
            hours, mins = divmod(abs(minutes), 60)
            line.time_left = f"{'-' if minutes < 0 else ''}{hours}:{mins:02d}"

    # -- clock changes, each batched over the lines of self -----------------

    def _reach(self, status, when):
        """Close the open lines of self (met or breached by their deadline)."""
        open_lines = self.filtered(lambda line: line.status in OPEN)
        late = open_lines.filtered(
            lambda line: (
                not line.paused_since and line.deadline and line.deadline < when
            )
        )
        if status == "met":
            (open_lines - late).write(
                {"status": "met", "reached_date": when, "paused_since": False}
            )
            late.write(
                {"status": "breached", "reached_date": when, "paused_since": False}
            )
        else:
            open_lines.write({"status": status, "reached_date": when})

    def _pause(self, when):
        self.filtered(lambda line: line.status in OPEN and not line.paused_since).write(
            {"paused_since": when}
        )

    def _resume(self, when):
        """Give back the working hours spent paused and move the deadlines."""
        for line in self.filtered("paused_since"):
            policy = line.policy_id
            paused = line.paused_hours + policy.calendar_id.get_work_hours_count(
                line.paused_since, when, compute_leaves=True
            )
            values = policy._line_values(line.target, line.start_date, paused)
            values.update(paused_hours=paused, paused_since=False)
            values["status"] = (
                "at_risk"
                if values["at_risk_date"] and values["at_risk_date"] <= when
                else "ongoing"
            )
            line.write(values)

    @api.model
    def _lock_due(self, domain, limit):
        """Up to ``limit`` lines matching ``domain`` that no other transaction
        is writing (the mail gateway, an agent); rows locked elsewhere or
        deleted meanwhile are left for the next pass instead of waited for."""
        query = self._search(domain, order="id", limit=limit)
        rows = self.env.execute_query(
            SQL("%s FOR NO KEY UPDATE SKIP LOCKED", query.select())
        )
        lines = self.browse(row[0] for row in rows)
        held = set(lines.ticket_id.try_lock_for_update(allow_referencing=True).ids)
        return lines.filtered(lambda line: line.ticket_id.id in held)

    @api.model
    def _transitions(self, now, limit):
        """Move one batch of lines to at risk or breached: a few queries per
        batch, however many cases. Return how many lines moved."""
        moved = 0
        running = [("paused_since", "=", False)]
        for status, domain in (
            ("breached", [("status", "in", OPEN), ("deadline", "<=", now)]),
            (
                "at_risk",
                [
                    ("status", "=", "ongoing"),
                    ("at_risk_date", "<=", now),
                    ("deadline", ">", now),
                ],
            ),
        ):
            due = self._lock_due(domain + running, limit)
            due.write({"status": status, "reached_date": now})
            moved += len(due)
        return moved
