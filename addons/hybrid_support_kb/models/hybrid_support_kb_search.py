from odoo import api, fields, models

from ..tools import deflection as deflection_tools

MAX_QUERY = 200


class HybridSupportKbSearch(models.Model):
    """Searches of the help center with their number of results: how often
    customers look for help, and what they look for and do not find."""

    _name = "hybrid.support.kb.search"
    _inherit = ["hybrid.support.kb.address.ceiling"]
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

    @api.model
    def _log(self, query, result_count, **values):
        """The search, logged. ``values``: partner_id or session_hash (and
        address_hash), company_id, source. An anonymous client address over
        its daily ceiling of searches is still answered by the help center,
        but its search is not logged (nor a knowledge gap): an empty
        recordset."""
        vals = dict(
            values,
            query=(query or "").strip()[:MAX_QUERY] or "-",
            result_count=result_count,
            no_result=not result_count,
        )
        # a signed-in visitor is known: the per-user rules apply
        address_hash = False if vals.get("partner_id") else vals.get("address_hash")
        vals["address_hash"] = address_hash
        if not address_hash:
            return self.create(vals)
        [used] = self._address_slots_used(address_hash, ("s",))
        search, _place = self._create_in_slot(
            vals,
            address_hash,
            "s",
            used,
            deflection_tools.MAX_SEARCHES_PER_ADDRESS_DAY,
        )
        return search
