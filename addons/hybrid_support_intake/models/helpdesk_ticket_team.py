from odoo import fields, models


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    hs_assign_last_agent = fields.Boolean(
        string="Give returning customers their last agent",
        default=True,
        help="When no routing rule assigns a new case, give it to the agent "
        "who last handled this customer account, if still in the team.",
    )
    hs_assign_method = fields.Selection(
        [
            ("none", "Leave unassigned"),
            ("round_robin", "Round robin"),
            ("least_loaded", "Fewest open cases"),
        ],
        string="Assignment",
        default="none",
        required=True,
        help="How a new case that no rule assigned is given to a team member.",
    )
    hs_notify_auto_assignment = fields.Boolean(
        string="Email agents their automatic assignments",
        help='Send Odoo\'s "You have been assigned" email when a routing rule '
        "or the assignment method gives a new case to an agent. Off: the case "
        "simply appears in the agent's queue (assignments made by hand are "
        "always notified).",
    )
    hs_closed_reply = fields.Selection(
        [
            ("reopen", "Reopen the case"),
            ("followup", "Open a linked follow-up case"),
        ],
        string="Reply to a closed case",
        default="reopen",
        required=True,
    )
