from odoo import api, fields, models

from ..tools.kpi import EFFORT_MAX, EFFORT_MIN


class RatingRating(models.Model):
    _inherit = "rating.rating"

    hs_effort_score = fields.Integer(
        string="Customer effort (1-7)",
        readonly=True,
        aggregator="avg",
        help='Answer to "How easy was it to get your issue resolved?", from 1 '
        "(very difficult) to 7 (very easy), given on the page after the rating.",
    )

    _hs_effort_range = models.Constraint(
        f"CHECK(hs_effort_score IS NULL OR hs_effort_score = 0 OR "
        f"hs_effort_score BETWEEN {EFFORT_MIN} AND {EFFORT_MAX})",
        "The effort score goes from 1 to 7.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        ratings = super().create(vals_list)
        ratings._hs_feed_case_kpis()
        return ratings

    def write(self, vals):
        result = super().write(vals)
        if {"rating", "consumed", "hs_effort_score"} & set(vals):
            self._hs_feed_case_kpis()
        return result

    def _hs_feed_case_kpis(self):
        """A customer rated a case (or said how easy it was): the case's KPIs
        hold the answer, for reports that never scan ratings again."""
        rated = self.filtered(
            lambda r: r.res_model == "helpdesk.ticket" and r.consumed and r.rating > 0
        )
        if rated:
            # sudo: the customer rates through a token, KPIs are the suite's
            self.env["hybrid.support.case.kpi"].sudo()._on_rating(rated.sudo())
