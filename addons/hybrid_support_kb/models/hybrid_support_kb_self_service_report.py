from odoo import fields, models, tools
from odoo.tools import SQL


class HybridSupportKbSelfServiceReport(models.Model):
    """Self-service against assisted support, one line per deflection (a
    question the help center answered before any case, stored on its event)
    and one per case opened on the portal: the average of ``self_service_rate``
    (100 on a deflection, 0 on a case) is deflections / (deflections + portal
    cases), by week, team or company."""

    _name = "hybrid.support.kb.self.service.report"
    _description = "Self-service rate"
    _auto = False
    _order = "date desc"
    _rec_name = "kind"
    _depends = {
        "hybrid.support.kb.event": [
            "deflection",
            "team_id",
            "company_id",
            "article_id",
            "create_date",
        ],
        "helpdesk.ticket": ["hs_origin", "team_id", "company_id", "create_date"],
    }

    kind = fields.Selection(
        [("deflected", "Answered by the help center"), ("case", "Case opened")],
        readonly=True,
    )
    date = fields.Datetime(readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    team_id = fields.Many2one("helpdesk.ticket.team", readonly=True)
    article_id = fields.Many2one("hybrid.support.kb.article", readonly=True)
    ticket_id = fields.Many2one("helpdesk.ticket", string="Case", readonly=True)
    deflection_count = fields.Integer(
        string="Deflected", readonly=True, aggregator="sum"
    )
    case_count = fields.Integer(string="Portal cases", readonly=True, aggregator="sum")
    self_service_rate = fields.Float(
        string="Self-service %", readonly=True, aggregator="avg"
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # ids: events negative, cases positive, so that both fit one column
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT -e.id AS id, 'deflected' AS kind,
                           e.create_date AS date, e.company_id, e.team_id,
                           e.article_id, NULL::integer AS ticket_id,
                           1 AS deflection_count, 0 AS case_count,
                           100.0 AS self_service_rate
                      FROM hybrid_support_kb_event e
                     WHERE e.deflection
                    UNION ALL
                    SELECT t.id, 'case', t.create_date, t.company_id,
                           t.team_id, NULL, t.id, 0, 1, 0.0
                      FROM helpdesk_ticket t
                     WHERE t.hs_origin = 'portal'
                )""",
                SQL.identifier(self._table),
            )
        )
