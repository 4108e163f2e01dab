from odoo import fields, models

from .helpdesk_ticket import AGENTS


class MailMessage(models.Model):
    _inherit = "mail.message"

    hs_sentiment = fields.Float(
        string="Sentiment",
        digits=(3, 2),
        readonly=True,
        groups=AGENTS,
        help="Tone of a customer message on a case, from -1 (angry) to 1 (happy).",
    )
    hs_sentiment_done = fields.Boolean(readonly=True, groups=AGENTS)
