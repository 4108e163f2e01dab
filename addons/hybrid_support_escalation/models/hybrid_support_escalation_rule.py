from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]
TRIGGERS = [
    ("sla_at_risk", "SLA at risk"),
    ("sla_breached", "SLA breached"),
    ("vip", "VIP account"),
    ("keyword", "Keywords in subject or text"),
    ("inactivity", "No activity for some hours"),
    ("sentiment", "Negative sentiment"),
    ("frustration", "Frustrated customer"),
    ("reopened", "Reopened several times"),
    ("health", "Customer health under a threshold"),
    ("rating", "Customer rated the case unhappy"),
]
# a rating comes after the closing: this trigger also escalates closed cases
CLOSED_TOO = ("rating",)


class HybridSupportEscalationRule(models.Model):
    """When a trigger holds for an open case below this level, the case
    climbs to this level and the actions run once."""

    _name = "hybrid.support.escalation.rule"
    _description = "Escalation rule"
    _order = "level, sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    level = fields.Integer(required=True, default=1)
    team_ids = fields.Many2many(
        "helpdesk.ticket.team", string="Teams", help="Empty: all."
    )
    trigger = fields.Selection(TRIGGERS, required=True, default="sla_breached")
    keywords = fields.Char(
        help="Comma-separated: legal, lawsuit, security, breach, GDPR"
    )
    inactivity_hours = fields.Float(
        default=24.0, help="Working hours without a message from either side."
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        help="Inactivity counts working hours of this calendar (with its "
        "holidays); empty: the company's working hours.",
    )
    sentiment_below = fields.Float(default=-0.3)
    reopen_count = fields.Integer(string="Reopened at least", default=2)
    health_below = fields.Integer(string="Health under", default=40)
    rating_at_most = fields.Integer(
        string="Rating at most",
        default=1,
        help="Ratings go 1 (unhappy), 3 (neutral), 5 (happy); only ratings "
        "given in the last 7 days count.",
    )
    # actions
    set_priority = fields.Selection(PRIORITIES, string="Raise priority to")
    set_team_id = fields.Many2one("helpdesk.ticket.team", string="Move to team")
    set_user_id = fields.Many2one(
        "res.users", string="Reassign to", domain=[("share", "=", False)]
    )
    add_follower_ids = fields.Many2many("res.partner", string="Add followers")
    activity_user_id = fields.Many2one(
        "res.users", string="Activity for", domain=[("share", "=", False)]
    )
    note = fields.Text(string="Internal note")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="Email the customer",
        domain=[("model", "=", "helpdesk.ticket")],
    )
    add_tag_ids = fields.Many2many("helpdesk.ticket.tag", string="Tag the case")
    log_count = fields.Integer(compute="_compute_log_count", string="Escalations")

    _level_positive = models.Constraint("CHECK(level >= 1)", "Levels start at 1.")
    _inactivity_positive = models.Constraint(
        "CHECK(inactivity_hours > 0)",
        "The inactivity delay must be more than zero hours.",
    )

    def _compute_log_count(self):
        counts = dict(
            self.env["hybrid.support.escalation.log"]._read_group(
                [("rule_id", "in", self.ids)], ["rule_id"], ["__count"]
            )
        )
        for rule in self:
            rule.log_count = counts.get(rule, 0)

    def _trigger_domain(self, now):
        self.ensure_one()
        if self.trigger == "sla_at_risk":
            return Domain("hs_sla_status", "=", "at_risk")
        if self.trigger == "sla_breached":
            return Domain("hs_sla_status", "=", "breached")
        if self.trigger == "vip":
            return Domain("hs_is_vip", "=", True)
        if self.trigger == "inactivity":
            calendar = self.calendar_id or self.company_id.resource_calendar_id
            since = (
                calendar.plan_hours(-self.inactivity_hours, now, compute_leaves=True)
                if calendar
                else now - timedelta(hours=self.inactivity_hours)
            )
            since = since or now
            return Domain("hs_last_activity_date", "<=", since) | (
                Domain("hs_last_activity_date", "=", False)
                & Domain("create_date", "<=", since)
            )
        if self.trigger == "sentiment":
            return Domain("hs_sentiment", "<", self.sentiment_below)
        if self.trigger == "frustration":
            return Domain("hs_frustrated", "=", True)
        if self.trigger == "reopened":
            return Domain("hs_reopen_count", ">=", self.reopen_count)
        if self.trigger == "health":
            return Domain(
                "commercial_partner_id.hs_health_score", "<", self.health_below
            ) & Domain("commercial_partner_id.hs_health_date", "!=", False)
        if self.trigger == "rating":
            return Domain(
                "rating_ids",
                "any",
                Domain("consumed", "=", True)
                & Domain("rating", ">", 0)
                & Domain("rating", "<=", self.rating_at_most)
                & Domain("write_date", ">=", now - timedelta(days=7)),
            )
        words = [w.strip() for w in (self.keywords or "").split(",") if w.strip()]
        if not words:
            return Domain.FALSE
        return Domain.OR(
            Domain("name", "ilike", word) | Domain("hs_clean_body", "ilike", word)
            for word in words
        )

    def _candidates_domain(self, now):
        self.ensure_one()
        domain = (
            self._trigger_domain(now)
            & Domain("company_id", "=", self.company_id.id)
            & Domain("hs_escalation_level", "<", self.level)
        )
        if self.trigger not in CLOSED_TOO:
            domain &= Domain("stage_id.closed", "=", False)
        if self.team_ids:
            domain &= Domain("team_id", "in", self.team_ids.ids)
        return domain

    def _apply(self, tickets):
        """Run the actions on ``tickets`` (all of them at once where the ORM
        allows) and log them; return the log values."""
        self.ensure_one()
        values, done = {"hs_escalation_level": self.level}, []
        if self.set_priority:
            values["priority"] = self.set_priority
            done.append(
                self.env._("priority %(p)s", p=dict(PRIORITIES)[self.set_priority])
            )
        if self.set_team_id:
            values["team_id"] = self.set_team_id.id
            done.append(self.env._("team %(team)s", team=self.set_team_id.name))
        if self.set_user_id:
            values["user_id"] = self.set_user_id.id
            done.append(self.env._("assigned to %(user)s", user=self.set_user_id.name))
        if self.add_tag_ids:
            values["tag_ids"] = [
                fields.Command.link(tag.id) for tag in self.add_tag_ids
            ]
            done.append(
                self.env._(
                    "tagged %(tags)s", tags=", ".join(self.add_tag_ids.mapped("name"))
                )
            )
        tickets.with_context(hs_routing=True).write(values)
        if self.mail_template_id:
            tickets.message_post_with_source(
                self.mail_template_id, subtype_xmlid="mail.mt_comment"
            )
            done.append(
                self.env._(
                    "customer emailed (%(template)s)",
                    template=self.mail_template_id.name,
                )
            )
        if self.add_follower_ids:
            tickets.message_subscribe(partner_ids=self.add_follower_ids.ids)
            done.append(self.env._("followers added"))
        if self.activity_user_id:
            self._schedule_activities(tickets)
            done.append(
                self.env._("activity for %(user)s", user=self.activity_user_id.name)
            )
        # one batch of internal notes, not a message_post per case
        note = self.env._(
            "Escalated to level %(level)s by rule %(rule)s. %(note)s",
            level=self.level,
            rule=self.name,
            note=self.note or "",
        )
        tickets._message_log_batch(bodies=dict.fromkeys(tickets.ids, note))
        trigger = dict(TRIGGERS)[self.trigger]
        return [
            {
                "ticket_id": ticket.id,
                "rule_id": self.id,
                "level": self.level,
                "trigger": trigger,
                "actions": ", ".join(done),
            }
            for ticket in tickets
        ]

    def _schedule_activities(self, tickets):
        """A to-do for the rule's manager on each case, created in one batch."""
        summary = self.env._(
            "Escalated (level %(level)s): %(rule)s", level=self.level, rule=self.name
        )
        model_id = self.env["ir.model"]._get_id("helpdesk.ticket")
        todo = self.env["ir.model.data"]._xmlid_to_res_id(
            "mail.mail_activity_data_todo"
        )
        today = fields.Date.context_today(self)
        self.env["mail.activity"].create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "activity_type_id": todo,
                    "user_id": self.activity_user_id.id,
                    "summary": summary,
                    "date_deadline": today,
                }
                for ticket in tickets
            ]
        )

    @api.model
    def _escalate(self, limit=500):
        """One batch of escalations for every rule, lowest level first.
        Queries grow with rules and batches, not with cases."""
        now = fields.Datetime.now()
        logs = []
        # every rule (configuration, a few per team); cases come in batches
        for rule in self.search([]):  # pylint: disable=no-search-all
            tickets = self.env["helpdesk.ticket"].search(
                rule._candidates_domain(now), limit=limit, order="id"
            )
            # cases the gateway or an agent is writing wait for the next pass
            tickets = tickets.try_lock_for_update(allow_referencing=True)
            if tickets:
                logs += rule._apply(tickets)
        self.env["hybrid.support.escalation.log"].create(logs)
        return len(logs)

    @api.model
    @retry_soon_on_conflict
    def _cron_escalate(self):
        cron = self.env["ir.cron"]
        while True:
            done = self._escalate()
            if not done or cron._commit_progress(done) <= 0:
                break

    def action_view_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_escalation.hybrid_support_escalation_log_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        return action
