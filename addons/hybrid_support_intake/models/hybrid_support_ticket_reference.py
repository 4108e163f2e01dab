from odoo import api, fields, models

from .hybrid_support_reference_pattern import KINDS


class HybridSupportTicketReference(models.Model):
    _name = "hybrid.support.ticket.reference"
    _description = "Reference found in a case"
    _order = "id"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    pattern_id = fields.Many2one(
        "hybrid.support.reference.pattern", ondelete="set null"
    )
    kind = fields.Selection(KINDS, required=True)
    value = fields.Char(required=True)
    res_model = fields.Char(readonly=True)
    res_id = fields.Many2oneReference(model_field="res_model", readonly=True)
    record_ref = fields.Reference(
        selection="_selection_record_ref",
        string="Linked record",
        compute="_compute_record_ref",
    )

    _ticket_kind_value_unique = models.Constraint(
        "UNIQUE(ticket_id, kind, value)",
        "A reference is recorded once per case.",
    )

    @api.model
    def _selection_record_ref(self):
        return [(model.model, model.name) for model in self.env["ir.model"].search([])]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for line in self:
            if line.res_model in self.env and line.res_id:
                line.record_ref = f"{line.res_model},{line.res_id}"
            else:
                line.record_ref = False
