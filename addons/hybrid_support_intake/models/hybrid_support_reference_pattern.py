from collections import namedtuple

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.references import compile_pattern

PatternRow = namedtuple("PatternRow", "id kind pattern res_model res_field company_id")

KINDS = [
    ("order", "Order"),
    ("invoice", "Invoice"),
    ("contract", "Contract"),
    ("account", "Account"),
    ("case", "Earlier case"),
    ("other", "Other"),
]


class HybridSupportReferencePattern(models.Model):
    _name = "hybrid.support.reference.pattern"
    _inherit = ["hybrid.support.cached.config"]
    _description = "Reference pattern found in support emails"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the pattern in every company."
    )
    kind = fields.Selection(KINDS, required=True, default="other")
    pattern = fields.Char(
        required=True,
        help="Python regular expression. With a group, the group is the "
        "reference; otherwise the whole match.",
    )
    res_model = fields.Char(
        string="Odoo model",
        help="Technical name of the model the reference points to, e.g. "
        "sale.order. The record is linked when that app is installed and the "
        "record belongs to the case's customer.",
    )
    res_field = fields.Char(
        string="Matched field",
        default="name",
        help="Field of the model that holds the reference, e.g. name.",
    )

    @api.constrains("pattern")
    def _check_pattern(self):
        for rule in self:
            try:
                compile_pattern(rule.pattern)
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The pattern of %(name)s is not a valid regular "
                        "expression: %(error)s",
                        name=rule.name,
                        error=error,
                    )
                ) from error

    @api.model
    @tools.ormcache()
    def _hs_cached_patterns(self):
        """Active patterns of every company as plain rows, cached until a
        pattern changes: the gateway reads them for every email."""
        # sudo: configuration read by the gateway whatever its user
        return tuple(
            PatternRow(
                p.id, p.kind, p.pattern, p.res_model, p.res_field, p.company_id.id
            )
            for p in self.sudo().with_context(active_test=True).search([])
        )
