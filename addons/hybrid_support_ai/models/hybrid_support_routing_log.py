from odoo import fields, models


class HybridSupportRoutingLog(models.Model):
    _inherit = "hybrid.support.routing.log"

    ai_model_id = fields.Many2one(
        "hybrid.support.ai.model",
        string="Model version",
        readonly=True,
        ondelete="set null",
        index="btree_not_null",
        help="The trained version that took (or, in shadow, would have taken) "
        "this decision.",
    )
