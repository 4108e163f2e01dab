from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_ack_enabled = fields.Boolean(related="company_id.hs_ack_enabled", readonly=False)
    hs_ack_rate_limit = fields.Integer(
        related="company_id.hs_ack_rate_limit", readonly=False
    )
    hs_response_promise = fields.Char(
        related="company_id.hs_response_promise", readonly=False
    )
