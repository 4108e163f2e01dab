from odoo import fields, models, tools
from odoo.tools import SQL


class HybridSupportRoiReport(models.Model):
    """What self-service and drafts saved, one line per question the help
    center answered before any case (its savings) and one per case (its
    agent hours saved by a sent draft), with the company's costs of today.
    The formulas are ``tools/roi.py``'s, row by row, so that any period or
    team is a sum."""

    _name = "hybrid.support.roi.report"
    _description = "Support savings"
    _auto = False
    _order = "date desc"
    _rec_name = "kind"
    _depends = {
        "hybrid.support.kb.event": ["deflection", "team_id", "company_id"],
        "helpdesk.ticket": ["team_id", "company_id", "create_date"],
        "hybrid.support.case.kpi": ["ticket_id", "draft_used", "draft_edit_rate"],
        "res.company": [
            "hs_cost_per_case",
            "hs_cost_per_self_service",
            "hs_draft_reply_minutes",
        ],
    }

    kind = fields.Selection(
        [("self_service", "Self-service"), ("assisted", "Assisted case")],
        readonly=True,
    )
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", readonly=True)
    deflection_count = fields.Integer(
        string="Self-service resolutions", readonly=True, aggregator="sum"
    )
    case_count = fields.Integer(
        string="Assisted cases", readonly=True, aggregator="sum"
    )
    draft_used_count = fields.Integer(
        string="Drafts sent", readonly=True, aggregator="sum"
    )
    savings = fields.Float(
        string="Savings from self-service", readonly=True, aggregator="sum"
    )
    hours_saved = fields.Float(
        string="Agent hours saved by drafts", readonly=True, aggregator="sum"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # ids: events negative, cases positive, so that both fit one column
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT -e.id AS id, 'self_service' AS kind,
                           e.create_date AS date, e.company_id, e.team_id,
                           NULL::integer AS ticket_id,
                           1 AS deflection_count, 0 AS case_count,
                           0 AS draft_used_count,
                           GREATEST(COALESCE(c.hs_cost_per_case, 0)
                                    - COALESCE(c.hs_cost_per_self_service, 0),
                                    0)::float AS savings,
                           0.0::float AS hours_saved
                      FROM hybrid_support_kb_event e
                      JOIN res_company c ON c.id = e.company_id
                     WHERE e.deflection
                    UNION ALL
                    SELECT t.id, 'assisted', t.create_date, t.company_id,
                           t.team_id, t.id, 0, 1,
                           CASE WHEN k.draft_used THEN 1 ELSE 0 END,
                           0.0,
                           CASE WHEN k.draft_used THEN
                               (1.0 - LEAST(GREATEST(
                                   COALESCE(k.draft_edit_rate, 0), 0), 1))
                               * GREATEST(COALESCE(c.hs_draft_reply_minutes, 0), 0)
                               / 60.0
                           ELSE 0.0 END
                      FROM helpdesk_ticket t
                      JOIN res_company c ON c.id = t.company_id
                      LEFT JOIN hybrid_support_case_kpi k ON k.ticket_id = t.id
                )""",
                SQL.identifier(self._table),
            )
        )
