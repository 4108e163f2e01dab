from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import email_normalize, html2plaintext

from odoo.addons.hybrid_support_intake.tools.body_clean import split_reply

from ..tools import classifier, language, lexicon, llm, sentiment, summary
from ..tools.priority import priority_from_triage

LEXICON = "keyword lexicon"
# A request is stated in the subject and the opening of the email; the rest
# of a long text (a pasted log) is not read: the lexicons took 2 s a megabyte.
TRIAGE_CHARS = 10000
# case analytics are for the desk's agents, never for customers (portal)
AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


def triage_text(subject, body):
    """What the classifiers read of a case: the same in training and triage."""
    return f"{subject or ''}\n{(body or '')[:TRIAGE_CHARS]}"


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    hs_intent_source = fields.Char(
        groups=AGENTS,
        string="Intent by",
        readonly=True,
        help="The model and version that set the intent.",
    )
    hs_intent_needs_review = fields.Boolean(
        groups=AGENTS,
        string="Needs review",
        readonly=True,
        index="btree_not_null",
        help="The classification was not confident enough to act on: a person "
        "confirms or corrects it in the review queue.",
    )
    hs_intent_unknown = fields.Boolean(
        groups=AGENTS,
        string="Unlike known intents",
        readonly=True,
        help="The email is unlike every intent the model learnt (or like the "
        "cases agents marked as none of these): it goes to review whatever the "
        "confidence. Answer with a new intent, or 'None of these'.",
    )
    hs_intent_reviewed = fields.Boolean(
        string="Intent Reviewed",
        groups=AGENTS,
        readonly=True,
        help="A person confirmed or corrected the intent: a training label.",
    )

    hs_team_suggestion_id = fields.Many2one(
        "helpdesk.ticket.team",
        string="Suggested team",
        groups=AGENTS,
        readonly=True,
        help="The trained team model's prediction for the first email.",
    )
    hs_team_confidence = fields.Float(
        string="Team Confidence", readonly=True, digits=(3, 2), groups=AGENTS
    )
    hs_priority_suggestion = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        string="Suggested priority",
        groups=AGENTS,
        readonly=True,
    )
    hs_priority_confidence = fields.Float(
        string="Priority Confidence", readonly=True, digits=(3, 2), groups=AGENTS
    )

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

    hs_llm_enabled = fields.Boolean(related="company_id.hs_llm_enabled", groups=AGENTS)

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

    def _hs_training_text(self):
        return triage_text(self.name, self.hs_clean_body)

    @api.model
    def _hs_classify(self, subject, clean_body):
        text = triage_text(subject, clean_body)
        company = self.env.company
        model = self.env["hybrid.support.ai.model"]._active(company)
        known = True
        if model:
            intent, intent_confidence, known = model._predict(text)
            source, threshold = model.name, model.threshold
        else:
            intent, intent_confidence = lexicon.classify_intent(text)
            source = f"{LEXICON} v{lexicon.VERSION}"
            # sudo: a setting of administrators, read for every email
            threshold = company.sudo().hs_ai_lexicon_threshold
        level, urgency_confidence = lexicon.urgency(text)
        code, language_confidence = language.detect(
            clean_body or subject, self._hs_languages()
        )
        score, sentiment_confidence = sentiment.score(clean_body or subject, code)
        intent_record, is_other = self._hs_intent_of_label(company, intent)
        known = known and not is_other
        suggestions = {}
        for target in ("team", "priority"):
            trained = self.env["hybrid.support.ai.model"]._active(company, target)
            if trained:
                label, confidence, usual = trained._predict(text)
                if not label or not usual:
                    continue  # unlike the cases it learnt from: no suggestion
                field = (
                    "hs_team_suggestion_id"
                    if target == "team"
                    else "hs_priority_suggestion"
                )
                suggestions[field] = int(label) if target == "team" else label
                suggestions[f"hs_{target}_confidence"] = confidence
        return {
            **suggestions,
            "hs_language": code or False,
            "hs_language_confidence": language_confidence,
            "hs_intent_id": intent_record.id,
            "hs_intent_confidence": intent_confidence,
            "hs_intent_source": source,
            "hs_intent_needs_review": (
                intent_confidence < threshold or not known or not intent_record
            ),
            "hs_intent_unknown": not known,
            "hs_urgency": level,
            "hs_urgency_confidence": urgency_confidence,
            "hs_sentiment": score,
            "hs_sentiment_confidence": sentiment_confidence,
        }

    @api.model
    def _hs_intent_of_label(self, company, label):
        """(intent, is the catch-all) of what a model or the lexicon predicted:
        the company's active intent of that code, the catch-all for the
        classifier's catch-all label (and for "other", the label of the models
        trained before the catalogue, unless an intent has that code now). No
        intent for a label the catalogue lacks (an archived intent): the case
        goes to review without one."""
        Intent = self.env["hybrid.support.intent"]
        if not label:
            return Intent, False
        found = Intent._hs_by_code(company, [label]).get(label)
        if found:
            return found, found.is_other
        if label in (classifier.OTHER, classifier.LEGACY_OTHER):
            return Intent._hs_other(company), True
        return Intent, False

    def _hs_model_routing(self, rule_logs):
        """Apply confident team and priority predictions where no routing
        rule decided. The team moves only from a team that lets the model
        dispatch (a front desk) or when the case has none."""
        logs = super()._hs_model_routing(rule_logs)
        field_ids = self.env["ir.model.fields"]._get_ids(self._name)  # cached
        ruled = {
            (log["ticket_id"], log["field_id"])
            for log in rule_logs
            if log["source"] == "rule"
        }
        Model = self.env["hybrid.support.ai.model"]
        for ticket in self:
            values, decided = {}, []
            team_model = Model._active(ticket.company_id, "team")
            suggestion = ticket.hs_team_suggestion_id
            if (
                team_model
                and suggestion
                and suggestion != ticket.team_id
                and ticket.hs_team_confidence >= team_model.threshold
                and (not ticket.team_id or ticket.team_id.hs_ai_dispatch)
                and (ticket.id, field_ids["team_id"]) not in ruled
            ):
                values["team_id"] = suggestion.id
                decided.append(
                    (
                        "team_id",
                        ticket.team_id,
                        suggestion,
                        team_model,
                        ticket.hs_team_confidence,
                    )
                )
            priority_model = Model._active(ticket.company_id, "priority")
            if not priority_model and (ticket.id, field_ids["priority"]) not in ruled:
                logs += ticket._hs_priority_from_triage()
            if (
                priority_model
                and ticket.hs_priority_suggestion
                and ticket.hs_priority_suggestion != ticket.priority
                and ticket.hs_priority_confidence >= priority_model.threshold
                and (ticket.id, field_ids["priority"]) not in ruled
            ):
                values["priority"] = ticket.hs_priority_suggestion
                decided.append(
                    (
                        "priority",
                        ticket.priority,
                        ticket.hs_priority_suggestion,
                        priority_model,
                        ticket.hs_priority_confidence,
                    )
                )
            logs += [
                self.env["hybrid.support.routing.log"]._values(
                    ticket,
                    "model",
                    name,
                    old,
                    new,
                    **model._log_values(),
                    confidence=confidence,
                    inputs=self.env._("subject and customer text"),
                )
                for name, old, new, model, confidence in decided
            ]
            if values:
                ticket.with_context(hs_routing=True).write(values)
        return logs

    def _hs_intent_model_log_values(self):
        """Routing-log values naming what classified this case's intent: the
        trained version (a reference to it) or the keyword lexicon."""
        self.ensure_one()
        source = self.hs_intent_source
        if not source or source == f"{LEXICON} v{lexicon.VERSION}":
            return {"model_name": LEXICON, "model_version": str(lexicon.VERSION)}
        Model = self.env["hybrid.support.ai.model"]
        model = Model._active(self.company_id)
        if model.name != source:
            # classified before a promotion: the version that did it
            model = Model.search(
                [
                    ("company_id", "=", self.company_id.id),
                    ("target", "=", "intent"),
                    ("name", "=", source),
                ],
                limit=1,
            )
        return model._log_values() if model else {"model_name": source}

    def _hs_priority_from_triage(self):
        """Until a priority model is trained: the priority the company's
        mapping gives to the urgency (a VIP account or a frustrated customer
        one step up), written and logged like any routing decision; returns
        the log rows."""
        self.ensure_one()
        priority, reasons = priority_from_triage(
            self.company_id._hs_priority_mapping(),
            self.hs_urgency,
            is_vip=self.hs_is_vip,
            frustrated=self.hs_frustrated,
        )
        if not priority or priority == self.priority:
            return []
        log = self.env["hybrid.support.routing.log"]._values(
            self,
            "model",
            "priority",
            self.priority,
            priority,
            model_name=self.env._("urgency to priority (settings)"),
            confidence=self.hs_urgency_confidence,
            inputs="; ".join(reasons),
        )
        self.with_context(hs_routing=True).write({"priority": priority})
        return [log]

    @api.model
    def _hs_languages(self):
        """ISO codes of the languages installed in Odoo, cached per registry."""
        return tuple(
            sorted(
                {
                    code.split("_")[0]
                    for code, _name in self.env["res.lang"].get_installed()
                }
            )
        )

    @api.model
    def _hs_new_case_values(self, subject, clean_body, origin):
        values = super()._hs_new_case_values(subject, clean_body, origin)
        values.update(self._hs_classify(subject, clean_body))
        return values

    def _hs_enrich(self, origin):
        """Classify cases that arrived before this addon, log the decisions
        on the new ones (classified in their INSERT), and let shadow versions
        predict without acting."""
        result = super()._hs_enrich(origin)
        unclassified = self.filtered(lambda t: not t.hs_urgency)
        for ticket in unclassified:
            ticket.write(self._hs_classify(ticket.name, ticket.hs_clean_body))
        reenriched = origin is None
        fresh = unclassified if reenriched else self
        priority_logs = []
        if reenriched:
            # open cases that arrived before this addon: routing has passed;
            # the urgency now sets the priority nobody decided (left at its
            # default, never logged)
            default = self._fields["priority"].default(self)
            decided = set(
                self.env["hybrid.support.routing.log"]
                .search(
                    [
                        ("ticket_id", "in", self.ids),
                        ("field_id.name", "=", "priority"),
                        ("field_id.model", "=", self._name),
                    ]
                )
                .ticket_id.ids
            )
            Model = self.env["hybrid.support.ai.model"]
            for ticket in self.filtered(
                lambda t: (
                    t.hs_urgency
                    and t.priority == default
                    and t.id not in decided
                    and not Model._active(t.company_id, "priority")
                )
            ):
                priority_logs += ticket._hs_priority_from_triage()
        logs = [
            self.env["hybrid.support.routing.log"]._values(
                ticket,
                "model",
                "hs_intent_id",
                "",
                ticket.hs_intent_id,
                **ticket._hs_intent_model_log_values(),
                confidence=ticket.hs_intent_confidence,
                inputs=self.env._("subject and customer text")
                + (
                    self.env._("; unlike every known intent")
                    if ticket.hs_intent_unknown
                    else ""
                )
                + (
                    self.env._("; sent to review")
                    if ticket.hs_intent_needs_review
                    else ""
                ),
            )
            for ticket in fresh.filtered("hs_intent_id")
        ] + priority_logs
        shadows = self.env["hybrid.support.ai.model"]._shadows(fresh.company_id)
        for shadow in shadows:
            for ticket in fresh.filtered(
                lambda t, s=shadow: t.company_id == s.company_id
            ):
                intent, confidence, _known = shadow._predict(ticket._hs_training_text())
                logs.append(
                    self.env["hybrid.support.routing.log"]._values(
                        ticket,
                        "model",
                        "",
                        "",
                        intent,
                        **{
                            **shadow._log_values(),
                            "model_name": self.env._(
                                "%(name)s (shadow, not applied)", name=shadow.name
                            ),
                        },
                        confidence=confidence,
                    )
                )
        self.env["hybrid.support.routing.log"].create(logs)
        # now with the references found by intake; a new case holds one text
        if origin is not None:
            fresh._hs_first_summary()
        else:
            fresh._hs_update_summary()
        return result

    # ------------------------------------------------------------------
    # Review queue
    # ------------------------------------------------------------------

    def action_hs_accept_intent(self):
        self.check_access("write")
        self.write({"hs_intent_reviewed": True, "hs_intent_needs_review": False})
        return True

    def action_hs_intent_none_of_these(self):
        """No intent fits: the case gets its company's catch-all intent,
        which the next models learn as emails to send to a person (a manager
        may later move such cases to a new intent)."""
        self.check_access("write")
        Intent = self.env["hybrid.support.intent"]
        for company in self.company_id:
            self.filtered(lambda t, c=company: t.company_id == c).write(
                {"hs_intent_id": Intent._hs_other(company).id}
            )
        return True

    def write(self, vals):
        # An agent's correction of the intent is a label and ends the review.
        if (
            "hs_intent_id" in vals
            and not self.env.su
            and not self.env.context.get("hs_routing")
        ):
            vals = {
                **vals,
                "hs_intent_reviewed": True,
                "hs_intent_needs_review": False,
                "hs_intent_unknown": False,
            }
            before = {ticket: ticket.hs_intent_id for ticket in self}
            result = super().write(vals)
            logs = [
                self.env["hybrid.support.routing.log"]._values(
                    ticket,
                    "override",
                    "hs_intent_id",
                    before[ticket],
                    ticket.hs_intent_id,
                    user_id=self.env.uid,
                )
                for ticket in self
                if before[ticket] != ticket.hs_intent_id
            ]
            # sudo: agents may not create audit entries directly, only this way
            self.env["hybrid.support.routing.log"].sudo().create(logs)
            return result
        return super().write(vals)
