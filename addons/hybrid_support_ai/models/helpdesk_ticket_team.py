from odoo import fields, models

from .helpdesk_ticket import AGENTS


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    hs_ai_dispatch = fields.Boolean(
        string="Dispatch with the triage model",
        groups=AGENTS,
        help="Cases arriving on this team's alias (a front desk) move to the "
        "team the trained model predicts, when it is confident and no routing "
        "rule decided the team.",
    )
