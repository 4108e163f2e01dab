from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_help_center_access = fields.Selection(
        related="company_id.hs_help_center_access", readonly=False
    )
