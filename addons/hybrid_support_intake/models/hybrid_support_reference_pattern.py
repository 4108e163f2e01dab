import logging
from collections import namedtuple

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.references import check_pattern
from ..tools.regex_safety import SlowPattern

_logger = logging.getLogger(__name__)

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
        "reference; otherwise the whole match. It reads the first 20,000 "
        "characters of each email and must stay fast on hostile text: write "
        "repeats possessive (\\s*+, \\d++) or bounded (\\s{0,5}).",
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
        """Every email is searched with every pattern: a pattern that
        backtracks on some text would stall the mail gateway."""
        for rule in self:
            try:
                check_pattern(rule.pattern)
            except SlowPattern as error:
                raise ValidationError(
                    self.env._(
                        "The pattern %(pattern)s of %(name)s is too slow on some "
                        "texts: %(error)s",
                        pattern=rule.pattern,
                        name=rule.name,
                        error=error,
                    )
                ) from error
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The pattern of %(name)s is not a valid regular "
                        "expression: %(error)s",
                        name=rule.name,
                        error=error,
                    )
                ) from error

    # Shipped patterns that backtracked, by XML id, and their linear version:
    # replaced on upgrade when an administrator did not change them.
    _HS_SHIPPED_FIXES = {
        "reference_pattern_account": (
            r"(?i)\b(?:account|customer|client)\s*(?:no\.?|number|n°|#|id)\s*"
            r"[:#]?\s*([A-Z0-9][A-Z0-9-]{3,})",
            r"(?i)\b(?:account|customer|client)\s*+(?:no\.?|number|n°|#|id)\s*+"
            r"[:#]?+\s*+([A-Z0-9][A-Z0-9-]{3,}+)",
        ),
    }

    @api.model
    def _fix_shipped_patterns(self):
        """Called by the data file on every upgrade: the pattern records are
        'noupdate', so a fixed shipped pattern would never reach a database
        installed before the fix."""
        for xmlid, (old, new) in self._HS_SHIPPED_FIXES.items():
            pattern = self.env.ref(f"hybrid_support_intake.{xmlid}", False)
            if pattern and pattern.pattern == old:
                _logger.info(
                    "Reference pattern %s replaced by its linear version", xmlid
                )
                pattern.pattern = new

    @api.model
    @tools.ormcache()
    def _cached_patterns(self):
        """Active patterns of every company as plain rows, cached until a
        pattern changes: the gateway reads them for every email."""
        # sudo: configuration read by the gateway whatever its user
        return tuple(
            PatternRow(
                p.id, p.kind, p.pattern, p.res_model, p.res_field, p.company_id.id
            )
            for p in self.sudo().with_context(active_test=True).search([])
        )
