import textwrap

from markupsafe import Markup, escape

from odoo import models
from odoo.tools import html2plaintext

EXCERPT = 160


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _compute_ack_suggestions_html(self):
        """Up to three published articles relevant to the case, quoted in the
        acknowledgement so that the customer may help themselves at once."""
        Article = self.env["hybrid.support.kb.article"]
        for ticket in self:
            articles = Article._hs_suggest(
                f"{ticket.name or ''} {ticket.clean_body or ''}", limit=3
            )
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
