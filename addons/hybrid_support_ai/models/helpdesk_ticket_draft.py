from odoo import api, fields, models
from odoo.tools import html2plaintext

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict
from odoo.addons.hybrid_support_intake.tools.body_clean import split_reply
from odoo.addons.hybrid_support_intake.tools.similarity import rank

from ..tools.drafts import compose
from ..tools.redact import redact
from .helpdesk_ticket import AGENTS

PAST_CASES = 500  # most recent resolved cases a draft may borrow from


class HelpdeskTicket(models.Model):
    """Draft replies (this addon's second concern on cases, kept apart from
    classification in helpdesk_ticket.py)."""

    _inherit = "helpdesk.ticket"

    hs_draft_ids = fields.One2many(
        "hybrid.support.draft", "ticket_id", string="Draft replies", groups=AGENTS
    )
    hs_draft_pending = fields.Boolean(
        readonly=True, copy=False, index="btree_not_null", groups=AGENTS
    )
    hs_draft_id = fields.Many2one(
        "hybrid.support.draft",
        compute="_compute_hs_draft",
        string="Draft reply",
        groups=AGENTS,
    )
    hs_draft_body = fields.Text(
        compute="_compute_hs_draft", string="Proposed reply", groups=AGENTS
    )
    hs_draft_sources = fields.Text(
        compute="_compute_hs_draft", string="Made from", groups=AGENTS
    )

    @api.depends("hs_draft_ids.state", "hs_draft_ids.body", "hs_draft_ids.sources")
    def _compute_hs_draft(self):
        for ticket in self:
            draft = ticket.hs_draft_ids.filtered(lambda d: d.state == "proposed")[:1]
            ticket.hs_draft_id = draft
            ticket.hs_draft_body = draft.body
            ticket.hs_draft_sources = draft.sources

    @api.model
    def _hs_new_case_values(self, subject, clean_body, origin):
        values = super()._hs_new_case_values(subject, clean_body, origin)
        # the draft job decides by tier; history being imported needs none
        values["hs_draft_pending"] = origin != "import"
        return values

    def _hs_jobs_after_intake(self, origin):
        jobs = super()._hs_jobs_after_intake(origin)
        if any(self.mapped("hs_draft_pending")):
            jobs.append("hybrid_support_ai.ir_cron_make_drafts")
        return jobs

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        if (
            message.message_type == "comment"
            and self._hs_public_message(message)
            and message.author_id.user_ids.filtered(lambda u: not u.share)
        ):
            text = html2plaintext(message.body or "")
            # sudo: the comparison is the suite's record, written on any reply
            self.sudo().hs_draft_ids._record_reply(message, text)
        return result

    # -- making drafts ------------------------------------------------------

    def _hs_draft_candidates(self, company, intents):
        """Past answers (per intent id, False for none), canned responses and
        published articles: ``({intent id: [(key, text)]}, answers {key: text},
        cases {case id: case})``. Past answers are those of the most recent
        resolved cases, and of the most recent ones of the accounts in self:
        which of them a case may use is decided per case (_hs_draft_source)."""
        domain = [
            ("company_id", "=", company.id),
            ("stage_id.closed", "=", True),
            ("hs_intent_id", "in", list(intents)),
        ]
        resolved = self.search(domain, order="id desc", limit=PAST_CASES)
        accounts = self.commercial_partner_id
        if accounts:
            resolved |= self.search(
                domain + [("commercial_partner_id", "in", accounts.ids)],
                order="id desc",
                limit=PAST_CASES,
            )
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        replies = self.env["mail.message"].search_fetch(
            [
                ("model", "=", "helpdesk.ticket"),
                ("res_id", "in", resolved.ids),
                ("message_type", "=", "comment"),
                ("subtype_id", "=", comment),
                ("author_id.user_ids.share", "=", False),
            ],
            ["res_id", "body"],
            order="id",
        )
        first = {}
        for reply in replies:
            first.setdefault(reply.res_id, reply.body)
        answers, per_intent = {}, {intent: [] for intent in intents}
        cases = {}
        for case in resolved.filtered(lambda t: t.id in first):
            key = ("case", case.id)
            cases[case.id] = case
            answers[key] = split_reply(html2plaintext(first[case.id]))[0]
            per_intent[case.hs_intent_id.id].append(
                (key, f"{case.name}\n{case.hs_clean_body or ''}")
            )
        shared = [
            (("template", t.id), f"{t.name}\n{html2plaintext(t.body_html or '')}")
            for t in self.env["mail.template"].search(
                [("model", "=", "helpdesk.ticket"), ("hs_canned", "=", True)]
            )
        ]
        if "hybrid.support.kb.article" in self.env:  # the kb addon, when installed
            for article in self.env["hybrid.support.kb.article"].search(
                [("state", "=", "published"), ("company_id", "in", [company.id, False])]
            ):
                key = ("article", article.id)
                body = html2plaintext(article.body or "")
                answers[key] = f"{article.name}\n\n{body[:1500]}"
                shared.append((key, f"{article.name} {article.keywords or ''}\n{body}"))
        return (
            {intent: per_intent[intent] + shared for intent in intents},
            answers,
            cases,
        )

    def _hs_draft_source(self, key, cases):
        """What a source is to this case: ``template`` or ``article`` (written
        for every customer), ``case`` (a resolved case of the same account)
        or ``redacted`` (another account's: only its redacted text may be
        used, never sent by itself nor given to the language model)."""
        kind, res_id = key
        if kind != "case":
            return kind
        account = self.commercial_partner_id
        same = account and cases[res_id].commercial_partner_id == account
        return "case" if same else "redacted"

    def _hs_draft_text(self, key, answers, cases):
        kind, res_id = key
        name = (self.partner_id.name or "").split(" ")[0]
        if kind == "template":
            template = self.env["mail.template"].browse(res_id)
            html = template._render_field("body_html", self.ids)[self.id]
            return html2plaintext(html)
        answer = answers[key]
        if self._hs_draft_source(key, cases) == "redacted":
            case = cases[res_id]
            answer = redact(
                answer,
                names=[
                    case.partner_id.name,
                    case.commercial_partner_id.name,
                    case.partner_name,
                ],
            )
        return compose(answer, name)

    def _hs_draft_label(self, key, cases):
        kind, res_id = key
        source = self._hs_draft_source(key, cases)
        if source == "redacted":
            # another account's case: its number, not its subject
            return self.env._(
                "Resolved case of another account, redacted: %(number)s",
                number=cases[res_id].number,
            )
        record = self.env[
            {
                "case": "helpdesk.ticket",
                "template": "mail.template",
                "article": "hybrid.support.kb.article",
            }[kind]
        ].browse(res_id)
        labels = {
            "case": self.env._("Resolved case"),
            "template": self.env._("Canned response"),
            "article": self.env._("Article"),
        }
        return f"{labels[kind]}: {record.display_name}"

    def _hs_make_drafts(self):
        """Propose a draft on each case of self; send it where the intent
        earned auto-send, the classification is confident and the draft was
        made from a canned response or an article."""
        self.write({"hs_draft_pending": False})
        open_cases = self.filtered(lambda t: not t.stage_id.closed)
        Automation = self.env["hybrid.support.intent.automation"]
        created = []
        for company in open_cases.company_id:
            tiers = Automation._tiers(company)
            tickets = open_cases.filtered(
                lambda t, c=company, tiers=tiers: (
                    t.company_id == c
                    and tiers.get(t.hs_intent_id.id, "draft") != "manual"
                )
            )
            if not tickets:
                continue
            candidates, answers, cases = tickets._hs_draft_candidates(
                company, {t.hs_intent_id.id for t in tickets}
            )
            for ticket in tickets:
                query = f"{ticket.name}\n{ticket.hs_clean_body or ''}"
                best = rank(
                    query, candidates[ticket.hs_intent_id.id], limit=3, minimum=0.05
                )
                best = [
                    (key, score) for key, score in best if key != ("case", ticket.id)
                ]
                if not best:
                    continue
                text = ticket._hs_draft_text(best[0][0], answers, cases)
                sources = "\n".join(
                    f"{ticket._hs_draft_label(key, cases)} ({score:.2f})"
                    for key, score in best
                )
                created.append(
                    {
                        "ticket_id": ticket.id,
                        "intent_id": ticket.hs_intent_id.id,
                        "body": text,
                        "source_kind": ticket._hs_draft_source(best[0][0], cases),
                        "sources": sources,
                        "score": best[0][1],
                    }
                )
        drafts = self.env["hybrid.support.draft"].create(created)
        drafts._llm_improve()
        drafts._auto_send()
        return drafts

    @api.model
    def _hs_make_pending_drafts(self, limit=50):
        """One batch of the cases waiting for a draft; how many were done."""
        tickets = self.search([("hs_draft_pending", "=", True)], limit=limit)
        tickets._hs_make_drafts()
        return len(tickets)

    @api.model
    @retry_soon_on_conflict
    def _hs_cron_make_drafts(self, batch_size=50):
        cron = self.env["ir.cron"]
        while done := self._hs_make_pending_drafts(batch_size):
            if cron._commit_progress(done) <= 0:
                break

    def action_hs_use_draft(self):
        self.ensure_one()
        return self.hs_draft_id.action_use()

    def action_hs_discard_draft(self):
        return self.hs_draft_id.action_discard()

    def action_hs_make_draft(self):
        self.check_access("write")
        self.sudo()._hs_make_drafts()  # sudo: drafts are the suite's records
        return True
