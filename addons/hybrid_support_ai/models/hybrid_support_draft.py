import logging

from odoo import api, fields, models
from odoo.tools import plaintext2html

from ..tools import llm
from ..tools.drafts import edit_distance

_logger = logging.getLogger(__name__)

# sources written for every customer: the only ones a draft may be sent
# automatically from, or given to the language model with
SHARED_SOURCES = ("template", "article")


class HybridSupportDraft(models.Model):
    """A reply the suite proposes for a case. It is shown to the agent and
    never sent by itself, unless its intent earned auto-send; when the agent
    answers, how much they changed it is recorded."""

    _name = "hybrid.support.draft"
    _description = "Draft reply"
    _order = "id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    intent_id = fields.Many2one(
        "hybrid.support.intent",
        readonly=True,
        index=True,
        ondelete="set null",
        help="The case's intent when the draft was made.",
    )
    body = fields.Text(readonly=True)
    source_kind = fields.Selection(
        [
            ("template", "Canned response"),
            ("article", "Article"),
            ("case", "Resolved case of the same account"),
            ("redacted", "Resolved case of another account, redacted"),
        ],
        string="Made from",
        readonly=True,
        help="Only drafts made from canned responses and articles, written for "
        "every customer, may be sent automatically or rewritten by the "
        "language model: a past case's words stay on this server.",
    )
    sources = fields.Text(
        readonly=True, help="What the draft was made from, with its closeness."
    )
    score = fields.Float(
        string="Closeness", digits=(3, 2), readonly=True, help="0 to 1."
    )
    state = fields.Selection(
        [
            ("proposed", "Proposed"),
            ("sent", "Answered by an agent"),
            ("auto_sent", "Sent automatically"),
            ("discarded", "Discarded"),
        ],
        default="proposed",
        required=True,
        readonly=True,
        index=True,
    )
    message_id = fields.Many2one(
        "mail.message", string="Reply", readonly=True, ondelete="set null"
    )
    user_id = fields.Many2one("res.users", string="Answered by", readonly=True)
    sent_date = fields.Datetime(string="Answered on", readonly=True)
    edit_distance = fields.Float(
        string="Edited",
        digits=(3, 2),
        readonly=True,
        aggregator="avg",
        help="Share of the draft the agent changed before sending (0: as is).",
    )

    def _record_reply(self, message, text):
        """The agent answered: compare their reply with the proposed draft."""
        for draft in self.filtered(lambda d: d.state == "proposed"):
            draft.write(
                {
                    "state": "sent",
                    "message_id": message.id,
                    "user_id": message.author_id.user_ids[:1].id,
                    "sent_date": message.date,
                    "edit_distance": edit_distance(draft.body, text),
                }
            )

    def _llm_improve(self):
        """Let the configured language model rewrite the drafts made from a
        canned response or an article (it reads this case's text and the
        draft, never another case); on failure the draft stays as made, and
        says why on the case, in words safe to show."""
        for draft in self.filtered(
            lambda d: d.source_kind in SHARED_SOURCES and d.company_id._hs_llm_ready()
        ):
            ticket = draft.ticket_id
            try:
                body = draft.company_id._hs_llm_chat(
                    llm.draft_messages(
                        f"{ticket.name}\n{ticket.hs_clean_body or ''}", draft.body
                    )
                )
            except llm.LlmError as error:
                _logger.warning(
                    "Draft for %s not improved: %s", ticket.display_name, error
                )
                note = self.env._("Language model unavailable: %(error)s", error=error)
                draft.sources = f"{draft.sources}\n{note}"
                continue
            note = self.env._(
                "Rewritten by %(model)s",
                # sudo: the model's name is an administrators' setting
                model=draft.company_id.sudo().hs_llm_model,
            )
            draft.write({"body": body, "sources": f"{draft.sources}\n{note}"})

    def _auto_send(self):
        """Send the drafts whose intent earned auto-send, when the case's
        classification was confident (no review needed) and the draft was
        made from a canned response or an article: a past case's answer,
        even of the same account, always waits for an agent. Never an intent
        marked never-automate (legal, security), whatever the tier says."""
        Automation = self.env["hybrid.support.intent.automation"]
        for company in self.company_id:
            tiers = Automation._tiers(company)
            for draft in self.filtered(
                lambda d, c=company, t=tiers: (
                    d.company_id == c
                    and t.get(d.intent_id.id) == "auto"
                    and d.source_kind in SHARED_SOURCES
                    and not d.intent_id.never_automate
                    and not d.ticket_id.hs_intent_needs_review
                )
            ):
                ticket = draft.ticket_id
                message = ticket.message_post(
                    body=plaintext2html(draft.body),
                    message_type="comment",
                    subtype_xmlid="mail.mt_comment",
                    author_id=company.partner_id.id,
                    partner_ids=ticket.partner_id.ids,
                )
                draft.write({"state": "auto_sent", "message_id": message.id})

    def action_use(self):
        """Open the reply composer on the case with the draft in it."""
        self.ensure_one()
        self.ticket_id.check_access("write")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": "helpdesk.ticket",
                "default_res_ids": self.ticket_id.ids,
                "default_composition_mode": "comment",
                "default_subtype_xmlid": "mail.mt_comment",
                "default_body": plaintext2html(self.body or ""),
            },
        }

    def action_discard(self):
        self.ticket_id.check_access("write")
        # sudo: drafts are the suite's records, agents only act through this
        self.sudo().filtered(lambda d: d.state == "proposed").state = "discarded"
        return True

    @api.model
    def _edit_rates(self, company, intents, needed):
        """{intent id: [edit distance of its last sent drafts, newest first]}
        of the intent ids ``intents``."""
        drafts = self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("intent_id", "in", list(intents)),
                ("state", "=", "sent"),
            ],
            ["intent_id", "edit_distance"],
            order="id desc",
        )
        rates = {intent: [] for intent in intents}
        for draft in drafts:
            if len(rates[draft.intent_id.id]) < needed:
                rates[draft.intent_id.id].append(draft.edit_distance)
        return rates
