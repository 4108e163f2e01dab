from odoo import api, fields, models

from ..tools.intake import ORIGINS


class HybridSupportRoutingLog(models.Model):
    """One routing decision on a case: who decided (a rule, a model, the
    fallback assignment or an agent overriding), on what, and the outcome."""

    _name = "hybrid.support.routing.log"
    _description = "Routing decision"
    _order = "date desc, id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    # the case's company, also after the case moves to another company (the
    # multi-company rule reads it); computed before the INSERT, so no UPDATE
    # per decision in the gateway
    company_id = fields.Many2one(
        related="ticket_id.company_id", store=True, precompute=True, index=True
    )
    team_id = fields.Many2one(
        "helpdesk.ticket.team", string="Team after", readonly=True
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    source = fields.Selection(
        [
            ("rule", "Rule"),
            ("model", "Model"),
            ("fallback", "Fallback assignment"),
            ("override", "Agent override"),
        ],
        required=True,
        readonly=True,
        index=True,
    )
    origin = fields.Selection(
        ORIGINS,
        string="Case arrived by",
        readonly=True,
        help="The channel of the case when the decision was taken.",
    )
    rule_id = fields.Many2one(
        "hybrid.support.routing.rule", ondelete="set null", readonly=True, index=True
    )
    model_name = fields.Char(string="Model", readonly=True)
    model_version = fields.Char(readonly=True)
    confidence = fields.Float(readonly=True, digits=(3, 2), aggregator="avg")
    field_id = fields.Many2one(
        "ir.model.fields",
        string="Field changed",
        readonly=True,
        ondelete="set null",
        help="The case's field this decision changed (empty when it changed "
        "nothing: a rule that matched without action, a shadow prediction).",
    )
    # the field's label as people read it, kept beside field_id: a removed
    # field's log still says what it changed
    field_name = fields.Char(string="Field", readonly=True)
    old_value = fields.Char(string="Before", readonly=True)
    new_value = fields.Char(string="After", readonly=True)
    inputs = fields.Text(readonly=True, help="What the decision was based on.")
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, readonly=True
    )

    @staticmethod
    def _display(value):
        if isinstance(value, models.BaseModel):
            return ", ".join(value.mapped("display_name"))
        return str(value) if value not in (False, None) else ""

    @api.model
    def _values(self, ticket, source, field_name, old, new, **extra):
        """Values of a log row for a decision on ``ticket`` (rows are created
        in one batch by the caller): ``field_name`` changed from ``old`` to
        ``new``, values shown as people read them."""
        field = ticket._fields.get(field_name)
        field_ids = self.env["ir.model.fields"]._get_ids(ticket._name)  # cached
        if field and field.type == "selection":
            labels = dict(field._description_selection(self.env))
            old, new = labels.get(old, old), labels.get(new, new)
        return {
            "ticket_id": ticket.id,
            "source": source,
            "field_id": field_ids.get(field_name) if field else False,
            "field_name": field.string if field else "",
            "old_value": self._display(old),
            "new_value": self._display(new),
            "team_id": ticket.team_id.id,
            "origin": ticket.hs_origin,
            **extra,
        }
