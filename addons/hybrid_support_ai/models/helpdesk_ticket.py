from odoo import models

from ..tools import lexicon


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _hs_enrich(self):
        result = super()._hs_enrich()
        logs = []
        for ticket in self:
            text = f"{ticket.name or ''}\n{ticket.clean_body or ''}"
            intent, intent_confidence = lexicon.classify_intent(text)
            level, urgency_confidence = lexicon.urgency(text)
            score, sentiment_confidence = lexicon.sentiment(text)
            ticket.write(
                {
                    "intent": intent or False,
                    "intent_confidence": intent_confidence,
                    "urgency": level,
                    "urgency_confidence": urgency_confidence,
                    "sentiment": score,
                    "sentiment_confidence": sentiment_confidence,
                }
            )
            if intent:
                logs.append(
                    ticket._hs_log_values(
                        "model",
                        "intent",
                        "",
                        intent,
                        model_name="keyword lexicon",
                        model_version=lexicon.VERSION,
                        confidence=intent_confidence,
                        inputs=self.env._("subject and customer text"),
                    )
                )
        self.env["hybrid.support.routing.log"].create(logs)
        return result
