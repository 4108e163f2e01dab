from odoo import fields, models

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_cost_per_case = fields.Monetary(
        string="Cost of an assisted case",
        currency_field="currency_id",
        groups=MANAGERS,
        help="What a case handled by an agent costs on average.",
    )
    hs_cost_per_self_service = fields.Monetary(
        string="Cost of a self-service resolution",
        currency_field="currency_id",
        groups=MANAGERS,
        help="What a question answered by the help center costs on average "
        "(hosting, writing and reviewing articles).",
    )
    hs_draft_reply_minutes = fields.Float(
        string="Minutes to write a reply",
        default=6.0,
        groups=MANAGERS,
        help="How long an agent takes to write a reply without a draft: a "
        "draft sent as is saves all of it, an edited one the share kept.",
    )
