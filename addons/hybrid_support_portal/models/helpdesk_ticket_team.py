from datetime import timedelta

from odoo import fields, models

DEFAULT_LINK_DAYS = 30


class HelpdeskTicketTeam(models.Model):
    _inherit = "helpdesk.ticket.team"

    hs_solved_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Stage of solved cases",
        domain="[('closed', '=', True)]",
        help='Where "This solved my problem" and the automatic closing put a '
        "case. Empty: the team's first closed stage customers may close to "
        '(helpdesk\'s "Close from portal"), else its first closed stage.',
    )
    hs_in_progress_stage_id = fields.Many2one(
        "helpdesk.ticket.stage",
        string="Stage of cases back in progress",
        domain="[('closed', '=', False)]",
        help='Where "I still need help" and a customer\'s reply to a case '
        "waiting on them put it. Empty: the team's first open stage that is "
        "neither unattended nor a pausing stage of its service levels.",
    )
    hs_action_link_days = fields.Integer(
        string="Customer links valid for (days)",
        default=DEFAULT_LINK_DAYS,
        help='How long the "This solved my problem" and "I still need '
        'help" links of our emails work.',
    )
    hs_reminder_enabled = fields.Boolean(
        string="Remind customers who do not answer",
        help="Cases waiting on the customer (in a pausing stage of their "
        "service levels) get reminders, then are closed with a final message.",
    )
    hs_reminder_days = fields.Integer(
        string="Remind after (working days)",
        default=3,
        help="Working days of the team's service-level calendar (else the "
        "company's) without an answer before each reminder, and before the "
        "closing after the last one.",
    )
    hs_reminder_max = fields.Integer(
        string="Reminders before closing",
        default=2,
        help="How many reminders a waiting case gets; it is closed one delay "
        "after the last.",
    )

    _hs_action_link_days_positive = models.Constraint(
        "CHECK(hs_action_link_days > 0)",
        "Customer links must stay valid at least one day.",
    )
    _hs_reminder_days_positive = models.Constraint(
        "CHECK(hs_reminder_days > 0)",
        "Reminders wait at least one working day.",
    )
    _hs_reminder_max_not_negative = models.Constraint(
        "CHECK(hs_reminder_max >= 0)",
        "The number of reminders cannot be negative.",
    )

    def _hs_applicable_stages(self, company):
        """helpdesk_mgmt's stages of the team (of no team: shared stages), for
        a case of ``company``."""
        return self.with_company(company)._get_applicable_stages()

    def _hs_sla_policies(self, company):
        """Active service-level policies of ``company`` that may apply to the
        team's cases (the ids are cached by escalation)."""
        policies = self.env["hybrid.support.sla.policy"]._for_companies(company)
        return policies.filtered(lambda p: not p.team_ids or self in p.team_ids)

    def _hs_waiting_stages(self, company):
        """Stages where a case of the team waits on its customer: the pausing
        stages of its service levels."""
        # sudo: which stages pause the clock is configuration a customer's
        # reply needs to know, not to read
        return self.sudo()._hs_sla_policies(company).pause_stage_ids

    def _hs_solved_stage(self, company):
        if self.hs_solved_stage_id:
            return self.hs_solved_stage_id
        closed = self._hs_applicable_stages(company).filtered("closed")
        return closed.filtered("close_from_portal")[:1] or closed[:1]

    def _hs_in_progress_stage(self, company):
        if self.hs_in_progress_stage_id:
            return self.hs_in_progress_stage_id
        waiting = self._hs_waiting_stages(company)
        open_stages = self._hs_applicable_stages(company).filtered(
            lambda s: not s.closed
        )
        working = open_stages.filtered(lambda s: not s.unattended) - waiting
        return working[:1] or (open_stages - waiting)[:1] or open_stages[:1]

    def _hs_link_days(self):
        return self.hs_action_link_days or DEFAULT_LINK_DAYS

    def _hs_reminder_calendar(self):
        """Working hours that count the reminder delays: those of the first
        service-level policy of the team, else the company's."""
        self.ensure_one()
        policy = self.sudo()._hs_sla_policies(self.company_id)[:1]
        return policy.calendar_id or self.company_id.resource_calendar_id

    def _hs_reminder_cutoff(self, now):
        """Cases waiting since before this moment have waited the team's
        delay: ``hs_reminder_days`` working days of its calendar."""
        self.ensure_one()
        calendar = self._hs_reminder_calendar()
        if not calendar or not calendar.hours_per_day:
            return now - timedelta(days=self.hs_reminder_days)
        hours = self.hs_reminder_days * calendar.hours_per_day
        cutoff = calendar.plan_hours(-hours, now, compute_leaves=True)
        # a calendar without working time in reach: never due
        return cutoff or now - timedelta(days=3650)
