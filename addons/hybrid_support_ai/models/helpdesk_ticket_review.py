"""The review queue: an agent confirms, corrects or rejects the intent a
model or the lexicon gave a case; a correction is a training label and is
audited in the routing log."""

from odoo import models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
                {"hs_intent_id": Intent._other(company).id}
            )
        return True
