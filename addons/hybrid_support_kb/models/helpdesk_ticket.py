import textwrap
from urllib.parse import urlencode

from markupsafe import Markup, escape

from odoo import models
from odoo.tools import html2plaintext

EXCERPT = 160


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "hybrid.support.kb.case.mixin"]

    def _hs_after_route(self, origin):
        """A customer who opened a case on the portal was not helped by what
        the help center showed them in the last day: their deflections of
        that window are withdrawn (and point at this case)."""
        result = super()._hs_after_route(origin)
        if origin == "portal":
            Event = self.env["hybrid.support.kb.event"]
            for ticket in self.filtered("partner_id"):
                Event._withdraw_deflections(ticket.partner_id, ticket=ticket)
        return result

    def _hs_kb_suggestions(self, limit=3, index=None):
        """Published articles relevant to the case, of the case's company (or
        of none): what the acknowledgement and the portal page show, both
        rendered in sudo, so the company is never taken from the reader.
        ``index``: the company's search index, when the caller has it."""
        self.ensure_one()
        return self.env["hybrid.support.kb.article"]._suggest(
            f"{self.name or ''} {self.hs_clean_body or ''}",
            limit=limit,
            company=self.company_id or self.env.company,
            index=index,
        )

    def _hs_kb_article_url(self, article, source="case_page"):
        """The help center page of ``article`` opened from this case (on
        its portal page or from its acknowledgement): the visit counts for
        ``source``, and a customer for whom the article was the answer can
        close the case from there; the case's access token lets them do it
        without signing in, as the case's own portal link does."""
        self.ensure_one()
        query = {"src": source, "case_id": self.id}
        # sudo: the token is the customer's own key to this case
        token = self.sudo().access_token
        if token:
            query["access_token"] = token
        return f"{article.help_url}?{urlencode(query)}"

    def _compute_ack_suggestions_html(self):
        """Up to three published articles relevant to the case, quoted in the
        acknowledgement with a link to their help center page (absolute: it
        is read in a mail client) so that the customer may help themselves
        at once."""
        Article = self.env["hybrid.support.kb.article"]
        # one index per company for the batch (the acknowledgement job's):
        # checking that it is current costs a flush and a query each time
        indexes = {}
        for ticket in self:
            company = ticket.company_id or self.env.company
            if company not in indexes:
                indexes[company] = Article._search_index(company)
            articles = ticket._hs_kb_suggestions(limit=3, index=indexes[company])
            if not articles:
                ticket.hs_ack_suggestions_html = False
                continue
            base_url = ticket.get_base_url()
            items = Markup("").join(
                Markup('<li><a href="%s"><strong>%s</strong></a>: %s</li>')
                % (
                    base_url + ticket._hs_kb_article_url(article, "acknowledgement"),
                    article.name,
                    textwrap.shorten(
                        html2plaintext(article.body or ""), EXCERPT, placeholder=" …"
                    ),
                )
                for article in articles
            )
            ticket.hs_ack_suggestions_html = Markup("<p>%s</p><ul>%s</ul>") % (
                escape(self.env._("These articles may already answer your question:")),
                items,
            )

    def _hs_close_as_answered_by(self, article):
        """Close the case because ``article`` answered it, as the customer
        would with the portal's close button: to the first closing stage of
        the case's team that customers may pick. The caller has checked the
        customer's access to the case (``_document_check_access``). Returns
        whether the case was closed."""
        self.ensure_one()
        # sudo: customers do not read stages of other teams nor write cases
        case = self.sudo()
        if case.closed:
            return False
        stages = case.team_id.with_company(case.company_id)._get_applicable_stages()
        stage = stages.filtered(lambda s: s.close_from_portal and s.closed)[:1]
        if not stage:
            return False
        case.stage_id = stage
        case.message_post(
            body=self.env._(
                "Closed by the customer: the article “%(title)s” answered the question.",
                title=article.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        return True
