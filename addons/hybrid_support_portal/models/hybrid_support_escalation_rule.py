from odoo import api, fields, models


class HybridSupportEscalationRule(models.Model):
    """Whether the customer reads, on the case page, that this rule
    escalated their case, and in which words. Rules are internal unless a
    manager makes one visible: the customer never sees the rule's name,
    trigger or actions, only ``customer_message``."""

    _inherit = "hybrid.support.escalation.rule"

    customer_visible = fields.Boolean(
        string="Visible to the customer",
        help="The case page in the portal shows this escalation in the case's "
        "timeline, in the words below. Otherwise it stays internal.",
    )
    customer_message = fields.Char(
        string="Message to the customer",
        translate=True,
        help="What the customer reads in the timeline, e.g. 'Your case has "
        "been escalated to our senior team.'",
    )

    @api.onchange("customer_visible")
    def _onchange_customer_visible(self):
        if self.customer_visible and not self.customer_message:
            self.customer_message = self.env._(
                "Your case has been escalated to our senior team."
            )
