from odoo import api, fields, models

MAX_QUERY = 200


class HybridSupportKbSearch(models.Model):
    """Searches of the help center with their number of results: how often
    customers look for help, and what they look for and do not find."""

    _name = "hybrid.support.kb.search"
    _description = "Knowledge base search"
    _order = "id desc"
    _rec_name = "query"

    query = fields.Char(required=True)
    result_count = fields.Integer(aggregator="avg")
    no_result = fields.Boolean(index=True)
    outcome = fields.Selection(
        [("found", "Found articles"), ("none", "No result")],
        compute="_compute_outcome",
        store=True,
        help="No result or not, as a label for reports and dashboards.",
    )
    source = fields.Selection(
        [("search", "Help center search"), ("new_case", "New case form")],
        default="search",
        required=True,
    )
    partner_id = fields.Many2one("res.partner", index="btree_not_null")
    session_hash = fields.Char(index="btree_not_null")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )

    @api.depends("no_result")
    def _compute_outcome(self):
        for search in self:
            search.outcome = "none" if search.no_result else "found"

    def _hs_log(self, query, result_count, **values):
        return self.create(
            dict(
                values,
                query=(query or "").strip()[:MAX_QUERY] or "-",
                result_count=result_count,
                no_result=not result_count,
            )
        )
