from odoo import api, fields, models
from odoo.exceptions import ValidationError


class HybridSupportSlaPolicy(models.Model):
    _name = "hybrid.support.sla.policy"
    _description = "SLA policy"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many(
        "helpdesk.ticket.team", string="Teams", help="Empty means every team."
    )
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        string="Minimum priority",
        help="Applies to cases of this priority or higher. Empty means any.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        required=True,
        help="Targets count working hours of this calendar, in its time zone, "
        "with its public holidays and leaves.",
    )
    first_response_hours = fields.Float(
        string="First response (working hours)", required=True, default=8.0
    )

    at_risk_percent = fields.Integer(
        string="At risk at (%)",
        default=80,
        help="Share of the target time after which a case without a first answer "
        "is flagged at risk.",
    )

    _at_risk_range = models.Constraint(
        "CHECK(at_risk_percent > 0 AND at_risk_percent <= 100)",
        "The at-risk point is a share of the target between 1% and 100%.",
    )
    _first_response_positive = models.Constraint(
        "CHECK(first_response_hours > 0)",
        "The first-response target must be more than zero hours.",
    )

    @api.constrains("calendar_id", "company_id")
    def _check_calendar_company(self):
        for policy in self:
            calendar_company = policy.calendar_id.company_id
            if calendar_company and calendar_company != policy.company_id:
                raise ValidationError(
                    self.env._(
                        "The working hours of policy %(policy)s belong to another company.",
                        policy=policy.name,
                    )
                )

    def _matches(self, ticket):
        self.ensure_one()
        return (
            (not self.team_ids or ticket.team_id in self.team_ids)
            and (not self.priority or (ticket.priority or "0") >= self.priority)
            and self.company_id == ticket.company_id
        )

    def _first_response_at_risk(self, start):
        """When ``at_risk_percent`` of the first-response target is used up."""
        self.ensure_one()
        return (
            self.calendar_id.plan_hours(
                self.first_response_hours * self.at_risk_percent / 100.0,
                start,
                compute_leaves=True,
            )
            or False
        )

    def _first_response_deadline(self, start):
        """Naive UTC deadline, ``first_response_hours`` working hours after the
        naive UTC ``start``, in the calendar's time zone and with its leaves."""
        self.ensure_one()
        return (
            self.calendar_id.plan_hours(
                self.first_response_hours, start, compute_leaves=True
            )
            or False
        )
