import logging
import re

from odoo import api, fields, models
from odoo.tools import html2plaintext

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict
from odoo.addons.hybrid_support_intake.tools.body_clean import split_reply

from ..tools import anonymise, drafts

_logger = logging.getLogger(__name__)

AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"
DRAFT_BATCH = 200


class HybridSupportKbCaseMixin(models.AbstractModel):
    """What a case gives the knowledge base once it is resolved: its
    problem and solution in a few anonymised words, and the mark that the
    drafting job has still to read it.

    Closing a case only marks it (``hs_kb_draft_state = 'pending'``, in the
    same write); the drafting job (``_hs_kb_cron_draft``) reads the marked
    cases in batches, away from the agent's click."""

    _name = "hybrid.support.kb.case.mixin"
    _description = "Knowledge base drafting from resolved cases"

    hs_kb_draft_state = fields.Selection(
        [
            ("pending", "To read"),
            ("drafted", "In a draft"),
            ("skipped", "Not drafted"),
        ],
        string="Knowledge base",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups=AGENTS,
        help="Whether the drafting job proposed a knowledge base article "
        "from this resolved case.",
    )
    hs_kb_draft_note = fields.Char(
        string="Knowledge base note",
        readonly=True,
        copy=False,
        groups=AGENTS,
        help="Why no draft was proposed, or which draft holds the case.",
    )

    def write(self, vals):
        result = super().write(vals)
        stage = vals.get("stage_id") and self.env["helpdesk.ticket.stage"].browse(
            vals["stage_id"]
        )
        if stage and stage.closed and "hs_kb_draft_state" not in vals:
            # only marked here, read by the drafting job: closing a case
            # costs one UPDATE more, never the drafting itself.
            # sudo: a customer closing their case from the portal marks it
            # too; the mark is the job's, not the customer's
            self.sudo().write(
                {"hs_kb_draft_state": "pending", "hs_kb_draft_note": False}
            )
        return result

    # -- what a case says -----------------------------------------------------

    def _hs_kb_question_text(self):
        """Hook: the customer's question in their own words. The case's clean
        text (the first email without quotes and signature), else its
        description; an addon holding a better statement (a thread summary)
        may override this."""
        self.ensure_one()
        text = self.hs_clean_body or html2plaintext(self.description or "")
        if not text.strip() and "hs_summary" in self._fields:
            # hybrid_support_ai's extractive summary: "Wants: ..." is the
            # customer's request in their words (read only when installed)
            wants = re.search(r"^Wants: (.+)$", self.hs_summary or "", re.MULTILINE)
            text = wants.group(1) if wants else ""
        return text

    def _hs_kb_answer_text(self):
        """The agent's last public answer before the case closed: what
        solved it (internal notes and the customer's messages are not
        answers)."""
        self.ensure_one()
        for message in self.message_ids.sorted("id", reverse=True):
            if message.message_type not in ("comment", "email"):
                continue
            users = message.author_id.user_ids
            if not users or any(user.share for user in users):
                continue  # the customer, or a contact without a login
            if not self._hs_public_message(message):
                continue
            text, _elided = split_reply(html2plaintext(message.body or ""))
            if text.strip():
                return text
        return ""

    def _hs_kb_known_names(self):
        """Names of the people this case is about or written by: its
        customer and their company, the contacts following it, every author
        of its messages, the agent; each word is removed from drafts."""
        self.ensure_one()
        partners = (
            self.partner_id
            | self.partner_id.commercial_partner_id
            | self.message_partner_ids
            | self.message_ids.author_id
            | self.user_id.partner_id
        )
        names = [self.partner_name or ""] + partners.mapped("name")
        names += [email.split("@")[0] for email in partners.mapped("email") if email]
        return [name for name in names if name]

    def _hs_kb_known_references(self):
        """References found in the case (orders, invoices, accounts...)."""
        self.ensure_one()
        return self.hs_reference_ids.mapped("value") if self.hs_reference_ids else []

    def _hs_kb_region(self):
        country = self.partner_id.country_id or self.company_id.country_id
        return country.code or None

    def _hs_kb_rating(self):
        """The customer's last rating of the case (1, 3, 5), 0 without one
        or when no rating addon is installed."""
        if "rating_ids" not in self._fields:
            return 0
        ratings = self.rating_ids.filtered(lambda r: r.consumed and r.rating)
        return int(ratings.sorted("id")[-1:].rating) if ratings else 0

    @api.model
    def _hs_kb_reference_patterns(self):
        # the administrators' patterns, already checked linear when saved
        return [
            re.compile(row.pattern)
            for row in self.env["hybrid.support.reference.pattern"]._cached_patterns()
        ]

    def _hs_kb_resolved_case(self, patterns=None):
        """The case as :class:`drafts.ResolvedCase`, anonymised: nothing of
        the customer (names, addresses, numbers, secrets) leaves here."""
        self.ensure_one()
        patterns = self._hs_kb_reference_patterns() if patterns is None else patterns
        names = self._hs_kb_known_names()
        references = self._hs_kb_known_references()
        region = self._hs_kb_region()

        def clean(text):
            return anonymise.anonymise(text, names, references, patterns, region)

        return drafts.ResolvedCase(
            key=self.id,
            question=clean(self._hs_kb_question_text()),
            answer=clean(self._hs_kb_answer_text()),
            subject=clean(self.name or ""),
            category=self.category_id.id or None,
            rating=self._hs_kb_rating(),
            reopened=self.hs_reopen_count or 0,
        )

    def _hs_kb_rewrite_draft(self, proposal):
        """Hook: ``proposal`` (a ``drafts.Draft`` made from these cases,
        already anonymised) rewritten, e.g. by a language model. The
        default keeps it: this addon sends nothing anywhere. An override
        must stay off unless an administrator turns it on, and may only
        send the anonymised text of these cases."""
        return proposal

    # -- the drafting job -----------------------------------------------------

    @api.model
    @retry_soon_on_conflict
    def _hs_kb_cron_draft(self, batch_size=DRAFT_BATCH):
        """Drafting job: reads the resolved cases marked 'pending' in
        batches, committing after each."""
        cron = self.env["ir.cron"]
        while True:
            done = self._hs_kb_draft_batch(batch_size)
            if not done or cron._commit_progress(done) <= 0:
                break

    @api.model
    def _hs_kb_draft_batch(self, limit=DRAFT_BATCH):
        """One batch of the drafting job; the number of cases read."""
        # sudo: the job reads every company's resolved cases and writes drafts
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [("hs_kb_draft_state", "=", "pending")],
                order="closed_date, id",
                limit=limit,
            )
        )
        if not tickets:
            return 0
        patterns = self._hs_kb_reference_patterns()
        for company in tickets.company_id | self.env["res.company"].browse([False]):
            batch = tickets.filtered(lambda t, c=company: t.company_id == c)
            if batch:
                batch._hs_kb_draft_company(patterns)
        return len(tickets)

    def _hs_kb_draft_company(self, patterns):
        """Drafts from these resolved cases of one company: each clear case
        joins the closest open draft or is left to a published article that
        already answers it; the others are grouped by topic, one draft a
        group."""
        Article = self.env["hybrid.support.kb.article"].sudo()
        company = self[:1].company_id
        clear, notes = [], {}
        for ticket in self:
            if not ticket.stage_id.closed:
                notes[ticket] = ("skipped", self.env._("reopened before it was read"))
                continue
            case = ticket._hs_kb_resolved_case(patterns)
            ok, why = drafts.clear_case(case)
            if ok:
                clear.append(case)
            else:
                notes[ticket] = ("skipped", why)
        if clear:
            in_company = [("company_id", "in", [company.id, False])]
            published = Article.search([("state", "=", "published"), *in_company])
            open_drafts = Article.search(
                [
                    ("state", "in", ("draft", "review")),
                    ("source_ticket_ids", "!=", False),
                ]
                + in_company
            )
            candidates = list(published) + list(open_drafts)
            matches = drafts.best_matches(
                [drafts.case_text(case) for case in clear],
                [article._kb_text() for article in candidates],
            )
            remaining = []
            for case, (index, score) in zip(clear, matches, strict=True):
                ticket = self.browse(case.key)
                if index is not None and score >= drafts.SAME_TOPIC:
                    article = candidates[index]
                    if article.state == "published":
                        notes[ticket] = (
                            "skipped",
                            self.env._("answered by the article %s", article.name),
                        )
                    else:
                        article.source_ticket_ids = [fields.Command.link(ticket.id)]
                        notes[ticket] = ("drafted", article.name)
                else:
                    remaining.append(case)
            model = drafts.keyword_model([drafts.case_text(c) for c in clear])
            for group in drafts.group_similar(remaining):
                sources = self.browse([case.key for case in group])
                proposal = sources._hs_kb_rewrite_draft(drafts.draft(group, model))
                article = Article._kb_create_draft(proposal, company)
                for case in group:
                    notes[self.browse(case.key)] = ("drafted", article.name)
        for ticket, (state, note) in notes.items():
            ticket.write({"hs_kb_draft_state": state, "hs_kb_draft_note": note})
        return True

    # -- by hand ------------------------------------------------------------

    def action_hs_kb_draft_article(self):
        """'Draft an article from this case': the wizard, prefilled from the
        case read with the agent's own rights."""
        self.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Draft an article"),
            "res_model": "hybrid.support.kb.draft.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_ticket_ids": self.ids},
        }
