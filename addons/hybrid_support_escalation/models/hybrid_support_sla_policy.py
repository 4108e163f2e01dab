from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.date_utils import localized, to_timezone

from .hybrid_support_ticket_sla import TARGETS


class HybridSupportSlaPolicy(models.Model):
    _name = "hybrid.support.sla.policy"
    _inherit = ["hybrid.support.cached.config"]  # read for every new case
    _description = "SLA policy"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    # conditions: every one that is set must hold
    team_ids = fields.Many2many(
        "helpdesk.ticket.team", string="Teams", help="Empty means every team."
    )
    priority = fields.Selection(
        [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")],
        string="Minimum priority",
        help="Applies to cases of this priority or higher. Empty means any.",
    )
    category_ids = fields.Many2many("helpdesk.ticket.category", string="Categories")
    intent_ids = fields.Many2many(
        "hybrid.support.intent",
        "hs_sla_policy_intent_rel",
        "policy_id",
        "intent_id",
        string="Intents",
        check_company=True,
        domain="[('is_other', '=', False)]",
        help="Any of these intents set by the triage (e.g. outage, legal). "
        "Empty means any.",
    )
    tag_ids = fields.Many2many(
        "helpdesk.ticket.tag", string="Case tags", help="Any of these tags."
    )
    channel_ids = fields.Many2many("helpdesk.ticket.channel", string="Channels")
    vip_only = fields.Boolean(string="VIP accounts only")
    partner_category_ids = fields.Many2many(
        "res.partner.category",
        string="Customer tiers",
        help="Any of these tags on the contact or its company (e.g. Gold).",
    )
    stop = fields.Boolean(
        string="Stop here",
        help="Policies after this one do not apply to a case this one applies to.",
    )
    # targets
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
    resolution_hours = fields.Float(
        string="Resolution (working hours)", required=True, default=40.0
    )
    at_risk_percent = fields.Integer(
        string="At risk at (%)",
        default=80,
        help="Share of the target time after which an open target is flagged at risk.",
    )
    pause_stage_ids = fields.Many2many(
        "helpdesk.ticket.stage",
        string="Pausing stages",
        help="While a case is in one of these stages (e.g. waiting for the "
        "customer) its clocks stop; the time is given back when it leaves.",
    )

    _at_risk_range = models.Constraint(
        "CHECK(at_risk_percent > 0 AND at_risk_percent <= 100)",
        "The at-risk point is a share of the target between 1% and 100%.",
    )
    _first_response_positive = models.Constraint(
        "CHECK(first_response_hours > 0)",
        "The first-response target must be more than zero hours.",
    )
    _resolution_positive = models.Constraint(
        "CHECK(resolution_hours > 0)",
        "The resolution target must be more than zero hours.",
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

    @api.constrains("calendar_id")
    def _check_calendar_hours(self):
        for policy in self.filtered(lambda p: not p.calendar_id.attendance_ids):
            raise ValidationError(
                self.env._(
                    "The working hours %(calendar)s of policy %(policy)s have no "
                    "working time: no deadline could ever be reached.",
                    calendar=policy.calendar_id.name,
                    policy=policy.name,
                )
            )

    @api.constrains("first_response_hours", "resolution_hours")
    def _check_resolution_after_response(self):
        for policy in self:
            if policy.resolution_hours < policy.first_response_hours:
                raise ValidationError(
                    self.env._(
                        "Policy %(policy)s: a case cannot be resolved before it "
                        "is first answered; the resolution target must be at "
                        "least the first-response target.",
                        policy=policy.name,
                    )
                )

    @api.model
    @tools.ormcache("tuple(company_ids)")
    def _active_ids(self, company_ids):
        # sudo: the cached answer must not depend on who asked first
        return tuple(self.sudo().search([("company_id", "in", list(company_ids))]).ids)

    @api.model
    def _for_companies(self, companies):
        """Active policies of ``companies``, in order; no query per email."""
        return self.browse(self._active_ids(tuple(sorted(companies.ids))))

    def _matches(self, ticket):
        self.ensure_one()
        partner_tags = (
            ticket.partner_id.category_id | ticket.commercial_partner_id.category_id
        )
        return (
            self.company_id == ticket.company_id
            and (not self.team_ids or ticket.team_id in self.team_ids)
            and (not self.priority or (ticket.priority or "0") >= self.priority)
            and (not self.category_ids or ticket.category_id in self.category_ids)
            and (not self.intent_ids or ticket.hs_intent_id in self.intent_ids)
            and (not self.tag_ids or bool(ticket.tag_ids & self.tag_ids))
            and (not self.channel_ids or ticket.channel_id in self.channel_ids)
            and (not self.vip_only or ticket.hs_is_vip)
            and (
                not self.partner_category_ids
                or bool(partner_tags & self.partner_category_ids)
            )
        )

    def _select(self, ticket):
        """The policies of ``self`` (in order) that apply to ``ticket``."""
        selected = self.browse()
        for policy in self:
            if policy._matches(ticket):
                selected |= policy
                if policy.stop:
                    break
        return selected

    def _target_hours(self, target):
        self.ensure_one()
        return self[f"{target}_hours"]

    def _plan(self, hours, start):
        """Naive UTC datetime ``hours`` working hours after the naive UTC
        ``start``, in the calendar's time zone and with its leaves."""
        self.ensure_one()
        return self.calendar_id.plan_hours(hours, start, compute_leaves=True) or False

    def _plan_many(self, hours_list, start):
        """``_plan`` of each of ``hours_list`` from one ``start``, reading
        the calendar's working intervals once for all of them: a new case's
        two targets, each with a deadline and an at-risk point, would read
        them four times (two queries each). Walks the intervals as
        ``resource.calendar.plan_hours`` does (14-day windows, the same
        subtractions), so the datetimes are the same."""
        self.ensure_one()
        if any(hours < 0 for hours in hours_list):
            return [self._plan(hours, start) for hours in hours_list]
        revert = to_timezone(start.tzinfo)
        start = localized(start)
        calendar = self.calendar_id
        results = [False] * len(hours_list)
        remaining = dict(enumerate(hours_list))
        delta = timedelta(days=14)
        for n in range(100):
            window = start + delta * n
            intervals = calendar._work_intervals_batch(
                window, window + delta, resources=self.env["resource.resource"]
            )[False]
            for begin, stop, _meta in intervals:
                interval_hours = (stop - begin).total_seconds() / 3600
                for index, hours in list(remaining.items()):
                    if hours <= interval_hours:
                        results[index] = revert(begin + timedelta(hours=hours))
                        del remaining[index]
                    else:
                        remaining[index] = hours - interval_hours
                if not remaining:
                    return results
        return results

    def _lines_values(self, targets, start, paused_hours=0.0):
        """Deadline and at-risk point of each of ``targets`` started at
        ``start``, from one reading of the working intervals."""
        self.ensure_one()
        hours_list = []
        for target in targets:
            hours = self._target_hours(target)
            hours_list += [
                hours + paused_hours,
                hours * self.at_risk_percent / 100.0 + paused_hours,
            ]
        points = self._plan_many(hours_list, start)
        return [
            {
                "policy_id": self.id,
                "target": target,
                "start_date": start,
                "deadline": points[2 * index],
                "at_risk_date": points[2 * index + 1],
            }
            for index, target in enumerate(targets)
        ]

    def _line_values(self, target, start, paused_hours=0.0):
        """Deadline and at-risk point of one target started at ``start``."""
        return self._lines_values([target], start, paused_hours)[0]

    def _first_response_deadline(self, start):
        return self._line_values("first_response", start)["deadline"]

    def _first_response_at_risk(self, start):
        return self._line_values("first_response", start)["at_risk_date"]

    @api.model
    def _targets(self):
        return [key for key, _label in TARGETS]
