from odoo import fields, models


class HybridSupportEscalationLog(models.Model):
    _name = "hybrid.support.escalation.log"
    _description = "Escalation of a case"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    rule_id = fields.Many2one(
        "hybrid.support.escalation.rule", ondelete="set null", index=True
    )
    # the case's company, also after the case moves (the rule reads it)
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True, index=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    level = fields.Integer(readonly=True)
    trigger = fields.Char(readonly=True)
    actions = fields.Char(readonly=True)
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, readonly=True
    )
