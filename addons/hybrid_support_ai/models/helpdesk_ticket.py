from odoo import api, models

from ..tools import lexicon


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def _hs_classify(self, subject, clean_body):
        text = f"{subject or ''}\n{clean_body or ''}"
        intent, intent_confidence = lexicon.classify_intent(text)
        level, urgency_confidence = lexicon.urgency(text)
        score, sentiment_confidence = lexicon.sentiment(text)
        return {
            "intent": intent or False,
            "intent_confidence": intent_confidence,
            "urgency": level,
            "urgency_confidence": urgency_confidence,
            "sentiment": score,
            "sentiment_confidence": sentiment_confidence,
        }

    @api.model
    def _hs_new_case_values(self, subject, clean_body):
        values = super()._hs_new_case_values(subject, clean_body)
        values.update(self._hs_classify(subject, clean_body))
        return values

    def _hs_enrich(self):
        """Classify cases that arrived before this addon, and log the model's
        decisions on the new ones (classified in their INSERT)."""
        result = super()._hs_enrich()
        unclassified = self.filtered(lambda t: not t.urgency)
        for ticket in unclassified:
            ticket.write(self._hs_classify(ticket.name, ticket.clean_body))
        fresh = unclassified if self.env.context.get("hs_reenrich") else self
        self.env["hybrid.support.routing.log"].create(
            [
                ticket._hs_log_values(
                    "model",
                    "intent",
                    "",
                    ticket.intent,
                    model_name="keyword lexicon",
                    model_version=lexicon.VERSION,
                    confidence=ticket.intent_confidence,
                    inputs=self.env._("subject and customer text"),
                )
                for ticket in fresh.filtered("intent")
            ]
        )
        return result
