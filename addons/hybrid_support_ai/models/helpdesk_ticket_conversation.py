"""The case's conversation as the desk reads it: the summary and count of
unanswered messages kept up to date as messages arrive, the mood of the
customer's messages, and the optional language-model summary."""

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_normalize, html2plaintext

from odoo.addons.hybrid_support_intake.tools.body_clean import split_reply

from ..tools import llm, sentiment, summary
from .helpdesk_ticket import AGENTS


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hs_summary = fields.Text(
        string="Summary",
        groups=AGENTS,
        readonly=True,
        help="What the customer wants, the facts given, what was tried and who "
        "the thread waits for; updated when messages arrive.",
    )
    hs_unanswered_count = fields.Integer(
        groups=AGENTS,
        string="Unanswered messages",
        readonly=True,
        help="Customer messages since our last answer: a frustration signal.",
    )
    hs_llm_enabled = fields.Boolean(related="company_id.hs_llm_enabled", groups=AGENTS)

    def _get_message_create_valid_field_names(self):
        return super()._get_message_create_valid_field_names() | {
            "hs_sentiment",
            "hs_sentiment_done",
        }

    def _message_create(self, values_list):
        # the email that makes a case was scored with it (_hs_classify): the
        # score goes into the message's INSERT rather than a later UPDATE
        if len(self) == 1 and self.hs_source_message_id:
            values_list = [
                {**values, "hs_sentiment": self.hs_sentiment, "hs_sentiment_done": True}
                if values.get("message_type") == "email"
                and values.get("message_id") == self.hs_source_message_id
                else values
                for values in values_list
            ]
        return super()._message_create(values_list)

    def _message_post_after_hook(self, message, msg_values):
        result = super()._message_post_after_hook(message, msg_values)
        # every customer email and public answer; the email that makes a
        # case gets its summary once, from the enrichment that follows
        others = self.filtered(lambda t: t.hs_source_message_id != message.message_id)
        if (
            others
            and message.message_type in ("email", "comment")
            and (not message.subtype_id or self._hs_public_message(message))
        ):
            others._hs_update_summary()
        return result

    def action_hs_llm_summary(self):
        """Ask the configured language model for a summary of the thread."""
        self.ensure_one()
        self.check_access("write")
        thread = "\n\n".join(
            f"{'Agent' if agent else 'Customer'}: {text}"
            for agent, text in self._hs_llm_thread()
        )
        try:
            text = self.company_id._hs_llm_chat(llm.summary_messages(thread))
        except llm.LlmError as error:
            raise UserError(
                self.env._("The language model could not summarize: %(e)s", e=error)
            ) from error
        # sudo: the summary is a read-only field the suite maintains
        self.sudo().hs_summary = text
        return True

    def _hs_summary_facts(self):
        self.ensure_one()
        return self.hs_reference_ids.mapped("value") + [
            n.strip() for n in (self.hs_phone_numbers or "").split(",") if n.strip()
        ]

    def _hs_first_summary(self):
        """A case the gateway has just made holds one message, the email whose
        clean text it has and whose sentiment it scored: no need to read the
        thread back."""
        # sudo: the summary is the suite's annotation, written whoever emailed
        for ticket in self.sudo():
            thread = [
                (
                    not ticket.partner_id or ticket.partner_id.partner_share,
                    ticket.hs_clean_body or "",
                )
            ]
            ticket.write(
                {
                    "hs_summary": summary.summarize(thread, ticket._hs_summary_facts()),
                    "hs_unanswered_count": summary.unanswered(thread),
                }
            )

    def _hs_update_summary(self):
        # sudo: summary, mood and message scores are the suite's annotations,
        # kept up to date whoever posts (an agent, a follower, the customer)
        Message = self.env["mail.message"].sudo()
        for ticket in self.sudo():
            # the public thread in one query (a reply would otherwise read the
            # case's messages, then each one, then their subtypes)
            messages = Message.search_fetch(
                Domain("model", "=", ticket._name)
                & Domain("res_id", "=", ticket.id)
                & Domain("message_type", "in", ["email", "comment"])
                & (
                    Domain("subtype_id", "=", False)
                    | Domain("subtype_id.internal", "=", False)
                ),
                ["author_id", "body", "hs_sentiment", "hs_sentiment_done"],
                order="date, id",
            )
            thread = [
                (
                    not m.author_id or m.author_id.partner_share,
                    split_reply(html2plaintext(m.body or ""))[0],
                )
                for m in messages
            ]
            scores = []
            for message, (from_customer, text) in zip(messages, thread, strict=True):
                if not from_customer:
                    continue
                if not message.hs_sentiment_done:
                    value, _confidence = sentiment.score(
                        text, ticket.hs_language or "en"
                    )
                    # sudo: the score is the suite's own annotation of the message
                    message.sudo().write(
                        {"hs_sentiment": value, "hs_sentiment_done": True}
                    )
                scores.append(message.hs_sentiment)
            unanswered = summary.unanswered(thread)
            mood = {}
            if scores:
                mood = {
                    "hs_sentiment": scores[-1],
                    "hs_sentiment_trend": sentiment.trend(scores),
                    "hs_frustrated": sentiment.frustrated(unanswered, scores),
                }
                if mood["hs_frustrated"] and ticket.hs_urgency in (
                    False,
                    "low",
                    "normal",
                ):
                    mood["hs_urgency"] = "high"  # repeated follow-ups
            ticket.write(
                {
                    "hs_summary": summary.summarize(thread, ticket._hs_summary_facts()),
                    "hs_unanswered_count": unanswered,
                    **mood,
                }
            )

    def _hs_llm_thread(self):
        """What of this case's thread may go to the language model: the
        public messages of the customer (their contacts included) and of the
        agents, each without its quoted history; no note, no other party
        (a Cc'd stranger), no other case. ``[(from_agent, text)]``."""
        self.ensure_one()
        customers = self.partner_id | self.partner_id.commercial_partner_id
        customers |= customers.child_ids
        thread = []
        for message in self.message_ids.sorted(lambda m: (m.date, m.id)):
            if (
                message.model != self._name
                or message.res_id != self.id
                or message.message_type not in ("email", "comment")
                or message.is_internal
                or not self._hs_public_message(message)
            ):
                continue
            author = message.author_id
            agent = bool(author.user_ids.filtered(lambda u: not u.share))
            if not agent and not (
                author in customers
                or (
                    not author
                    and email_normalize(message.email_from or "")
                    == email_normalize(self.partner_email or "")
                )
            ):
                continue
            thread.append((agent, split_reply(html2plaintext(message.body or ""))[0]))
        return thread
