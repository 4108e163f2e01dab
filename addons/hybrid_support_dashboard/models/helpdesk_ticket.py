from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _hs_kpi_close_values(self):
        """The AI addon's part of a closing case's KPIs: whether a proposed
        draft was sent, how much the agent changed it, and whether a person
        reviewed the triage. One grouped read for the closing cases."""
        values = super()._hs_kpi_close_values()
        # sudo: drafts are the suite's records; the KPI is written whoever closes
        drafts = (
            self.env["hybrid.support.draft"]
            .sudo()
            ._read_group(
                [("ticket_id", "in", self.ids), ("state", "in", ("sent", "auto_sent"))],
                ["ticket_id"],
                ["edit_distance:avg"],
            )
        )
        used = {ticket.id: rate for ticket, rate in drafts}
        for ticket in self.sudo():
            extra = values.setdefault(ticket.id, {})
            extra["reviewed"] = bool(ticket.hs_intent_reviewed)
            extra["draft_used"] = ticket.id in used
            extra["draft_edit_rate"] = used.get(ticket.id) or 0.0
        return values
