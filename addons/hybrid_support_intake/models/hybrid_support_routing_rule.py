from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.mail import email_normalize

from ..tools.assignment import pick_agent
from ..tools.references import check_pattern, compile_pattern
from ..tools.regex_safety import SlowPattern
from ..tools.routing import CaseFacts, RuleSpec, evaluate, split_list

PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class HybridSupportRoutingRule(models.Model):
    _name = "hybrid.support.routing.rule"
    _inherit = ["hybrid.support.cached.config"]
    _description = "Routing rule for new cases"
    _order = "sequence, id"
    _check_company_auto = True

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
    intent_id = fields.Many2one(
        "hybrid.support.intent",
        check_company=True,
        ondelete="restrict",
        index="btree_not_null",
        domain="[('is_other', '=', False)]",
        help="The intent the triage gave the case (AI triage addon).",
    )
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
            intent_id=self.intent_id.id,
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
    def _cached_specs(self):
        """``((company id, RuleSpec), ...)`` of the active rules in order,
        cached until a rule changes: the gateway evaluates them per email."""
        # sudo: configuration read by the gateway whatever its user
        return tuple(
            (rule.company_id.id, rule._spec())
            for rule in self.sudo().with_context(active_test=True).search([])
        )

    # ------------------------------------------------------------------
    # Routing new cases
    # ------------------------------------------------------------------

    @api.model
    def _route(self, tickets):
        """Apply the routing rules to new cases, then the fallback assignment;
        every change is logged with the rule and what it matched."""
        if not tickets:
            return
        specs = self._cached_specs()  # no query per email
        logs = []
        for ticket in tickets:
            usable = [
                spec for company, spec in specs if company == ticket.company_id.id
            ]
            if not usable:
                continue  # no rule to read the facts (the contact's tags)
            facts = self._facts(ticket)
            for spec, reasons in evaluate(usable, facts):
                logs += self.browse(spec.rule_id)._apply(ticket, "; ".join(reasons))
        logs += tickets._hs_model_routing(logs)
        unassigned = tickets.filtered(lambda t: not t.user_id and t.team_id)
        logs += self._fallback_assign(unassigned)
        self.env["hybrid.support.routing.log"].create(logs)

    @api.model
    def _assignment_context(self, ticket):
        """Odoo emails an agent "You have been assigned to …" whenever a
        case's user changes. For the routing's own assignments (rules, round
        robin) that is one more email per incoming email, which agents of a
        busy team filter away: the case is in their queue either way. Like
        CRM's automatic lead assignment, the routing skips that notification
        unless the team asks for it (agents still follow their cases)."""
        if ticket.team_id.hs_notify_auto_assignment:
            return {}
        return {"mail_auto_subscribe_no_notify": True}

    @api.model
    def _facts(self, ticket):
        """The case as the pure rule evaluation reads it."""
        partner = ticket.partner_id
        return CaseFacts(
            sender=email_normalize(ticket.partner_email or "") or "",
            subject=ticket.name or "",
            body=ticket.hs_writer_text or ticket.hs_clean_body or "",
            tag_ids=frozenset(
                (partner.category_id | partner.commercial_partner_id.category_id).ids
            ),
            is_vip=ticket.hs_is_vip,
            channel_id=ticket.channel_id.id,
            team_id=ticket.team_id.id,
            language=ticket.hs_language or "",
            intent_id=ticket.hs_intent_id.id,
            intent=ticket.hs_intent_id.name or "",
            intent_confidence=ticket.hs_intent_confidence,
        )

    def _apply(self, ticket, inputs):
        """Apply this rule's actions to ``ticket``; returns the log rows."""
        self.ensure_one()
        rule, Log = self, self.env["hybrid.support.routing.log"]
        logs, values = [], {}
        for name, value in rule._actions().items():
            if ticket[name] != value:
                values[name] = (
                    value.id if isinstance(value, models.BaseModel) else value
                )
                logs.append(
                    Log._values(
                        ticket,
                        "rule",
                        name,
                        ticket[name],
                        value,
                        rule_id=rule.id,
                        inputs=inputs,
                    )
                )
        new_tags = rule.add_tag_ids - ticket.tag_ids
        if new_tags:
            values["tag_ids"] = [(4, tag.id) for tag in new_tags]
            logs.append(
                Log._values(
                    ticket,
                    "rule",
                    "tag_ids",
                    "",
                    new_tags,
                    rule_id=rule.id,
                    inputs=inputs,
                )
            )
        if values:
            ticket.with_context(
                hs_routing=True, **self._assignment_context(ticket)
            ).write(values)
        if rule.add_follower_ids:
            ticket.message_subscribe(partner_ids=rule.add_follower_ids.ids)
        if not logs:  # matched without changing anything: still say so
            logs.append(
                Log._values(ticket, "rule", "", "", "", rule_id=rule.id, inputs=inputs)
            )
        for log in logs:
            log["team_id"] = ticket.team_id.id
        return logs

    @api.model
    def _fallback_assign(self, tickets):
        """The customer's last agent when still in the team, otherwise the
        team's assignment method (``tools/assignment.py``). At most three
        grouped queries for the whole batch, and only those the teams'
        settings read (open cases for *Fewest open cases*, the latest new
        case for *Round robin*); none when the teams have no members or
        assign nothing. Returns the log rows."""
        teams = tickets.team_id
        methods = set(teams.mapped("hs_assign_method"))
        prefer_last = any(teams.mapped("hs_assign_last_agent"))
        if not tickets or (methods <= {"none"} and not prefer_last):
            return []
        members = teams.user_ids.filtered("active")
        if not members:
            return []
        Ticket, Log = tickets.browse(), self.env["hybrid.support.routing.log"]
        last_agent = {}
        if prefer_last:
            last_ids = dict(
                Ticket._read_group(
                    [
                        (
                            "commercial_partner_id",
                            "in",
                            tickets.commercial_partner_id.ids,
                        ),
                        ("user_id", "!=", False),
                        ("id", "not in", tickets.ids),
                    ],
                    ["commercial_partner_id"],
                    ["id:max"],
                )
            )
            last_agent = {
                partner.id: Ticket.browse(ticket_id).user_id.id
                for partner, ticket_id in last_ids.items()
            }
        open_counts = (
            {
                user.id: count
                for user, count in Ticket._read_group(
                    [("user_id", "in", members.ids), ("stage_id.closed", "=", False)],
                    ["user_id"],
                    ["__count"],
                )
            }
            if "least_loaded" in methods
            else {}
        )
        latest = (
            {
                user.id: date
                for user, date in Ticket._read_group(
                    [("user_id", "in", members.ids), ("team_id", "in", teams.ids)],
                    ["user_id"],
                    ["create_date:max"],
                )
            }
            if "round_robin" in methods
            else {}
        )
        reasons = {
            "last_agent": lambda agent: self.env._("last agent of this customer"),
            "least_loaded": lambda agent: self.env._(
                "%(count)s open cases", count=open_counts.get(agent, 0)
            ),
            "round_robin": lambda agent: self.env._("longest without a new case"),
        }
        logs = []
        for ticket in tickets:
            team = ticket.team_id
            agent_id, reason = pick_agent(
                team.hs_assign_method,
                team.user_ids.filtered("active").ids,
                last_agent=last_agent.get(ticket.commercial_partner_id.id),
                prefer_last_agent=team.hs_assign_last_agent,
                open_counts=open_counts,
                latest=latest,
            )
            if not agent_id:
                continue
            agent = self.env["res.users"].browse(agent_id)
            inputs = reasons[reason](agent_id)
            ticket.with_context(
                hs_routing=True, **self._assignment_context(ticket)
            ).user_id = agent
            open_counts[agent_id] = open_counts.get(agent_id, 0) + 1
            latest[agent_id] = fields.Datetime.now()
            logs.append(
                Log._values(ticket, "fallback", "user_id", "", agent, inputs=inputs)
            )
        return logs
