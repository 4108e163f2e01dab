from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    hs_rollout_opt_out = fields.Boolean(
        string="Prefers email (no portal invitation)",
        groups="base.group_user",
        help="Rollout waves never invite nor nudge this contact.",
    )
