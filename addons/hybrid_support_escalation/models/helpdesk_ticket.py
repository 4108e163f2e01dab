import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_datetime


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    sla_policy_id = fields.Many2one(
        "hybrid.support.sla.policy", string="SLA policy", readonly=True, index=True
    )
    sla_first_response_deadline = fields.Datetime(
        string="First response due", readonly=True, copy=False, index="btree_not_null"
    )
    sla_at_risk_date = fields.Datetime(
        string="At risk from", readonly=True, copy=False, index="btree_not_null"
    )
    sla_first_response_date = fields.Datetime(
        string="First answered",
        readonly=True,
        copy=False,
        help="When an agent first wrote to the customer (not the automatic "
        "acknowledgement, not an internal note).",
    )
    sla_status = fields.Selection(
        [
            ("ongoing", "Ongoing"),
            ("at_risk", "At risk"),
            ("breached", "Breached"),
            ("met", "Met"),
        ],
        string="SLA status",
        readonly=True,
        copy=False,
        index=True,
    )
    customer_health = fields.Integer(
        related="commercial_partner_id.hs_health_score", string="Customer health"
    )
    escalation_level = fields.Integer(readonly=True, copy=False, index=True)
    escalation_log_ids = fields.One2many(
        "hybrid.support.escalation.log", "ticket_id", string="Escalations"
    )
    sla_reached_date = fields.Datetime(
        string="SLA status since", readonly=True, copy=False
    )

    def _hs_after_route(self):
        result = super()._hs_after_route()
        self._hs_apply_sla()
        return result

    def _hs_apply_sla(self):
        policies = self.env["hybrid.support.sla.policy"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        for ticket in self:
            policy = next((p for p in policies if p._matches(ticket)), None)
            if policy:
                # the clock starts when the case was opened (now, in the gateway)
                start = min(ticket.create_date, fields.Datetime.now())
                ticket.write(
                    {
                        "sla_policy_id": policy.id,
                        "sla_first_response_deadline": policy._first_response_deadline(
                            start
                        ),
                        "sla_at_risk_date": policy._first_response_at_risk(start),
                        "sla_status": "ongoing",
                        "sla_reached_date": start,
                    }
                )

    def _message_post_after_hook(self, message, msg_values):
        """The first message an agent sends to the customer is the first
        response; the acknowledgement (auto_comment) and notes are not."""
        result = super()._message_post_after_hook(message, msg_values)
        if (
            message.message_type == "comment"
            and not message.subtype_id.internal
            and message.subtype_id
            and message.author_id.user_ids.filtered(lambda u: not u.share)
        ):
            for ticket in self.filtered(
                lambda t: t.sla_policy_id and not t.sla_first_response_date
            ):
                late = message.date > ticket.sla_first_response_deadline
                values = {"sla_first_response_date": message.date}
                if ticket.sla_status != "breached":
                    values.update(
                        sla_status="breached" if late else "met",
                        sla_reached_date=message.date,
                    )
                ticket.sudo().write(values)  # sudo: the agent may not write SLA fields
        return result

    def action_deescalate(self):
        """A manager takes a case one level down; logged like an escalation."""
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise AccessError(
                self.env._("Only helpdesk managers can de-escalate a case.")
            )
        tickets = self.filtered("escalation_level")
        for ticket in tickets:
            ticket.escalation_level -= 1
        # sudo: agents may not create audit entries directly, only this way
        self.env["hybrid.support.escalation.log"].sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "company_id": ticket.company_id.id,
                    "level": ticket.escalation_level,
                    "trigger": self.env._("De-escalated by a manager"),
                    "user_id": self.env.uid,
                }
                for ticket in tickets
            ]
        )
        return True

    @api.model
    def _hs_sla_transitions(self, now, limit):
        """Move a batch of cases to at risk or breached; one search and one
        UPDATE per transition, however many cases. Return how many moved."""
        moved = 0
        for status, domain in (
            (
                "breached",
                [
                    ("sla_status", "in", ("ongoing", "at_risk")),
                    ("sla_first_response_deadline", "<=", now),
                ],
            ),
            (
                "at_risk",
                [
                    ("sla_status", "=", "ongoing"),
                    ("sla_at_risk_date", "<=", now),
                    ("sla_first_response_deadline", ">", now),
                ],
            ),
        ):
            due = self.search(
                domain + [("sla_first_response_date", "=", False)],
                limit=limit,
                order="id",
            )
            due.write({"sla_status": status, "sla_reached_date": now})
            moved += len(due)
        return moved

    @api.model
    def _cron_sla_status(self, batch_size=5000):
        now = fields.Datetime.now()
        cron = self.env["ir.cron"]
        while True:
            moved = self._hs_sla_transitions(now, batch_size)
            if not moved or cron._commit_progress(moved) <= 0:
                break

    @api.depends("sla_first_response_deadline", "partner_id.tz")
    def _compute_response_promise(self):
        with_deadline = self.filtered("sla_first_response_deadline")
        result = super(HelpdeskTicket, self - with_deadline)._compute_response_promise()
        for ticket in with_deadline:
            tz = ticket.partner_id.tz or ticket.sla_policy_id.calendar_id.tz or "UTC"
            when = format_datetime(
                ticket.env,
                ticket.sla_first_response_deadline,
                tz=tz if tz in pytz.all_timezones_set else "UTC",
                dt_format="EEEE d MMMM y, HH:mm (zzzz)",
                lang_code=ticket.partner_id.lang,
            )
            ticket.response_promise = ticket.env._(
                "You will receive a first answer by %(when)s at the latest.", when=when
            )
        return result
