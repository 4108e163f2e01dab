from odoo import fields, models

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_company_currency_id = fields.Many2one(
        "res.currency", related="company_id.currency_id", readonly=True
    )
    hs_cost_per_case = fields.Monetary(
        related="company_id.hs_cost_per_case",
        currency_field="hs_company_currency_id",
        readonly=False,
        groups=MANAGERS,
    )
    hs_cost_per_self_service = fields.Monetary(
        related="company_id.hs_cost_per_self_service",
        currency_field="hs_company_currency_id",
        readonly=False,
        groups=MANAGERS,
    )
    hs_draft_reply_minutes = fields.Float(
        related="company_id.hs_draft_reply_minutes", readonly=False, groups=MANAGERS
    )
