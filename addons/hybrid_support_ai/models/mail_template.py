from odoo import fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    hs_canned = fields.Boolean(
        string="Canned response",
        help="Offered as a draft reply on cases whose text is close to it.",
    )
