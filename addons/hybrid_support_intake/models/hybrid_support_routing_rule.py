from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.references import check_pattern, compile_pattern
from ..tools.regex_safety import SlowPattern
from ..tools.routing import RuleSpec, split_list

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class HybridSupportRoutingRule(models.Model):
    _name = "hybrid.support.routing.rule"
    _inherit = ["hybrid.support.cached.config"]
    _description = "Routing rule for new cases"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    # conditions: every one that is set must hold
    team_ids = fields.Many2many(
        "helpdesk.ticket.team",
        string="Arriving in teams",
        help="Only cases that arrive in these teams (by their alias). Empty: all.",
    )
    senders = fields.Text(
        help="Email addresses or domains, comma separated: ann@x.com, x.com",
    )
    partner_category_ids = fields.Many2many(
        "res.partner.category", string="Customer tags"
    )
    vip_only = fields.Boolean(string="VIP customers only")
    keywords = fields.Char(help="Comma-separated words; any one of them matches.")
    regex = fields.Char(
        string="Regular expression",
        help="Python regular expression searched in the first 20,000 "
        "characters. It must stay fast on hostile text: write repeats "
        "possessive (\\s*+, \\w++) or bounded (\\s{0,5}).",
    )
    match_in = fields.Selection(
        [("both", "Subject and text"), ("subject", "Subject"), ("body", "Text")],
        default="both",
        required=True,
    )
    channel_ids = fields.Many2many("helpdesk.ticket.channel", string="Channels")
    languages = fields.Char(help="Comma-separated ISO 639-1 codes: en, fr")
    intent = fields.Char(help="Filled by the AI triage addon when installed.")
    min_confidence = fields.Float(
        string="Minimum confidence", default=0.0, digits=(3, 2)
    )
    # actions
    set_team_id = fields.Many2one("helpdesk.ticket.team", string="Set team")
    set_user_id = fields.Many2one(
        "res.users", string="Assign to", domain=[("share", "=", False)]
    )
    set_priority = fields.Selection(PRIORITIES, string="Set priority")
    set_category_id = fields.Many2one("helpdesk.ticket.category", string="Set category")
    add_tag_ids = fields.Many2many("helpdesk.ticket.tag", string="Add tags")
    add_follower_ids = fields.Many2many(
        "res.partner", "hs_routing_rule_follower_rel", string="Add followers"
    )
    continue_after = fields.Boolean(
        string="Continue with the next rules",
        help="When off, the first matching rule is the last one applied.",
    )
    log_ids = fields.One2many("hybrid.support.routing.log", "rule_id")
    match_count = fields.Integer(compute="_compute_match_count", string="Cases routed")

    _min_confidence_range = models.Constraint(
        "CHECK(min_confidence >= 0 AND min_confidence <= 1)",
        "The minimum confidence is between 0 and 1.",
    )

    @api.constrains("regex")
    def _check_regex(self):
        """Rules run on every email: a condition that backtracks on some
        text would stall the mail gateway. (Keywords need no test: each is
        searched as an escaped literal, linear whatever it contains.)"""
        for rule in self.filtered("regex"):
            try:
                check_pattern(rule.regex)
            except SlowPattern as error:
                raise ValidationError(
                    self.env._(
                        "The regular expression %(pattern)s of rule %(name)s is "
                        "too slow on some texts: %(error)s",
                        pattern=rule.regex,
                        name=rule.name,
                        error=error,
                    )
                ) from error
            except ValueError as error:
                raise ValidationError(
                    self.env._(
                        "The regular expression of rule %(name)s is invalid: %(error)s",
                        name=rule.name,
                        error=error,
                    )
                ) from error

    def _compute_match_count(self):
        counts = dict(
            self.env["hybrid.support.routing.log"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["ticket_id:count_distinct"]
            )
        )
        for rule in self:
            rule.match_count = counts.get(rule, 0)

    def _spec(self):
        self.ensure_one()
        return RuleSpec(
            rule_id=self.id,
            senders=split_list(self.senders),
            tag_ids=frozenset(self.partner_category_ids.ids),
            vip_only=self.vip_only,
            keywords=split_list(self.keywords),
            regex=compile_pattern(self.regex) if self.regex else None,
            match_in=self.match_in,
            channel_ids=frozenset(self.channel_ids.ids),
            team_ids=frozenset(self.team_ids.ids),
            languages=frozenset(split_list(self.languages)),
            intent=(self.intent or "").strip(),
            min_confidence=self.min_confidence,
            continue_after=self.continue_after,
        )

    def _actions(self):
        """Field values this rule sets on a case."""
        self.ensure_one()
        values = {}
        if self.set_team_id:
            values["team_id"] = self.set_team_id
        if self.set_user_id:
            values["user_id"] = self.set_user_id
        if self.set_priority:
            values["priority"] = self.set_priority
        if self.set_category_id:
            values["category_id"] = self.set_category_id
        return values

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_intake.hybrid_support_routing_log_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action

    @api.model
    @tools.ormcache()
    def _hs_cached_specs(self):
        """``((company id, RuleSpec), ...)`` of the active rules in order,
        cached until a rule changes: the gateway evaluates them per email."""
        # sudo: configuration read by the gateway whatever its user
        return tuple(
            (rule.company_id.id, rule._spec())
            for rule in self.sudo().with_context(active_test=True).search([])
        )
