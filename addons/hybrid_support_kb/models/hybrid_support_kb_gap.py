import logging
import re
from datetime import timedelta

import numpy as np

from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools import gaps as gap_tools

_logger = logging.getLogger(__name__)

PERIOD_PARAM = "hybrid_support_kb.gap_period_days"
DEFAULT_PERIOD = 30
_WORD = re.compile(r"\w+")


class HybridSupportKbGap(models.Model):
    """A knowledge gap (recent cases on one topic that no published article
    answers well) or a stale article, as the nightly job found it. The job
    replaces the open findings of a company each night; findings drafted
    or dismissed stay."""

    _name = "hybrid.support.kb.gap"
    _description = "Knowledge gap"
    _order = "kind, size desc, id desc"

    name = fields.Char(required=True, readonly=True)
    kind = fields.Selection(
        [("gap", "Knowledge gap"), ("stale", "Stale article")],
        required=True,
        default="gap",
        readonly=True,
    )
    state = fields.Selection(
        [("new", "New"), ("drafted", "Article drafted"), ("dismissed", "Dismissed")],
        default="new",
        required=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True
    )
    date = fields.Date(string="Found on", readonly=True, default=fields.Date.today)
    period_days = fields.Integer(string="Period (days)", readonly=True)
    size = fields.Integer(string="Cases", readonly=True, help="Cases of the period.")
    previous_size = fields.Integer(
        string="Cases before",
        readonly=True,
        help="Cases on the same topic in the period before.",
    )
    trend = fields.Char(compute="_compute_trend")
    top_words = fields.Char(readonly=True)
    ticket_ids = fields.Many2many(
        "helpdesk.ticket",
        "hybrid_support_kb_gap_ticket_rel",
        "gap_id",
        "ticket_id",
        string="Sample cases",
        readonly=True,
    )
    searches = fields.Text(
        string="Searches with no result",
        readonly=True,
        help="Help center searches that found nothing, on this topic.",
    )
    best_article_id = fields.Many2one(
        "hybrid.support.kb.article",
        string="Closest article",
        readonly=True,
        ondelete="set null",
    )
    best_score = fields.Float(
        string="Similarity",
        readonly=True,
        digits=(3, 2),
        help="Similarity of the cases' topic to the closest published article "
        "(cosine, 0 to 1): a gap is below the threshold of tools/gaps.py.",
    )
    article_id = fields.Many2one(
        "hybrid.support.kb.article",
        readonly=True,
        ondelete="cascade",
        help="The stale article, or the article drafted for this gap.",
    )
    reasons = fields.Text(readonly=True)

    _kb_gap_company_idx = models.Index("(company_id, kind, state)")

    @api.depends("size", "previous_size")
    def _compute_trend(self):
        for gap in self:
            if gap.kind != "gap":
                gap.trend = False
            elif not gap.previous_size:
                gap.trend = self.env._("new")
            else:
                change = round(100 * (gap.size - gap.previous_size) / gap.previous_size)
                gap.trend = f"{change:+d}%"

    # -- buttons --------------------------------------------------------------

    def action_draft_article(self):
        """'Draft an article from these cases': the drafting wizard on the
        gap's sample cases."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Draft an article"),
            "res_model": "hybrid.support.kb.draft.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_ticket_ids": self.ticket_ids.ids,
                "default_gap_id": self.id,
            },
        }

    def action_dismiss(self):
        self.state = "dismissed"

    def action_reopen(self):
        self.state = "new"

    def _kb_drafted(self, article):
        self.write({"state": "drafted", "article_id": article.id})

    # -- hooks for other addons ----------------------------------------------

    @api.model
    def _kb_unanswered_searches(self, company, since):
        """Hook: texts of the help center searches of ``company`` since
        ``since`` that found nothing (the search log)."""
        searches = self.env["hybrid.support.kb.search"].search(
            [
                ("no_result", "=", True),
                ("company_id", "=", company.id),
                ("create_date", ">=", since),
            ],
            order="id desc",
            limit=5000,
        )
        return searches.mapped("query")

    @api.model
    def _kb_feedback_counts(self, articles, since):
        """Hook: ``{article id: (not helpful, helpful)}`` votes since
        ``since`` (the help center's event log)."""
        groups = self.env["hybrid.support.kb.event"]._read_group(
            [
                ("article_id", "in", articles.ids),
                ("event_type", "in", ("helpful", "not_helpful")),
                ("create_date", ">=", since),
            ],
            ["article_id", "event_type"],
            ["__count"],
        )
        counts = {}
        for article, event_type, count in groups:
            no, yes = counts.get(article.id, (0, 0))
            counts[article.id] = (
                (no + count, yes) if event_type == "not_helpful" else (no, yes + count)
            )
        return counts

    @api.model
    def _kb_sentence_vectors(self):
        """Hook: a callable ``texts -> unit-length rows`` (a sentence
        encoder) to group cases by meaning instead of word TF-IDF, or None:
        words only. By default the help center search's encoder
        (``_search_encoder``: hybrid_support_ai's, when that addon is
        installed and its model folder set), so that gaps and suggestions
        read texts the same way."""
        _folder, encoder = self.env["hybrid.support.kb.article"]._search_encoder()
        if encoder is None:
            return None

        def vectors(texts):
            rows = [encoder.encode(texts[i : i + 64]) for i in range(0, len(texts), 64)]
            return np.vstack(rows) if rows else np.zeros((0, 0))

        return vectors

    # -- the nightly job --------------------------------------------------------

    @api.model
    def _kb_period(self):
        value = self.env["ir.config_parameter"].sudo().get_param(PERIOD_PARAM)
        try:
            days = int(value or DEFAULT_PERIOD)
        except ValueError:
            days = DEFAULT_PERIOD
        return min(max(days, 7), 365)

    @api.model
    @retry_soon_on_conflict
    def _kb_cron_find_gaps(self):
        """Nightly: knowledge gaps and stale articles of every company, one
        company a step."""
        cron = self.env["ir.cron"]
        # sudo: a job over every company's cases and articles
        # every company (a handful of rows), one a step
        companies = self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all
        for index, company in enumerate(companies):
            self.sudo()._kb_find_gaps(company)
            if cron._commit_progress(1, remaining=len(companies) - index - 1) <= 0:
                break

    @api.model
    def _kb_find_gaps(self, company, now=None):
        """Replace the open findings of ``company`` (a record or an id) by
        this run's."""
        if isinstance(company, int):
            company = self.env["res.company"].browse(company)
        # the transaction's clock, as create_date: Datetime.now() drops the
        # microseconds, which left out the cases of the current second (and
        # made TestKbGaps fail whenever its set-up and test shared a second)
        now = now or self.env.cr.now()
        days = self._kb_period()
        start, previous_start = (
            now - timedelta(days=days),
            now - timedelta(days=2 * days),
        )
        Ticket = self.env["helpdesk.ticket"]
        tickets = Ticket.search(
            [
                ("company_id", "=", company.id),
                ("create_date", ">=", previous_start),
                ("create_date", "<=", now),
            ],
            order="create_date desc, id desc",
            limit=2 * gap_tools.MAX_CASES,
        )
        cases = [
            gap_tools.RecentCase(
                key=ticket.id,
                text=f"{ticket.name or ''}\n{ticket.hs_clean_body or ''}",
                previous=ticket.create_date < start,
            )
            for ticket in reversed(tickets)
        ]
        articles = self.env["hybrid.support.kb.article"].search(
            Domain("state", "=", "published")
            & Domain("company_id", "in", [company.id, False])
        )
        vectors = self._kb_sentence_vectors()
        knowledge = [
            (article.id, article._kb_text(), article._kb_source_questions())
            for article in articles
        ]
        found = gap_tools.find_gaps(
            cases,
            knowledge,
            searches=self._kb_unanswered_searches(company, start),
            vectors=vectors,
        )
        names = {
            word.lower()
            for name in tickets.partner_id.mapped("name")
            + tickets.mapped("partner_name")
            for word in _WORD.findall(name or "")
        }
        self.search([("company_id", "=", company.id), ("state", "=", "new")]).unlink()
        # a topic a manager dismissed stays dismissed: a gap whose sample
        # cases are mostly those of a dismissed gap is not listed again
        dismissed = self.search(
            [
                ("company_id", "=", company.id),
                ("kind", "=", "gap"),
                ("state", "=", "dismissed"),
            ]
        ).ticket_ids.ids
        values = []
        for gap in found:
            if len(set(gap.samples) & set(dismissed)) * 2 > len(gap.samples):
                continue
            # a customer's name is never a topic
            words = [word for word in gap.top_words if word not in names]
            values.append(
                {
                    "name": ", ".join(words[:4]) or self.env._("Unnamed topic"),
                    "kind": "gap",
                    "company_id": company.id,
                    "period_days": days,
                    "size": gap.size,
                    "previous_size": gap.previous_size,
                    "top_words": ", ".join(words),
                    "ticket_ids": [fields.Command.set(gap.samples)],
                    "searches": "\n".join(gap.searches) or False,
                    "best_article_id": gap.best_article,
                    "best_score": gap.best_score,
                }
            )
        stale = gap_tools.stale_articles(
            knowledge,
            cases,
            not_helpful=self._kb_feedback_counts(articles, start),
            vectors=vectors,
        )
        today = fields.Date.context_today(self)
        for article in articles.filtered(
            lambda a: a.review_date and a.review_date <= today
        ):
            stale.setdefault(article.id, []).insert(
                0, self.env._("review date %s passed", article.review_date)
            )
        for article_id, reasons in stale.items():
            values.append(
                {
                    "name": self.env["hybrid.support.kb.article"]
                    .browse(article_id)
                    .name,
                    "kind": "stale",
                    "company_id": company.id,
                    "period_days": days,
                    "article_id": article_id,
                    "reasons": "\n".join(reasons),
                }
            )
        return self.create(values)
