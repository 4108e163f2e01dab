from datetime import datetime

import pytz

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_datetime

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from .hybrid_support_ticket_sla import OPEN, STATUSES

# SLA internals and analytics are for agents; customers read the promise
# (sla_first_response_deadline) on the portal page and in the acknowledgement
AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"
RANK = {"met": 0, "ongoing": 1, "at_risk": 2, "breached": 3}
# a change of these may change which policies apply
SLA_FIELDS = (
    "team_id",
    "priority",
    "category_id",
    "tag_ids",
    "channel_id",
    "partner_id",
    "hs_intent_id",
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hs_sla_ids = fields.One2many(
        "hybrid.support.ticket.sla",
        "ticket_id",
        string="Service levels",
        copy=False,
        groups=AGENTS,
    )
    hs_sla_policy_id = fields.Many2one(
        "hybrid.support.sla.policy",
        string="SLA policy",
        compute="_compute_sla_summary",
        store=True,
        index=True,
        help="The policy whose first-response deadline comes first.",
        groups=AGENTS,
    )
    hs_sla_first_response_deadline = fields.Datetime(
        string="First response due",
        compute="_compute_sla_summary",
        store=True,
        index="btree_not_null",
    )
    hs_sla_deadline = fields.Datetime(
        string="Next SLA deadline",
        compute="_compute_sla_summary",
        store=True,
        index="btree_not_null",
        help="The earliest deadline still running (paused clocks excluded).",
        groups=AGENTS,
    )
    hs_sla_at_risk_date = fields.Datetime(
        string="At risk from", compute="_compute_sla_details", groups=AGENTS
    )
    hs_sla_first_response_date = fields.Datetime(
        string="First answered",
        readonly=True,
        copy=False,
        help="When an agent first wrote to the customer (not the automatic "
        "acknowledgement, not an internal note).",
        groups=AGENTS,
    )
    hs_sla_status = fields.Selection(
        STATUSES,
        string="SLA status",
        compute="_compute_sla_summary",
        store=True,
        index=True,
        help="The worst status of the case's targets.",
        groups=AGENTS,
    )
    hs_sla_reached_date = fields.Datetime(
        string="SLA status since", compute="_compute_sla_details", groups=AGENTS
    )
    hs_sla_paused = fields.Boolean(
        string="SLA paused", compute="_compute_sla_summary", store=True, groups=AGENTS
    )
    hs_sla_start_date = fields.Datetime(
        string="SLA clock start",
        readonly=True,
        copy=False,
        help="When the case was opened; empty for cases older than the suite "
        "(their creation date is used).",
        groups=AGENTS,
    )
    hs_last_activity_date = fields.Datetime(
        string="Last activity",
        readonly=True,
        copy=False,
        index=True,
        help="Last message written on the case by the customer or an agent.",
        groups=AGENTS,
    )
    hs_customer_health = fields.Integer(
        related="commercial_partner_id.hs_health_score",
        string="Customer health",
        groups=AGENTS,
    )
    hs_escalation_level = fields.Integer(
        string="Escalation Level", readonly=True, copy=False, index=True, groups=AGENTS
    )
    hs_escalation_log_ids = fields.One2many(
        "hybrid.support.escalation.log",
        "ticket_id",
        string="Escalations",
        groups=AGENTS,
    )

    def _hs_sla_digest(self):
        """What the case's lines add up to, in one plain loop (the SLA cron
        recomputes thousands of cases per batch)."""
        self.ensure_one()
        first = running = at_risk = worst = worst_key = None
        paused, policy = False, self.env["hybrid.support.sla.policy"]
        for line in self.hs_sla_ids:
            status, deadline = line.status, line.deadline
            if line.target == "first_response" and deadline:
                if first is None or deadline < first:
                    first, policy = deadline, line.policy_id
            if line.paused_since:
                paused = True
            elif status in OPEN:
                running = min(filter(None, (running, deadline)), default=None)
                at_risk = min(filter(None, (at_risk, line.at_risk_date)), default=None)
            key = (RANK[status], line.reached_date or datetime.min)
            if worst_key is None or key > worst_key:
                worst_key, worst = key, line
        return {
            "hs_sla_policy_id": policy,
            "hs_sla_first_response_deadline": first or False,
            "hs_sla_deadline": running or False,
            "hs_sla_status": worst.status if worst else False,
            "hs_sla_paused": paused,
            "hs_sla_at_risk_date": at_risk or False,
            "hs_sla_reached_date": (worst.reached_date or False) if worst else False,
        }

    @api.depends(
        "hs_sla_ids.status",
        "hs_sla_ids.deadline",
        "hs_sla_ids.reached_date",
        "hs_sla_ids.paused_since",
    )
    def _compute_sla_summary(self):
        # stored: what lists, filters, escalation and health search on
        for ticket in self:
            digest = ticket._hs_sla_digest()
            ticket.hs_sla_policy_id = digest["hs_sla_policy_id"]
            ticket.hs_sla_first_response_deadline = digest[
                "hs_sla_first_response_deadline"
            ]
            ticket.hs_sla_deadline = digest["hs_sla_deadline"]
            ticket.hs_sla_status = digest["hs_sla_status"]
            ticket.hs_sla_paused = digest["hs_sla_paused"]

    @api.depends(
        "hs_sla_ids.at_risk_date", "hs_sla_ids.reached_date", "hs_sla_ids.status"
    )
    def _compute_sla_details(self):
        # shown on the form only: not worth a write per case in the cron
        for ticket in self:
            digest = ticket._hs_sla_digest()
            ticket.hs_sla_at_risk_date = digest["hs_sla_at_risk_date"]
            ticket.hs_sla_reached_date = digest["hs_sla_reached_date"]

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            vals.setdefault("hs_sla_start_date", now)
            vals.setdefault("hs_last_activity_date", now)
        tickets = super().create(vals_list)
        # a case of the intake pipeline gets it once routed (_hs_after_route)
        tickets.filtered(lambda t: not t.hs_origin)._hs_apply_sla()
        return tickets

    def write(self, vals):
        result = super().write(vals)
        if "stage_id" in vals:
            self._hs_sla_stage_changed()
        if not self.env.context.get("hs_routing") and any(
            f in vals for f in SLA_FIELDS
        ):
            self._hs_apply_sla()
        return result

    def _hs_after_route(self, origin):
        result = super()._hs_after_route(origin)
        self._hs_apply_sla()
        return result

    def _hs_apply_sla(self):
        """Give each open case the targets of the policies that apply to it
        now; targets already met or breached are history and stay."""
        # sudo: targets are derived by the suite; no user creates or edits
        # them, and the writer may not see every line of the case (nor the
        # case itself once moved to another team): all are compared here
        tickets = self.sudo().filtered(lambda t: not t.stage_id.closed)
        if not tickets:
            return
        policies = self.env["hybrid.support.sla.policy"]._for_companies(
            tickets.company_id
        )
        now = fields.Datetime.now()
        Line = self.env["hybrid.support.ticket.sla"].sudo()
        create, drop = [], Line
        for ticket in tickets:
            selected = policies._select(ticket)
            drop |= ticket.hs_sla_ids.filtered(
                lambda x, selected=selected: (
                    x.status in OPEN and x.policy_id not in selected
                )
            )
            have = {(x.policy_id, x.target) for x in ticket.hs_sla_ids}
            start = min(ticket.hs_sla_start_date or ticket.create_date or now, now)
            for policy in selected:
                targets = [
                    target
                    for target in policies._targets()
                    if (policy, target) not in have
                ]
                if not targets:
                    continue
                # one reading of the calendar for the policy's targets
                for values in policy._lines_values(targets, start):
                    values.update(ticket_id=ticket.id, reached_date=start)
                    if ticket.stage_id in policy.pause_stage_ids:
                        values["paused_since"] = now
                    create.append(values)
        drop.unlink()
        lines = Line.create(create)
        answered = lines.filtered(
            lambda x: (
                x.target == "first_response" and x.ticket_id.hs_sla_first_response_date
            )
        )
        for line in answered:
            line._reach("met", line.ticket_id.hs_sla_first_response_date)
        lines.filtered(
            lambda x: x.deadline and x.deadline <= now and x.status in OPEN
        )._reach("breached", now)

    def _hs_sla_stage_changed(self):
        now = fields.Datetime.now()
        closed = self.filtered(lambda t: t.stage_id.closed)
        # sudo: a stage change by an agent or a customer moves the clocks,
        # which neither may edit by hand
        closed.sudo().hs_sla_ids._reach("met", now)
        lines = (self - closed).sudo().hs_sla_ids
        pausing = lines.filtered(
            lambda x: x.ticket_id.stage_id in x.policy_id.pause_stage_ids
        )
        pausing._pause(now)
        (lines - pausing)._resume(now)

    def _message_post_after_hook(self, message, msg_values):
        """The first message an agent sends to the customer is the first
        response; the acknowledgement (auto_comment) and notes are not."""
        result = super()._message_post_after_hook(message, msg_values)
        # the email that makes a case: the activity date was set by create
        active = self.filtered(lambda t: t.hs_source_message_id != message.message_id)
        if message.message_type in ("comment", "email") and message.author_id:
            # sudo: whoever writes, the activity date is the case's own record
            active.sudo().write({"hs_last_activity_date": message.date})
        if (
            message.message_type == "comment"
            and self._hs_public_message(message)
            and message.author_id.user_ids.filtered(lambda u: not u.share)
        ):
            # sudo: the agent may neither write nor (a follower without
            # helpdesk rights) read the SLA fields
            unanswered = self.sudo().filtered(
                lambda t: not t.hs_sla_first_response_date
            )
            unanswered.write({"hs_sla_first_response_date": message.date})
            unanswered.hs_sla_ids.filtered(
                lambda x: x.target == "first_response"
            )._reach("met", message.date)
        return result

    def action_deescalate(self):
        """A manager takes a case one level down; logged like an escalation."""
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise AccessError(
                self.env._("Only helpdesk managers can de-escalate a case.")
            )
        tickets = self.filtered("hs_escalation_level")
        for ticket in tickets:
            ticket.hs_escalation_level -= 1
        # sudo: agents may not create audit entries directly, only this way
        self.env["hybrid.support.escalation.log"].sudo().create(
            [
                {
                    "ticket_id": ticket.id,
                    "level": ticket.hs_escalation_level,
                    "trigger": self.env._("De-escalated by a manager"),
                    "user_id": self.env.uid,
                }
                for ticket in tickets
            ]
        )
        return True

    @api.model
    def _hs_sla_transitions(self, now, limit):
        return self.env["hybrid.support.ticket.sla"]._transitions(now, limit)

    @api.model
    @retry_soon_on_conflict
    def _cron_sla_status(self, batch_size=5000):
        now = fields.Datetime.now()
        cron = self.env["ir.cron"]
        while True:
            moved = self._hs_sla_transitions(now, batch_size)
            if not moved or cron._commit_progress(moved) <= 0:
                break

    @api.depends("hs_sla_first_response_deadline", "partner_id.tz")
    def _compute_response_promise(self):
        with_deadline = self.filtered("hs_sla_first_response_deadline")
        result = super(HelpdeskTicket, self - with_deadline)._compute_response_promise()
        for ticket in with_deadline:
            # sudo: the promise quotes the policy's time zone to whoever renders
            # it (the acknowledgement, a customer's page); only the zone leaves
            policy = ticket.sudo().hs_sla_policy_id
            tz = ticket.partner_id.tz or policy.calendar_id.tz or "UTC"
            when = format_datetime(
                ticket.env,
                ticket.hs_sla_first_response_deadline,
                tz=tz if tz in pytz.all_timezones_set else "UTC",
                dt_format="EEEE d MMMM y, HH:mm (zzzz)",
                lang_code=ticket.partner_id.lang,
            )
            ticket.hs_response_promise = ticket.env._(
                "You will receive a first answer by %(when)s at the latest.", when=when
            )
        return result
