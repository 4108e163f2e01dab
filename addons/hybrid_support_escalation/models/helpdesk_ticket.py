import pytz

from odoo import api, fields, models
from odoo.tools.misc import format_datetime


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    sla_policy_id = fields.Many2one(
        "hybrid.support.sla.policy", string="SLA policy", readonly=True, index=True
    )
    sla_first_response_deadline = fields.Datetime(
        string="First response due", readonly=True, copy=False
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
                ticket.write(
                    {
                        "sla_policy_id": policy.id,
                        "sla_first_response_deadline": policy._first_response_deadline(
                            ticket.create_date
                        ),
                    }
                )

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
