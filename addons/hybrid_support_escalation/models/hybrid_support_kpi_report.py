from odoo import fields, models, tools
from odoo.tools import SQL

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class HybridSupportKpiReport(models.Model):
    """One line per case: its stored KPIs beside the case's current team,
    agent, channel, intent, account and priority, so that any KPI can be cut
    by any of them. Rates are 100 or 0 per case (empty when they do not
    apply), so that their average is the percentage."""

    _name = "hybrid.support.kpi.report"
    _description = "Support KPIs"
    _auto = False
    _order = "create_date desc"
    _rec_name = "ticket_id"
    # what a read of the view must see written first (flushed before it)
    _depends = {
        "helpdesk.ticket": [
            "company_id",
            "team_id",
            "user_id",
            "channel_id",
            "hs_origin",
            "hs_intent_id",
            "commercial_partner_id",
            "priority",
            "stage_id",
            "create_date",
        ],
        "helpdesk.ticket.stage": ["closed"],
        "res.partner": ["hs_health_score"],
        "hybrid.support.case.kpi": [
            "ticket_id",
            "closed_date",
            "first_response_hours",
            "resolution_hours",
            "first_contact_resolution",
            "reopen_count",
            "escalated",
            "sla_result",
            "reviewed",
            "agent_rerouted",
            "auto_routed",
            "ai_model",
            "ai_decided",
            "ai_overridden",
            "draft_used",
            "draft_edit_rate",
            "rating",
            "effort",
        ],
    }

    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    channel_id = fields.Many2one("helpdesk.ticket.channel", readonly=True)
    origin = fields.Selection(
        selection="_origin_selection",
        string="Arrived by",
        readonly=True,
        help="The channel the case arrived by (email, portal, phone...).",
    )
    intent_id = fields.Many2one("hybrid.support.intent", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Account", readonly=True)
    priority = fields.Selection(PRIORITIES, readonly=True)
    stage_id = fields.Many2one("helpdesk.ticket.stage", readonly=True)
    create_date = fields.Datetime(string="Opened", readonly=True)
    closed_date = fields.Datetime(string="Closed", readonly=True)
    is_closed = fields.Boolean(string="Closed case", readonly=True)
    case_count = fields.Integer(string="Cases", readonly=True, aggregator="sum")
    first_response_hours = fields.Float(
        string="First response (h)", readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        string="Resolution (h)", readonly=True, aggregator="avg"
    )
    fcr_rate = fields.Float(
        string="First-contact resolution %", readonly=True, aggregator="avg"
    )
    reopen_count = fields.Integer(string="Reopenings", readonly=True, aggregator="sum")
    reopen_rate = fields.Float(string="Reopened %", readonly=True, aggregator="avg")
    escalation_rate = fields.Float(
        string="Escalated %", readonly=True, aggregator="avg"
    )
    sla_rate = fields.Float(string="SLA met %", readonly=True, aggregator="avg")
    routing = fields.Selection(
        [("auto", "Auto-routed"), ("reviewed", "Reviewed"), ("manual", "Manual")],
        readonly=True,
    )
    auto_routed_rate = fields.Float(
        string="Auto-routed %", readonly=True, aggregator="avg"
    )
    ai_model = fields.Char(string="Model and version", readonly=True)
    override_rate = fields.Float(
        string="Model override %",
        readonly=True,
        aggregator="avg",
        help="Among cases where a model decided: share an agent changed.",
    )
    draft_used_rate = fields.Float(
        string="Draft used %", readonly=True, aggregator="avg"
    )
    draft_edit_rate = fields.Float(
        string="Draft edit rate", readonly=True, aggregator="avg"
    )
    rating = fields.Float(string="CSAT (1-5)", readonly=True, aggregator="avg")
    effort = fields.Float(string="CES (1-7)", readonly=True, aggregator="avg")
    account_health = fields.Integer(
        string="Account health",
        readonly=True,
        aggregator="min",
        help="The account's current health score (0-100).",
    )

    def _origin_selection(self):
        return self.env["helpdesk.ticket"]._fields["hs_origin"].selection

    def _rate(self, condition, applies="TRUE"):
        return SQL(
            "CASE WHEN NOT (%s) THEN NULL WHEN %s THEN 100.0 ELSE 0.0 END",
            SQL(applies),
            SQL(condition),
        )

    def _query(self):
        rate = self._rate
        return SQL(
            """
            SELECT t.id AS id,
                   t.id AS ticket_id,
                   t.company_id,
                   t.team_id,
                   t.user_id,
                   t.channel_id,
                   t.hs_origin AS origin,
                   t.hs_intent_id AS intent_id,
                   t.commercial_partner_id AS partner_id,
                   t.priority,
                   t.stage_id,
                   t.create_date,
                   k.closed_date,
                   COALESCE(s.closed, FALSE) AS is_closed,
                   1 AS case_count,
                   k.first_response_hours,
                   CASE WHEN s.closed THEN k.resolution_hours END
                       AS resolution_hours,
                   %(fcr)s AS fcr_rate,
                   COALESCE(k.reopen_count, 0) AS reopen_count,
                   %(reopened)s AS reopen_rate,
                   %(escalated)s AS escalation_rate,
                   %(sla)s AS sla_rate,
                   CASE WHEN k.reviewed OR k.agent_rerouted THEN 'reviewed'
                        WHEN k.auto_routed THEN 'auto'
                        ELSE 'manual' END AS routing,
                   %(auto)s AS auto_routed_rate,
                   k.ai_model,
                   %(override)s AS override_rate,
                   %(draft)s AS draft_used_rate,
                   CASE WHEN k.draft_used THEN k.draft_edit_rate END
                       AS draft_edit_rate,
                   NULLIF(k.rating, 0) AS rating,
                   NULLIF(k.effort, 0) AS effort,
                   p.hs_health_score AS account_health
              FROM helpdesk_ticket t
              LEFT JOIN res_partner p ON p.id = t.commercial_partner_id
              LEFT JOIN helpdesk_ticket_stage s ON s.id = t.stage_id
              LEFT JOIN hybrid_support_case_kpi k ON k.ticket_id = t.id
            """,
            fcr=rate("k.first_contact_resolution", "s.closed AND k.id IS NOT NULL"),
            reopened=rate("k.reopen_count > 0", "s.closed"),
            escalated=rate("k.escalated"),
            sla=rate("k.sla_result = 'met'", "k.sla_result IS NOT NULL AND s.closed"),
            auto=rate("k.auto_routed AND NOT COALESCE(k.agent_rerouted, FALSE)"),
            override=rate("k.ai_overridden", "k.ai_decided"),
            draft=rate("k.draft_used", "s.closed AND k.id IS NOT NULL"),
        )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                self._query(),
            )
        )
