from odoo import fields, models

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class HybridSupportRolloutBaselineLine(models.Model):
    """One figure of a baseline's breakdowns: cases of a week or of an
    intent, a recurring topic, customer messages of an hour of a weekday."""

    _name = "hybrid.support.rollout.baseline.line"
    _description = "Breakdown of a support baseline"
    _order = "baseline_id, kind, count desc, key"

    baseline_id = fields.Many2one(
        "hybrid.support.rollout.baseline",
        required=True,
        ondelete="cascade",
        index=True,
    )
    company_id = fields.Many2one(related="baseline_id.company_id", store=True)
    kind = fields.Selection(
        [
            ("week", "Cases per week"),
            ("intent", "Cases per intent"),
            ("topic", "Recurring topic"),
            ("peak", "Customer messages per hour"),
        ],
        required=True,
    )
    key = fields.Char(required=True)
    weekday = fields.Selection(WEEKDAYS)
    hour = fields.Integer()
    count = fields.Integer()
    percent = fields.Float(digits=(16, 1))
