from odoo import api, fields, models
from odoo.tools import html2plaintext

from odoo.addons.hybrid_support_intake.tools.similarity import rank


class HybridSupportKbArticle(models.Model):
    _name = "hybrid.support.kb.article"
    _description = "Knowledge base article"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    body = fields.Html(translate=True, sanitize_style=True)
    keywords = fields.Char(help="Extra words customers use for this topic.")
    category_id = fields.Many2one("helpdesk.ticket.category")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company)
    state = fields.Selection(
        [("draft", "Draft"), ("review", "In review"), ("published", "Published")],
        default="draft",
        required=True,
        tracking=True,
    )
    source_ticket_id = fields.Many2one(
        "helpdesk.ticket", string="Drafted from case", readonly=True
    )

    def action_submit_review(self):
        self.state = "review"

    def action_publish(self):
        self.state = "published"

    def action_unpublish(self):
        self.state = "draft"

    @api.model
    def _hs_suggest(self, text, limit=3):
        """Published articles most relevant to ``text``, best first."""
        articles = self.search([("state", "=", "published")])
        documents = [
            (
                article.id,
                f"{article.name} {article.keywords or ''} "
                f"{html2plaintext(article.body or '')}",
            )
            for article in articles
        ]
        return self.browse(key for key, _score in rank(text, documents, limit=limit))
