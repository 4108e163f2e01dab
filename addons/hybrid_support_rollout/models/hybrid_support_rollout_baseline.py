from datetime import timedelta

from odoo import api, fields, models

KPIS = [
    ("first_response_hours", "First response (working hours)"),
    ("resolution_hours", "Resolution (working hours)"),
    ("csat_percent", "Satisfied customers (%)"),
    ("portal_adoption_percent", "Active customers on the portal (%)"),
    ("status_chaser_percent", "Follow-ups asking for the status (%)"),
    ("weekly_volume", "New cases per week"),
]
# "Now" is measured over this many days before the measure
NOW_DAYS = 30


class HybridSupportRolloutBaseline(models.Model):
    """How support worked before the portal: a snapshot of a period's cases
    (imported email history and/or cases made in Odoo), made by the
    baseline wizard, against which rollout goals are set."""

    _name = "hybrid.support.rollout.baseline"
    _description = "Support baseline before the portal rollout"
    # how a period's cases are measured, in its own file
    _inherit = ["hybrid.support.rollout.baseline.measure"]
    _order = "date_to desc, id desc"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Teams")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    source = fields.Selection(
        [("import", "Imported mailbox history"), ("all", "All cases of the period")],
        required=True,
        default="all",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        help="Response and resolution times count these working hours.",
    )
    measured_date = fields.Datetime(readonly=True)
    thread_count = fields.Integer(string="Threads", readonly=True)
    answered_count = fields.Integer(string="Answered threads", readonly=True)
    resolved_count = fields.Integer(string="Resolved threads", readonly=True)
    first_response_avg = fields.Float(
        string="First response, average (h)", digits=(16, 2), readonly=True
    )
    first_response_median = fields.Float(
        string="First response, median (h)", digits=(16, 2), readonly=True
    )
    resolution_avg = fields.Float(
        string="Resolution, average (h)", digits=(16, 2), readonly=True
    )
    resolution_median = fields.Float(
        string="Resolution, median (h)", digits=(16, 2), readonly=True
    )
    followup_count = fields.Integer(string="Customer follow-ups", readonly=True)
    status_chaser_count = fields.Integer(
        string="Follow-ups asking for the status", readonly=True
    )
    status_chaser_percent = fields.Float(
        string="Status chasers (%)",
        digits=(16, 1),
        readonly=True,
        help="Share of the customers' follow-ups that only ask where their "
        'case stands ("any news?").',
    )
    threads_with_chaser = fields.Integer(
        string="Threads with a status chaser", readonly=True
    )
    multi_agent_count = fields.Integer(
        string="Threads answered by several agents", readonly=True
    )
    multi_agent_percent = fields.Float(
        string="Several agents (%)",
        digits=(16, 1),
        readonly=True,
        help="Share of the answered threads that more than one agent answered.",
    )
    weekly_volume = fields.Float(
        string="New cases per week", digits=(16, 1), readonly=True
    )
    csat_percent = fields.Float(
        string="Satisfied customers (%)",
        digits=(16, 1),
        readonly=True,
        help="Ratings of 4 or 5 out of 5 given in the period.",
    )
    csat_measured = fields.Boolean(
        readonly=True, help="Ratings were given in the period."
    )
    portal_adoption_percent = fields.Float(
        string="Active customers on the portal (%)",
        digits=(16, 1),
        readonly=True,
        help="Accounts with a case in the 90 days before the period's end that "
        "have a contact who logged in to the portal.",
    )
    portal_adoption_measured = fields.Boolean(
        readonly=True, help="Some account had a case in the 90 days before the end."
    )
    line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line", "baseline_id", readonly=True
    )
    week_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "week")],
        readonly=True,
    )
    intent_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "intent")],
        readonly=True,
    )
    topic_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "topic")],
        readonly=True,
    )
    peak_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "peak")],
        readonly=True,
    )
    goal_ids = fields.One2many("hybrid.support.rollout.goal", "baseline_id")

    _dates = models.Constraint(
        "CHECK(date_from <= date_to)", "The period ends after it starts."
    )

    def action_refresh_now(self):
        self.goal_ids._refresh_now()
        return True

    @api.model
    def _cron_refresh_goals(self):
        """Measure every goal's "now" (a few per baseline: one pass)."""
        # every goal: a few per baseline
        self.env["hybrid.support.rollout.goal"].search([])._refresh_now()  # pylint: disable=no-search-all

    def _kpi_value(self, kpi):
        """The baseline's value of a goal's KPI."""
        self.ensure_one()
        if kpi == "first_response_hours":
            return self.first_response_avg
        if kpi == "resolution_hours":
            return self.resolution_avg
        return self[kpi]

    @api.model
    def _demo_baseline(self, import_id):
        """Demo data: import the demo mailbox history (the real import,
        closed stage), measure its baseline with the real wizard, and set
        four goals against it."""
        job = self.env["hybrid.support.mail.import"].browse(import_id)
        job.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        job.action_analyse()
        job.action_start()
        while job.state == "running":
            job._import_batch()
        wizard = self.env["hybrid.support.rollout.baseline.wizard"].create(
            {
                "name": self.env._("Email support before the portal"),
                "source": "import",
                "date_from": job.date_from.date(),
                "date_to": job.date_to.date(),
                "team_ids": [(6, 0, job.team_id.ids)],
            }
        )
        baseline = self.browse(wizard.action_measure()["res_id"])
        deadline = fields.Date.context_today(self) + timedelta(days=90)
        self.env["hybrid.support.rollout.goal"].create(
            [
                {
                    "baseline_id": baseline.id,
                    "kpi": kpi,
                    "target_value": target,
                    "deadline": deadline,
                }
                for kpi, target in (
                    ("first_response_hours", 0.5),
                    ("csat_percent", 85.0),
                    ("portal_adoption_percent", 60.0),
                    ("status_chaser_percent", 5.0),
                )
            ]
        )
        return baseline.id
