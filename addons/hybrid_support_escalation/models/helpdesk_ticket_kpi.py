from odoo import api, fields, models

from ..tools import kpi as kpi_tools

# rating columns of a case nobody rated yet
NO_RATING = {"rating_last_value": 0, "positive_rate_percentage": -1}


class HelpdeskTicket(models.Model):
    """The events the case KPIs and the satisfaction request hang on. Loaded
    after ``helpdesk_ticket.py``: its ``write`` runs outside the SLA's, so a
    closing reads the SLA lines as the closing left them."""

    _inherit = "helpdesk.ticket"

    hs_sla_time_left = fields.Char(
        string="SLA time left",
        compute="_compute_hs_sla_time_left",
        help="Until the next running deadline; negative once overdue.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    @api.depends("hs_sla_deadline")
    def _compute_hs_sla_time_left(self):
        now = fields.Datetime.now()
        for ticket in self:
            ticket.hs_sla_time_left = kpi_tools.time_left(ticket.hs_sla_deadline, now)

    @api.model_create_multi
    def create(self, vals_list):
        # A new case has no rating: its rating columns (rating.mixin's last
        # value, helpdesk_mgmt_rating's positive share) go into the INSERT as
        # their computes would set them, which would read rating_rating twice
        # for every batch of new cases (two of the gateway's queries per email)
        preset = {
            name: value
            for name, value in NO_RATING.items()
            if self._has_field_access(self._fields[name], "write")
        }
        if any(
            preset.keys() & vals.keys() or "rating_ids" in vals for vals in vals_list
        ):
            preset = {}
        tickets = super().create([{**preset, **vals} for vals in vals_list])
        for name in preset:
            self.env.remove_to_compute(self._fields[name], tickets)
        return tickets

    def write(self, vals):
        was_closed = None
        if "stage_id" in vals:
            was_closed = {ticket.id: ticket.stage_id.closed for ticket in self}
        result = super().write(vals)
        # sudo: KPIs are the suite's record of what happened; whoever moved
        # the case (agent, customer on the portal, gateway) may not write them
        kpis = self.env["hybrid.support.case.kpi"].sudo()
        if was_closed is not None and not self.env.context.get("hs_import"):
            tickets = self.sudo()
            closed = tickets.filtered(
                lambda t: t.stage_id.closed and not was_closed[t.id]
            )
            reopened = tickets.filtered(
                lambda t: not t.stage_id.closed and was_closed[t.id]
            )
            if closed:
                kpis._on_close(closed, fields.Datetime.now())
            if reopened:
                kpis._on_reopen(reopened)
        if vals.get("hs_escalation_level"):
            kpis._on_escalation(self.sudo())
        return result

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if message.message_type not in ("comment", "email") or msg_values.get(
            "rating_id"
        ):
            return result
        # the email that makes a case is no reply to anything
        active = self.filtered(lambda t: t.hs_source_message_id != message.message_id)
        if not active:
            return result
        # sudo: see write
        kpis = self.env["hybrid.support.case.kpi"].sudo()
        if message.author_id.user_ids.filtered(lambda u: not u.share):
            if message.message_type == "comment" and self._hs_public_message(message):
                kpis._on_agent_reply(active.sudo(), message.date)
        elif message.author_id or message.email_from:
            kpis._on_customer_message(active.sudo())
        return result

    def _hs_kpi_close_values(self):
        """Hook: {case id: more KPI values} measured when cases close (the
        AI addon's drafts and review, read by an addon that depends on it)."""
        return {}

    def _send_ticket_rating_mail(self, force_send=False):
        """helpdesk_mgmt_rating sends its request at once when a case enters
        a stage with a rating template; here the team's batched job sends it
        instead, after the team's delay and with its rules (no robots, once
        per case, one per contact per window)."""
        return None
