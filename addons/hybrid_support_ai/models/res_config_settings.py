from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_ai_min_training = fields.Integer(
        related="company_id.hs_ai_min_training", readonly=False
    )
    hs_ai_retrain_after = fields.Integer(
        related="company_id.hs_ai_retrain_after", readonly=False
    )
    hs_ai_promotion_window = fields.Integer(
        related="company_id.hs_ai_promotion_window", readonly=False
    )
    hs_ai_lexicon_threshold = fields.Float(
        related="company_id.hs_ai_lexicon_threshold", readonly=False
    )
