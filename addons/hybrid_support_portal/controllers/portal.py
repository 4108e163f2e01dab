"""The customer's case page (/my/ticket/<id>, helpdesk_mgmt's route): what
it shows beside helpdesk_mgmt's values, in the reader's zone and language:
the service clock, whose turn it is and the next step in customer words.

The last class of a chain: the list (portal_case_list.py) and the page's
links (portal_case_content.py) come before it. Other addons extend this
class (CustomerPortalHybridSupport)."""

import pytz

from odoo import fields
from odoo.http import request
from odoo.tools import is_html_empty
from odoo.tools.misc import format_datetime

from ..tools import case_view
from .portal_case_content import CustomerPortalCaseContent

DATETIME = "EEEE d MMMM y, HH:mm"


class CustomerPortalHybridSupport(CustomerPortalCaseContent):
    # ------------------------------------------------------------------
    # /my/ticket/<id>
    # ------------------------------------------------------------------

    def _ticket_get_page_view_values(self, ticket, access_token, **kwargs):
        values = super()._ticket_get_page_view_values(ticket, access_token, **kwargs)
        self._hs_use_customer_locale(ticket)
        values.update(self._hs_case_page_values(ticket))
        return values

    def _hs_case_page_values(self, ticket):
        """Hook: what the case page shows beside helpdesk_mgmt's values.
        ``ticket`` is sudo (from _document_check_access): each helper below
        decides what of it leaves."""
        pausing = self._hs_pausing_stages()
        closed = ticket.stage_id.closed
        waiting = case_view.waiting_on(
            closed, ticket.stage_id.id in pausing.get(ticket.company_id.id, ())
        )
        answered = bool(ticket.hs_sla_first_response_date)
        step = case_view.next_step(closed, waiting, answered)
        clock = self._hs_clock(ticket)
        return {
            "hs_request_text": ticket.hs_clean_body or False,
            "hs_original_email": (
                ticket.description if not is_html_empty(ticket.description) else False
            ),
            "hs_clock": clock,
            "hs_waiting_on": waiting,
            "hs_next_step": self._hs_next_step_text(ticket, step, clock),
            "hs_agent_name": ticket.user_id.name or False,
            "status_timeline": self._hs_status_timeline(ticket),
            "kb_articles": self._hs_article_links(ticket),
            "customer_attachments": self._hs_customer_attachments(ticket),
            "hs_linked_records": self._hs_linked_records(ticket),
            "hs_related_cases": self._hs_related_cases(ticket),
        }

    def _hs_reader_tz(self, ticket):
        """The reader's time zone; for a visitor with the token, the
        requester's; else the working hours' own zone."""
        user = request.env.user
        tz = (
            (not user._is_public() and user.tz)
            or ticket.partner_id.tz
            or ticket.hs_sla_policy_id.calendar_id.tz
            or ticket.company_id.resource_calendar_id.tz
        )
        return tz if tz in pytz.all_timezones_set else "UTC"

    def _hs_use_customer_locale(self, ticket):
        """Dates in the reader's zone; a visitor with the token (the public
        user) reads the page in the requester's language."""
        context = {"tz": self._hs_reader_tz(ticket)}
        lang = ticket.partner_id.lang
        if (
            request.env.user._is_public()
            and lang
            and lang in dict(request.env["res.lang"].get_installed())
        ):
            context["lang"] = lang
        request.update_context(**context)

    def _hs_format(self, when):
        if not when:
            return False
        return format_datetime(
            request.env, when, tz=request.env.context.get("tz"), dt_format=DATETIME
        )

    def _hs_clock(self, ticket):
        """The service clock as the customer reads it: one item per target
        (first answer, resolution) with its state, dates in the reader's
        zone and language, and the working hours left while it runs."""
        now = fields.Datetime.now()
        lines = ticket.hs_sla_ids
        targets = {
            line: case_view.Target(
                kind=line.target,
                status=line.status,
                deadline=line.deadline,
                reached=line.reached_date,
                paused_since=line.paused_since,
            )
            for line in lines
        }
        by_target = {target: line for line, target in targets.items()}
        items = case_view.customer_clock(
            list(targets.values()),
            now,
            closed=ticket.stage_id.closed,
            answered_at=ticket.hs_sla_first_response_date,
            closed_at=ticket.closed_date,
        )
        clock = []
        for item in items:
            hours_left = False
            if item.state in (case_view.DUE, case_view.PAUSED) and item.target:
                line = by_target[item.target]
                start = line.paused_since or now
                hours_left = case_view.format_hours(
                    line.policy_id.calendar_id.get_work_hours_count(
                        start, line.deadline, compute_leaves=True
                    )
                )
            clock.append(
                {
                    "kind": item.kind,
                    "state": item.state,
                    "label": self._hs_clock_label(item),
                    "deadline": self._hs_format(item.deadline),
                    "reached": self._hs_format(item.reached),
                    "hours_left": hours_left,
                }
            )
        return clock

    def _hs_clock_label(self, item):
        if item.kind == case_view.FIRST_RESPONSE:
            return {
                case_view.DUE: request.env._("First answer due"),
                case_view.PAUSED: request.env._("First answer"),
                case_view.LATE: request.env._("First answer late"),
                case_view.MET: request.env._("First answer given"),
                case_view.BREACHED: request.env._("First answer given late"),
            }[item.state]
        return {
            case_view.DUE: request.env._("Resolution expected"),
            case_view.PAUSED: request.env._("Resolution"),
            case_view.LATE: request.env._("Resolution late"),
            case_view.MET: request.env._("Resolved within our commitment"),
            case_view.BREACHED: request.env._("Resolved later than our commitment"),
        }[item.state]

    def _hs_next_step_text(self, ticket, step, clock):
        if step == case_view.STEP_CLOSED:
            return request.env._(
                "This case is closed. If you still need help, reply to it and "
                "it will be reopened."
            )
        if step == case_view.STEP_REPLY:
            return request.env._(
                "We need your answer to go on: reply below or to our last email."
            )
        due = next(
            (
                c["deadline"]
                for c in clock
                if c["kind"] == case_view.FIRST_RESPONSE and c["state"] == "due"
            ),
            False,
        )
        if step == case_view.STEP_FIRST_ANSWER:
            if due:
                return request.env._(
                    "Our team will read your request and answer you by %(when)s.",
                    when=due,
                )
            return request.env._("Our team will read your request and answer you soon.")
        if ticket.user_id:
            return request.env._(
                "%(agent)s is working on your case and will write to you when "
                "there is news.",
                agent=ticket.user_id.name,
            )
        return request.env._(
            "Our team is working on your case and will write to you when there is news."
        )
