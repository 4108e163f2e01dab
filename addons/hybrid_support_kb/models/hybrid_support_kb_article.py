import importlib
import logging
import threading
from collections import OrderedDict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import html2plaintext

from ..tools.search_index import Document, SearchIndex

_logger = logging.getLogger(__name__)

KB_MANAGER = "hybrid_support_kb.group_kb_manager"
CUSTOMER_AUDIENCES = ("public", "customers")
SEARCH_CHANGES = "hybrid_support_kb.search_changes"

# Search indexes of this process: {(database, company, language, encoder):
# (signature, SearchIndex)}. Never trusted as such: each use first reads the
# articles' signature from PostgreSQL (``_search_signature``), so a change
# committed by another worker rebuilds the index here too.
_INDEXES = OrderedDict()
_INDEX_LIMIT = 16
_INDEX_LOCK = threading.Lock()
# Sentence vectors by text digest: a rebuilt index encodes changed texts only.
_VECTORS = {}


class HybridSupportKbArticle(models.Model):
    _name = "hybrid.support.kb.article"
    _description = "Knowledge base article"
    _inherit = ["mail.thread"]
    _order = "name"

    name = fields.Char(string="Title", required=True, translate=True, tracking=True)
    body = fields.Html(translate=True, sanitize_style=True)
    keywords = fields.Char(help="Extra words customers use for this topic.")
    category_id = fields.Many2one("helpdesk.ticket.category", index=True)
    audience = fields.Selection(
        [
            ("public", "Everyone"),
            ("customers", "Customers (signed in)"),
            ("internal", "Internal users"),
        ],
        default="customers",
        required=True,
        tracking=True,
        help="Who reads the article once published: anyone visiting the help "
        "center, signed-in customers (portal users), or employees only.",
    )
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
    help_url = fields.Char(
        compute="_compute_help_url",
        help="Path of the article's page in the help center, readable and "
        "stable: the title may change, the trailing id finds the article.",
    )
    source_ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "hybrid_support_kb_article_ticket_rel",
        "article_id",
        "ticket_id",
        string="Drafted from cases",
        readonly=True,
        copy=False,
        groups="helpdesk_mgmt.group_helpdesk_user_own",  # other customers' cases
    )
    review_date = fields.Date(
        string="Review by",
        tracking=True,
        help="The nightly knowledge gaps job lists the article as stale "
        "from this date.",
    )

    @api.depends("name")
    def _compute_help_url(self):
        for article in self:
            article.help_url = (
                f"/help/article/{self.env['ir.http']._slug(article)}"
                if article.id
                else False
            )

    def _check_publish(self, vals):
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
            self.browse()._check_publish(vals)
        self._search_changed()
        return super().create(vals_list)

    def write(self, vals):
        self._check_publish(vals)
        self._search_changed()
        return super().write(vals)

    def unlink(self):
        self._search_changed()
        return super().unlink()

    def action_submit_review(self):
        self.state = "review"

    def action_publish(self):
        self.state = "published"

    def action_unpublish(self):
        self.state = "draft"

    # -- search -------------------------------------------------------------

    @api.model
    def _suggest(
        self, text, limit=3, company=None, audiences=CUSTOMER_AUDIENCES, index=None
    ):
        """Published articles of ``company`` (default: the current one) or
        of no company most relevant to ``text``, best first, among those of
        ``audiences`` (default: what customers read). Callers in sudo
        (acknowledgement, portal page) must give the case's company.
        ``index``: that company's ``_search_index``, when a caller
        suggesting for many cases has it (one check that it is current)."""
        company = company if company is not None else self.env.company
        if index is None:
            index = self._search_index(company)
        found = index.search(text, limit=limit, audiences=audiences)
        return self.browse(key for key, _score in found)

    @api.model
    def _visible_domain(self, company, audiences):
        return [
            ("state", "=", "published"),
            ("company_id", "in", [company.id, False]),
            ("audience", "in", list(audiences)),
        ]

    @api.model
    def _search_changed(self):
        """Count the changes this cursor makes: within one transaction the
        rows' versions and write dates do not change from one write to the
        next (same transaction id, same timestamp)."""
        cache = self._connection().cache
        cache[SEARCH_CHANGES] = cache.get(SEARCH_CHANGES, 0) + 1

    def _connection(self):
        # tests wrap the transaction's cursor in one cursor per request
        return getattr(self.env.cr, "_cursor", self.env.cr)

    @api.model
    def _search_signature(self, company):
        """What the published articles of ``company`` (or of none) are as
        committed or written in this transaction: their number, the sum of
        their rows' versions (``xmin`` changes with any write, translations
        and raw SQL included, whichever worker made it) and the latest write
        date; plus the changes this cursor made, if any. All states count,
        so that unpublishing changes the signature."""
        self.env.flush_all()
        connection = self._connection()
        changes = connection.cache.get(SEARCH_CHANGES)
        local = (id(connection), changes) if changes else None
        self.env.cr.execute(
            """
            SELECT count(*), coalesce(sum(xmin::text::bigint), 0), max(write_date)
              FROM hybrid_support_kb_article
             WHERE company_id = %s OR company_id IS NULL
            """,
            [company.id],
        )
        return (*self.env.cr.fetchone(), local)

    @api.model
    def _search_encoder(self):
        """Sentence encoder for the search (``encode(texts)`` to unit rows),
        or ``None``: words and characters only. The hook: the encoder of
        hybrid_support_ai when that addon is installed and its model folder
        configured; kb does not depend on it."""
        if "hybrid_support_ai" not in self.env.registry._init_modules:
            return None, None
        # sudo: a system parameter, read to rank articles for any visitor
        folder = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("hybrid_support_ai.embedding_model")
        )
        if not folder:
            return None, None
        try:
            embeddings = importlib.import_module(
                "odoo.addons.hybrid_support_ai.tools.embeddings"
            )
            return folder, embeddings.encoder(folder)
        except (ImportError, RuntimeError, OSError, ValueError) as error:
            _logger.info("knowledge base search without sentence vectors: %s", error)
            return None, None

    @api.model
    def _search_documents(self, company, lang):
        # sudo: the index holds every published article of the company;
        # each query filters by audience, and callers by the visitor's rights
        articles = (
            self.sudo()
            .with_context(lang=lang, active_test=False)
            .search(
                [
                    ("state", "=", "published"),
                    ("company_id", "in", [company.id, False]),
                ],
                order="id",
            )
        )
        return [
            Document(
                key=article.id,
                title=article.name or "",
                keywords=article.keywords or "",
                body=html2plaintext(article.body or ""),
                category=article.category_id.id or 0,
                audience=article.audience,
            )
            for article in articles
        ]

    @api.model
    def _search_index(self, company=None, lang=None):
        """The ``SearchIndex`` of the published articles of ``company`` (or
        of none) in ``lang``, built once per change of the articles."""
        company = company if company is not None else self.env.company
        lang = lang or self.env.lang or "en_US"
        folder, encoder = self._search_encoder()
        key = (self.env.cr.dbname, company.id, lang, folder)
        signature = self._search_signature(company)
        with _INDEX_LOCK:
            cached = _INDEXES.get(key)
            if cached and cached[0] == signature:
                _INDEXES.move_to_end(key)
                return cached[1]
        if len(_VECTORS) > 50_000:
            _VECTORS.clear()
        index = SearchIndex(
            self._search_documents(company, lang), encoder=encoder, vectors=_VECTORS
        )
        with _INDEX_LOCK:
            _INDEXES[key] = (signature, index)
            _INDEXES.move_to_end(key)
            while len(_INDEXES) > _INDEX_LIMIT:
                _INDEXES.popitem(last=False)
        return index

    # -- drafts from resolved cases (tools/drafts.py) ------------------------

    def _kb_text(self):
        """The article's words as suggestions and the knowledge base jobs
        compare them: title, keywords, body."""
        self.ensure_one()
        return f"{self.name} {self.keywords or ''} {html2plaintext(self.body or '')}"

    def _kb_source_questions(self):
        """The questions of the resolved cases the article was drafted from:
        the knowledge gaps job counts their topic as answered too."""
        self.ensure_one()
        # sudo: the nightly job's comparison, never shown
        return [
            f"{ticket.name or ''}\n{ticket.hs_clean_body or ''}"
            for ticket in self.sudo().source_ticket_ids
        ]

    @api.model
    def _kb_create_draft(self, proposal, company):
        """A draft article from ``proposal`` (a ``drafts.Draft``, already
        anonymised), for ``company``; always a draft, reviewed before it
        is published."""
        headings = (self.env._("Problem"), self.env._("Customers also wrote"))
        problem, *others = proposal.problem or [""]
        body = Markup("<h3>%s</h3><p>%s</p>") % (headings[0], problem)
        if others:
            body += Markup("<p>%s:</p><ul>%s</ul>") % (
                headings[1],
                Markup("").join(Markup("<li>%s</li>") % line for line in others),
            )
        body += Markup("<h3>%s</h3><ol>%s</ol>") % (
            self.env._("Solution"),
            Markup("").join(Markup("<li>%s</li>") % step for step in proposal.steps)
            or Markup("<li>%s</li>") % self.env._("(to be written by the reviewer)"),
        )
        return self.create(
            {
                "name": proposal.title or self.env._("Draft from resolved cases"),
                "body": body,
                "keywords": " ".join(proposal.keywords),
                "category_id": proposal.category,
                "company_id": company.id if company else False,
                "state": "draft",
                "source_ticket_ids": [fields.Command.set(list(proposal.keys))],
            }
        )
