from datetime import timedelta

from odoo import api, fields, models

from .helpdesk_ticket import AGENTS


class ResPartner(models.Model):
    _inherit = "res.partner"

    hs_sentiment_recent = fields.Float(
        string="Tone (30 days)",
        compute="_compute_hs_sentiment",
        digits=(3, 2),
        groups=AGENTS,
        help="Average sentiment of the account's cases opened in the last 30 days.",
    )
    hs_sentiment_trend = fields.Float(
        string="Tone trend",
        compute="_compute_hs_sentiment",
        digits=(3, 2),
        groups=AGENTS,
        help="Last 30 days against the 60 days before: below zero, the account's "
        "customers sound worse than they used to.",
    )

    @api.depends_context("uid")
    def _compute_hs_sentiment(self):
        now = fields.Datetime.now()
        month, quarter = now - timedelta(days=30), now - timedelta(days=90)
        accounts = self.commercial_partner_id
        Ticket = self.env["helpdesk.ticket"]

        def average(domain):
            return dict(
                Ticket._read_group(
                    [("commercial_partner_id", "in", accounts.ids), *domain],
                    ["commercial_partner_id"],
                    ["hs_sentiment:avg"],
                )
            )

        recent = average([("create_date", ">=", month)])
        before = average([("create_date", ">=", quarter), ("create_date", "<", month)])
        for partner in self:
            account = partner.commercial_partner_id
            partner.hs_sentiment_recent = recent.get(account, 0.0)
            partner.hs_sentiment_trend = (
                recent[account] - before[account]
                if account in recent and account in before
                else 0.0
            )
