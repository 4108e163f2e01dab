from odoo import models

from ..tools import lexicon


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _hs_enrich(self):
        result = super()._hs_enrich()
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
        return result
