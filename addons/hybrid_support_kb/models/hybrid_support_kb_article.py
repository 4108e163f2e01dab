from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import html2plaintext

from odoo.addons.hybrid_support_intake.tools.similarity import rank

KB_MANAGER = "hybrid_support_kb.group_kb_manager"


class HybridSupportKbArticle(models.Model):
    _name = "hybrid.support.kb.article"
    _description = "Knowledge base article"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    body = fields.Html(translate=True, sanitize_style=True)
    keywords = fields.Char(help="Extra words customers use for this topic.")
    category_id = fields.Many2one("helpdesk.ticket.category")
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Empty: suggested to the customers of every company.",
    )
    state = fields.Selection(
        [("draft", "Draft"), ("review", "In review"), ("published", "Published")],
        default="draft",
        required=True,
        tracking=True,
    )
    source_ticket_id = fields.Many2one(
        "helpdesk.ticket",
        string="Drafted from case",
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",  # another customer's case
    )

    def _hs_check_publish(self, vals):
        """Publishing is the review: only knowledge base managers publish an
        article or change one that customers already read, whichever way
        (button, form, import, RPC)."""
        if self.env.su or self.env.user.has_group(KB_MANAGER):
            return
        if vals.get("state") == "published" or any(
            state == "published" for state in self.mapped("state")
        ):
            raise AccessError(
                self.env._(
                    "Only knowledge base managers can publish an article or "
                    "change a published one."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self.browse()._hs_check_publish(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._hs_check_publish(vals)
        return super().write(vals)

    def action_submit_review(self):
        self.state = "review"

    def action_publish(self):
        self.state = "published"

    def action_unpublish(self):
        self.state = "draft"

    @api.model
    def _hs_suggest(self, text, limit=3, company=None):
        """Published articles of ``company`` (default: the current one) or
        of no company most relevant to ``text``, best first. Callers in sudo
        (acknowledgement, portal page) must give the case's company."""
        company = company if company is not None else self.env.company
        articles = self.search(
            [("state", "=", "published"), ("company_id", "in", [company.id, False])]
        )
        documents = [
            (
                article.id,
                f"{article.name} {article.keywords or ''} "
                f"{html2plaintext(article.body or '')}",
            )
            for article in articles
        ]
        return self.browse(key for key, _score in rank(text, documents, limit=limit))
