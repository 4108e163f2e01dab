from datetime import timedelta

from odoo import api, fields, models

from ..tools import goals as goal_tools
from .hybrid_support_rollout_baseline import KPIS, NOW_DAYS


class HybridSupportRolloutGoal(models.Model):
    """A rollout goal: a KPI, its value in the baseline, a target and a
    deadline (e.g. first response 4 h → 30 min by June). "Now" is measured
    over the last 30 days on the baseline's company and teams, from the
    stored case KPIs (response and resolution times), the ratings, the
    portal logins and the cases' threads, by a daily job or on demand."""

    _name = "hybrid.support.rollout.goal"
    _description = "Rollout goal against the support baseline"
    _order = "baseline_id, deadline, id"

    baseline_id = fields.Many2one(
        "hybrid.support.rollout.baseline", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="baseline_id.company_id", store=True)
    kpi = fields.Selection(KPIS, string="KPI", required=True)
    baseline_value = fields.Float(
        string="Baseline value",
        digits=(16, 2),
        compute="_compute_baseline_value",
        store=True,
        readonly=False,
        help="The KPI in the baseline; may be corrected by hand.",
    )
    now_value = fields.Float(string="Now", digits=(16, 2), readonly=True)
    now_measured = fields.Boolean(readonly=True)
    now_date = fields.Datetime(string="Measured on", readonly=True)
    target_value = fields.Float(string="Goal", digits=(16, 2), required=True)
    deadline = fields.Date(required=True)
    progress = fields.Float(
        string="Progress (%)",
        compute="_compute_progress",
        digits=(16, 1),
        help="How far now has come from the baseline towards the goal.",
    )
    reached = fields.Boolean(compute="_compute_progress")

    _kpi_unique = models.Constraint(
        "UNIQUE(baseline_id, kpi)", "A baseline has one goal per KPI."
    )

    @api.depends("baseline_id", "kpi")
    def _compute_baseline_value(self):
        for goal in self:
            goal.baseline_value = (
                goal.baseline_id._kpi_value(goal.kpi)
                if goal.baseline_id and goal.kpi
                else 0.0
            )

    @api.depends("baseline_value", "now_value", "now_measured", "target_value")
    def _compute_progress(self):
        for goal in self:
            now = goal.now_value if goal.now_measured else None
            goal.progress = goal_tools.progress(
                goal.baseline_value, now, goal.target_value
            )
            goal.reached = goal_tools.reached(
                goal.baseline_value, now, goal.target_value
            )

    @api.model_create_multi
    def create(self, vals_list):
        goals = super().create(vals_list)
        goals._refresh_now()
        return goals

    def _refresh_now(self):
        """Measure "now" for the goals, once per baseline and KPI source."""
        moment = fields.Datetime.now()
        start = moment - timedelta(days=NOW_DAYS)
        end = moment + timedelta(seconds=1)  # what happened this very second
        Baseline = self.env["hybrid.support.rollout.baseline"]
        for baseline in self.baseline_id:
            goals = self.filtered(lambda g, b=baseline: g.baseline_id == b)
            company, teams = baseline.company_id, baseline.team_ids
            kpis = set(goals.mapped("kpi"))
            values = {}
            if kpis & {"first_response_hours", "resolution_hours"}:
                (
                    values["first_response_hours"],
                    values["resolution_hours"],
                ) = Baseline._case_kpi_averages(company, teams, start, end)
            if "csat_percent" in kpis:
                values["csat_percent"] = Baseline._csat_percent(
                    company, teams, start, end
                )
            if "portal_adoption_percent" in kpis:
                values["portal_adoption_percent"] = Baseline._portal_adoption_percent(
                    company, teams, end
                )
            if kpis & {"status_chaser_percent", "weekly_volume"}:
                recent = Baseline._analyse(
                    company, teams, start, end, calendar=baseline.calendar_id
                )
                values["status_chaser_percent"] = (
                    recent.status_chaser_share if recent.followups else None
                )
                values["weekly_volume"] = recent.threads * 7.0 / NOW_DAYS
            for goal in goals:
                value = values.get(goal.kpi)
                goal.write(
                    {
                        "now_value": value or 0.0,
                        "now_measured": value is not None,
                        "now_date": moment,
                    }
                )
