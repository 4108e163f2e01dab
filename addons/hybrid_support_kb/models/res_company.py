from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_help_center_access = fields.Selection(
        [("public", "Everyone"), ("portal", "Signed-in users only")],
        string="Help center access",
        default="public",
        required=True,
        help="Everyone: anonymous visitors read the articles meant for "
        "everyone. Signed-in users only: /help asks to sign in first.",
    )
