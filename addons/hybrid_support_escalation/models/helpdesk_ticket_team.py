from odoo import fields, models

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    hs_rating_enabled = fields.Boolean(
        string="Ask for a rating",
        help="Closed cases of this team get a satisfaction request by email "
        "(one click on a smiley, no login), sent by a job after the delay.",
    )
    hs_rating_delay_hours = fields.Float(
        string="Rating request delay (hours)",
        default=2.0,
        help="Hours between the closing and the request, so that a quick "
        "reopening does not ask too early.",
    )
    hs_rating_contact_days = fields.Integer(
        string="At most one request per contact every (days)",
        default=30,
        help="A contact who received a request in this window is not asked "
        "again (0: no limit).",
    )
    hs_rating_template_id = fields.Many2one(
        "mail.template",
        string="Rating request email",
        domain=[("model", "=", "helpdesk.ticket")],
        default=lambda self: self.env.ref(
            "helpdesk_mgmt_rating.rating_ticket_email_template",
            raise_if_not_found=False,
        ),
        help="Empty: helpdesk_mgmt_rating's request.",
    )

    # counters of the team dashboard (open cases)
    hs_sla_at_risk_count = fields.Integer(
        string="SLA at risk", compute="_compute_hs_counters", groups=AGENTS
    )
    hs_sla_breached_count = fields.Integer(
        string="SLA breached", compute="_compute_hs_counters", groups=AGENTS
    )
    hs_quarantine_count = fields.Integer(
        string="Emails in quarantine",
        compute="_compute_hs_counters",
        help="Emails of the team's company kept aside, to check.",
        groups=AGENTS,
    )

    _hs_rating_delay_positive = models.Constraint(
        "CHECK(hs_rating_delay_hours >= 0)",
        "The rating request delay cannot be negative.",
    )
    _hs_rating_window_positive = models.Constraint(
        "CHECK(hs_rating_contact_days >= 0)",
        "The rating request window cannot be negative.",
    )

    def _compute_hs_counters(self):
        """Two grouped reads for all the teams shown, as the user may read."""
        counts = {
            (team, status): count
            for team, status, count in self.env["helpdesk.ticket"]._read_group(
                [
                    ("team_id", "in", self.ids),
                    ("stage_id.closed", "=", False),
                    ("hs_sla_status", "in", ("at_risk", "breached")),
                ],
                ["team_id", "hs_sla_status"],
                ["__count"],
            )
        }
        Quarantine = self.env["hybrid.support.mail.quarantine"]
        quarantined = {}
        if Quarantine.has_access("read"):
            quarantined = dict(
                Quarantine._read_group(
                    [("state", "=", "new"), ("company_id", "in", self.company_id.ids)],
                    ["company_id"],
                    ["__count"],
                )
            )
        for team in self:
            team.hs_sla_at_risk_count = counts.get((team, "at_risk"), 0)
            team.hs_sla_breached_count = counts.get((team, "breached"), 0)
            team.hs_quarantine_count = quarantined.get(team.company_id, 0)
