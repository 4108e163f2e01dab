from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_ack_enabled = fields.Boolean(related="company_id.hs_ack_enabled", readonly=False)
    hs_ack_rate_limit = fields.Integer(
        related="company_id.hs_ack_rate_limit", readonly=False
    )
    hs_ack_global_rate_limit = fields.Integer(
        related="company_id.hs_ack_global_rate_limit", readonly=False
    )
    hs_ack_first_time_authenticated = fields.Boolean(
        related="company_id.hs_ack_first_time_authenticated", readonly=False
    )
    hs_trust_authentication_results = fields.Boolean(
        related="company_id.hs_trust_authentication_results", readonly=False
    )
    hs_response_promise = fields.Char(
        related="company_id.hs_response_promise", readonly=False
    )
    hs_vip_category_ids = fields.Many2many(
        related="company_id.hs_vip_category_ids", readonly=False
    )
    hs_vip_domains = fields.Char(related="company_id.hs_vip_domains", readonly=False)
    hs_duplicate_window_hours = fields.Integer(
        related="company_id.hs_duplicate_window_hours", readonly=False
    )
    hs_duplicate_threshold = fields.Float(
        related="company_id.hs_duplicate_threshold", readonly=False
    )
