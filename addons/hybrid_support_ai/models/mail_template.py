from odoo import fields, models

from .helpdesk_ticket import AGENTS


class MailTemplate(models.Model):
    _inherit = "mail.template"

    hs_canned = fields.Boolean(
        string="Canned response",
        groups=AGENTS,
        help="Offered as a draft reply on cases whose text is close to it.",
    )
