import textwrap

from markupsafe import Markup, escape

from odoo import models
from odoo.tools import html2plaintext

EXCERPT = 160


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _hs_kb_suggestions(self, limit=3):
        """Published articles relevant to the case, of the case's company (or
        of none): what the acknowledgement and the portal page show, both
        rendered in sudo, so the company is never taken from the reader."""
        self.ensure_one()
        return self.env["hybrid.support.kb.article"]._hs_suggest(
            f"{self.name or ''} {self.clean_body or ''}",
            limit=limit,
            company=self.company_id or self.env.company,
        )

    def _compute_ack_suggestions_html(self):
        """Up to three published articles relevant to the case, quoted in the
        acknowledgement so that the customer may help themselves at once."""
        for ticket in self:
            articles = ticket._hs_kb_suggestions(limit=3)
            if not articles:
                ticket.ack_suggestions_html = False
                continue
            items = Markup("").join(
                Markup("<li><strong>%s</strong>: %s</li>")
                % (
                    article.name,
                    textwrap.shorten(
                        html2plaintext(article.body or ""), EXCERPT, placeholder=" …"
                    ),
                )
                for article in articles
            )
            ticket.ack_suggestions_html = Markup("<p>%s</p><ul>%s</ul>") % (
                escape(self.env._("These articles may already answer your question:")),
                items,
            )
