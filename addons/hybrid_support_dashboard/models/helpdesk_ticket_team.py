from odoo import fields, models

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    hs_review_count = fields.Integer(
        string="Waiting for review", compute="_compute_hs_ai_counters", groups=AGENTS
    )
    hs_draft_ready_count = fields.Integer(
        string="Drafts ready", compute="_compute_hs_ai_counters", groups=AGENTS
    )

    def _compute_hs_ai_counters(self):
        """Open cases of each team whose triage waits for a person, and those
        with a proposed draft reply: two grouped reads for all the teams."""
        Ticket = self.env["helpdesk.ticket"]
        base = [("team_id", "in", self.ids), ("stage_id.closed", "=", False)]
        review = dict(
            Ticket._read_group(
                base + [("hs_intent_needs_review", "=", True)], ["team_id"], ["__count"]
            )
        )
        drafts = dict(
            Ticket._read_group(
                base + [("hs_draft_ids.state", "=", "proposed")],
                ["team_id"],
                ["__count"],
            )
        )
        for team in self:
            team.hs_review_count = review.get(team, 0)
            team.hs_draft_ready_count = drafts.get(team, 0)
