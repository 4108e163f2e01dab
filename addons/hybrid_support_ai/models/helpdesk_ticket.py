"""Triage of a new case: intent, urgency, language, sentiment and the team
and priority suggestions, in the case's INSERT, and the routing decisions of
the trained models. The conversation summary is in
``helpdesk_ticket_conversation.py``, the review queue in
``helpdesk_ticket_review.py``, the draft replies in
``helpdesk_ticket_draft.py``."""

from odoo import api, fields, models

from ..tools import classifier, language, lexicon, sentiment
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
        found = Intent._by_code(company, [label]).get(label)
        if found:
            return found, found.is_other
        if label in (classifier.OTHER, classifier.LEGACY_OTHER):
            return Intent._other(company), True
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
