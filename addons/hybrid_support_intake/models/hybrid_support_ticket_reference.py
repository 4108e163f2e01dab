from odoo import api, fields, models

from ..tools.references import compile_pattern, find_references
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
        # sudo: the kinds of linked records are listed for any agent who
        # opens a case (the form's fields_get); model names are no secret
        # every model: the selection lists each kind a reference may point to
        models_ = self.env["ir.model"].sudo().search([])  # pylint: disable=no-search-all
        return [(model.model, model.name) for model in models_]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for line in self:
            if line.res_model in self.env and line.res_id:
                line.record_ref = f"{line.res_model},{line.res_id}"
            else:
                line.record_ref = False

    @api.model
    def _extract_for(self, tickets):
        """Record the references found by the configured patterns in the
        subject and text of ``tickets``, linked to the customer's records."""
        # plain rows cached across transactions: no query per email
        patterns = self.env["hybrid.support.reference.pattern"]._cached_patterns()
        if not patterns or not tickets:
            return
        compiled = {p: compile_pattern(p.pattern) for p in patterns}
        found, seen = [], set()  # (ticket, pattern, value)
        for ticket in tickets:
            seen |= {(ticket, r.kind, r.value) for r in ticket.hs_reference_ids}
            usable = {
                p: regex
                for p, regex in compiled.items()
                if not p.company_id or p.company_id == ticket.company_id.id
            }
            text = f"{ticket.name or ''}\n{ticket.hs_writer_text or ticket.hs_clean_body or ''}"
            for pattern, value in find_references(text, usable):
                if (ticket, pattern.kind, value) not in seen:
                    seen.add((ticket, pattern.kind, value))
                    found.append((ticket, pattern, value))
        links = self._linked_records(found)
        self.create(
            [
                {
                    "ticket_id": ticket.id,
                    "pattern_id": pattern.id,
                    "kind": pattern.kind,
                    "value": value,
                    "res_model": links.get((ticket, pattern, value))
                    and pattern.res_model,
                    "res_id": links.get((ticket, pattern, value), False),
                }
                for ticket, pattern, value in found
                if ticket.id
            ]
        )

    @api.model
    def _linked_records(self, found):
        """``{(ticket, pattern, value): record id}`` for references that name a
        record of an installed app belonging to the case's customer; one
        search per model."""
        wanted = {}
        for _ticket, pattern, value in found:
            if pattern.res_model in self.env and pattern.res_field:
                wanted.setdefault((pattern.res_model, pattern.res_field), set()).add(
                    value
                )
        links = {}
        for (model, field), values in wanted.items():
            Model = self.env[model]
            if field not in Model._fields:
                continue
            # sudo: the gateway user may not read sales or invoices; only the
            # link is stored, opening it checks the agent's own access
            records = Model.sudo().search([(field, "in", list(values))])
            by_value = {}
            for record in records:
                by_value.setdefault(record[field], record)
            for ticket, pattern, value in found:
                record = by_value.get(value)
                if (
                    record
                    and pattern.res_model == model
                    and "partner_id" in record._fields
                    and record.partner_id.commercial_partner_id
                    == ticket.commercial_partner_id
                    and record != ticket
                ):
                    links[(ticket, pattern, value)] = record.id
        return links
