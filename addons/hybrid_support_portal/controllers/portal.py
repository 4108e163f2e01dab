import textwrap
from operator import itemgetter

import pytz

from odoo import fields, http
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import groupby as groupbyelem
from odoo.tools import html2plaintext, is_html_empty
from odoo.tools.misc import format_datetime

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import case_view
from ..tools.support_roles import SCOPE_NONE

EXCERPT = 160  # characters of an article quoted under its title
DATETIME = "EEEE d MMMM y, HH:mm"


class CustomerPortalHybridSupport(CustomerPortalHelpdesk):
    # ------------------------------------------------------------------
    # /my: "2 cases waiting for your reply"
    # ------------------------------------------------------------------

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        values["hs_case_access"] = self._hs_may_open_cases()
        return values

    @staticmethod
    def _hs_may_open_cases():
        """False for a portal contact whose support role is "no access": the
        portal offers them neither the Tickets tile nor a "New" button (the
        record rule already hides every case from them)."""
        user = request.env.user
        if not user._is_portal():
            return True
        return user.partner_id._hs_support_scope() != SCOPE_NONE

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "hs_waiting_ticket_count" in counters:
            Ticket = request.env["helpdesk.ticket"]
            values["hs_waiting_ticket_count"] = (
                Ticket.search_count(
                    self._hs_scope_domain("mine") & self._hs_state_domain("waiting")
                )
                if Ticket.has_access("read")
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # /my/tickets
    # ------------------------------------------------------------------

    @http.route(
        ["/my/tickets", "/my/tickets/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
        priority=100,
    )
    def portal_my_tickets(
        self,
        page=1,
        date_begin=None,
        date_end=None,
        sortby=None,
        filterby=None,
        search=None,
        search_in=None,
        groupby=None,
        scope=None,
        **kw,
    ):
        """helpdesk_mgmt's list with the customer's filters and columns; the
        route is helpdesk_mgmt's. Records are those the reader may read
        (record rules): the filters only narrow them."""
        if not request.env["helpdesk.ticket"].has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            self._hs_prepare_tickets_values(
                page=page,
                date_begin=date_begin,
                date_end=date_end,
                sortby=sortby,
                filterby=filterby,
                search=search,
                groupby=groupby,
                scope=scope,
            )
        )
        request.session["my_tickets_history"] = values["tickets"].ids[:100]
        return request.render("helpdesk_mgmt.portal_my_tickets", values)

    def _hs_ticket_scopes(self):
        """Whose cases: the reader's own (requester or follower) or their
        company's; "all" is every case the record rules let them read."""
        return {
            "all": {"label": request.env._("All cases"), "order": 1},
            "mine": {"label": request.env._("My cases"), "order": 2},
            "company": {"label": request.env._("My company's cases"), "order": 3},
        }

    def _hs_scope_domain(self, scope):
        partner = request.env.user.partner_id
        if scope == "mine":
            return Domain("partner_id", "=", partner.id) | Domain(
                "message_partner_ids", "in", partner.ids
            )
        if scope == "company":
            return Domain(
                "commercial_partner_id", "=", partner.commercial_partner_id.id
            )
        return Domain.TRUE

    def _hs_state_filters(self):
        return {
            "all": {"label": request.env._("All"), "order": 1},
            "open": {"label": request.env._("Open"), "order": 2},
            "waiting": {"label": request.env._("Waiting on me"), "order": 3},
            "closed": {"label": request.env._("Closed"), "order": 4},
        }

    def _hs_state_domain(self, state):
        if state == "open":
            return Domain("stage_id.closed", "=", False)
        if state == "closed":
            return Domain("stage_id.closed", "=", True)
        if state == "waiting":
            return Domain("stage_id.closed", "=", False) & Domain.OR(
                Domain("company_id", "=", company_id)
                & Domain("stage_id", "in", list(stage_ids))
                for company_id, stage_ids in self._hs_pausing_stages().items()
            )
        return Domain.TRUE

    def _hs_pausing_stages(self):
        """``{company id: stage ids}``: the stages that stop a company's SLA
        clocks, i.e. where its cases wait on the customer; two queries."""
        # sudo: customers may not read SLA policies; only stage ids leave
        policies = (
            request.env["hybrid.support.sla.policy"]
            .sudo()
            .search_fetch([("pause_stage_ids", "!=", False)], ["company_id"])
        )
        stages = {}
        for policy in policies:
            stages.setdefault(policy.company_id.id, set()).update(
                policy.pause_stage_ids.ids
            )
        return stages

    def _hs_search_domain(self, search):
        """Case number, subject or text, or a reference the intake found in
        it (an order or invoice number)."""
        Ticket = request.env["helpdesk.ticket"]
        # sudo: references are for agents; the ids found are narrowed by the
        # reader's record rules in the search this domain goes into
        by_reference = Ticket.sudo()._search(
            [("hs_reference_ids.value", "ilike", search)]
        )
        return Domain.OR(
            [
                Domain("number", "ilike", search),
                Domain("name", "ilike", search),
                Domain("hs_clean_body", "ilike", search),
                Domain("id", "in", by_reference),
            ]
        )

    def _hs_prepare_tickets_values(
        self,
        page=1,
        date_begin=None,
        date_end=None,
        sortby=None,
        filterby=None,
        search=None,
        groupby=None,
        scope=None,
        url="/my/tickets",
    ):
        """Hook: the values of the list page, in a fixed number of queries
        whatever the number of cases (see tests/benchmarks/bench_portal.py)."""
        Ticket = request.env["helpdesk.ticket"]
        sortings = dict(
            sorted(
                self._ticket_get_searchbar_sortings().items(),
                key=lambda item: item[1]["sequence"],
            )
        )
        filters = self._hs_state_filters()
        scopes = self._hs_ticket_scopes()
        groupbys = self._ticket_get_searchbar_groupby()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        scope = scope if scope in scopes else "all"
        groupby = groupby if groupby in groupbys else "none"
        domain = self._hs_scope_domain(scope) & self._hs_state_domain(filterby)
        if date_begin and date_end:
            domain &= Domain("create_date", ">", date_begin) & Domain(
                "create_date", "<=", date_end
            )
        if search:
            domain &= self._hs_search_domain(search)
        pager = portal_pager(
            url=url,
            url_args={
                "date_begin": date_begin,
                "date_end": date_end,
                "sortby": sortby,
                "filterby": filterby,
                "groupby": groupby,
                "search": search,
                "scope": scope,
            },
            total=Ticket.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        order = self._ticket_get_order(sortings[sortby]["order"], groupby)
        tickets = Ticket.search(
            domain, order=order, limit=self._items_per_page, offset=pager["offset"]
        )
        group = self._ticket_get_groupby_mapping().get(groupby)
        if group:
            grouped = [
                Ticket.concat(*cases)
                for _key, cases in groupbyelem(tickets, itemgetter(group))
            ]
        else:
            grouped = [tickets] if tickets else []
        partner = request.env.user.partner_id
        return {
            "date": date_begin,
            "date_end": date_end,
            "tickets": tickets,
            "grouped_tickets": grouped,
            "hs_rows": self._hs_list_rows(tickets),
            "page_name": "ticket",
            "default_url": url,
            "pager": pager,
            "searchbar_sortings": sortings,
            "searchbar_groupby": groupbys,
            "searchbar_inputs": {
                "all": {
                    "input": "all",
                    "label": request.env._("Search reference or text"),
                    "order": 1,
                }
            },
            "search_in": "all",
            "search": search,
            "sortby": sortby,
            "groupby": groupby,
            "searchbar_filters": filters,
            "filterby": filterby,
            "hs_scopes": scopes,
            "hs_scope": scope,
            # a contact of a company may narrow to their own cases
            "hs_show_scopes": partner.commercial_partner_id != partner,
        }

    def _hs_list_rows(self, tickets):
        """``{case id: {waiting_on, deadline, paused, last_update}}`` for the
        page's cases: one query for the fields customers may not read
        directly, one for the pausing stages."""
        pausing = self._hs_pausing_stages()
        rows = {}
        # sudo: the SLA summary is for agents; only the customer's reading of
        # it (next deadline, paused) leaves, for cases the reader may read
        for ticket in tickets.sudo():
            closed = ticket.stage_id.closed
            waiting = case_view.waiting_on(
                closed, ticket.stage_id.id in pausing.get(ticket.company_id.id, ())
            )
            rows[ticket.id] = {
                "waiting_on": waiting,
                "paused": not closed
                and (ticket.hs_sla_paused or waiting == "customer"),
                "deadline": not closed and ticket.hs_sla_deadline,
                "last_update": ticket.hs_last_activity_date or ticket.write_date,
            }
        return rows

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
        _ = request.env._
        if item.kind == case_view.FIRST_RESPONSE:
            return {
                case_view.DUE: _("First answer due"),
                case_view.PAUSED: _("First answer"),
                case_view.LATE: _("First answer late"),
                case_view.MET: _("First answer given"),
                case_view.BREACHED: _("First answer given late"),
            }[item.state]
        return {
            case_view.DUE: _("Resolution expected"),
            case_view.PAUSED: _("Resolution"),
            case_view.LATE: _("Resolution late"),
            case_view.MET: _("Resolved within our commitment"),
            case_view.BREACHED: _("Resolved later than our commitment"),
        }[item.state]

    def _hs_next_step_text(self, ticket, step, clock):
        _ = request.env._
        if step == case_view.STEP_CLOSED:
            return _(
                "This case is closed. If you still need help, reply to it and "
                "it will be reopened."
            )
        if step == case_view.STEP_REPLY:
            return _("We need your answer to go on: reply below or to our last email.")
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
                return _(
                    "Our team will read your request and answer you by %(when)s.",
                    when=due,
                )
            return _("Our team will read your request and answer you soon.")
        if ticket.user_id:
            return _(
                "%(agent)s is working on your case and will write to you when "
                "there is news.",
                agent=ticket.user_id.name,
            )
        return _(
            "Our team is working on your case and will write to you when there is news."
        )

    def _hs_customer_attachments(self, ticket):
        """The case's attachments a customer may see: those of messages
        customers see (emails, replies, the portal form) and those of no
        message (the new-case form); never those of internal notes.

        ``ticket`` is sudo (from _document_check_access): its messages and
        their subtypes are read to decide, only the public ones leave."""
        internal = ticket.message_ids.filtered(
            lambda m: (
                m.message_type not in ("email", "comment", "email_outgoing")
                or (m.subtype_id and m.subtype_id.internal)
            )
        )
        return ticket.attachment_ids - internal.attachment_ids

    def _hs_status_timeline(self, ticket):
        """``(date, text, kind)`` oldest first: every stage the case went
        through, and the escalations whose rule the customer may see, in
        the rule's customer words; internal escalations never.

        ``ticket`` comes from _document_check_access (sudo when reached with a
        token), so tracking values and the escalation log are readable here
        and only stage names and customer sentences leave.
        """
        field = ticket.env["ir.model.fields"]._get("helpdesk.ticket", "stage_id")
        timeline = (
            [(ticket.create_date, ticket.stage_id.name, "stage")]
            if ticket.create_date
            else []
        )
        trackings = ticket.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id == field
        ).sorted("id")
        if trackings:
            timeline = [(ticket.create_date, trackings[0].old_value_char, "stage")]
            timeline += [(t.create_date, t.new_value_char, "stage") for t in trackings]
        lang = request.env.context.get("lang")
        for log in ticket.hs_escalation_log_ids:
            rule = log.rule_id.with_context(lang=lang)
            if rule.customer_visible and rule.customer_message:
                timeline.append((log.date, rule.customer_message, "escalation"))
        return sorted(timeline, key=lambda step: step[0] or fields.Datetime.now())

    def _hs_article_links(self, ticket):
        """Suggested articles as a title linking to their help center page
        and a short excerpt, never the whole body. The case's company and
        the customers' audiences, not the reader's: ``ticket`` is sudo."""
        return [
            {
                "name": article.name,
                "excerpt": textwrap.shorten(
                    html2plaintext(article.body or ""), EXCERPT, placeholder=" …"
                ),
                "url": article.help_url,
            }
            for article in ticket._hs_kb_suggestions()
        ]

    def _hs_linked_records(self, ticket):
        """Records the intake found named in the case (orders, invoices...)
        that the reader may open in Odoo's own portal: linked only when the
        reader's own rights let them read the record and the record has a
        portal page. A visitor with only the case's token gets none."""
        user = request.env.user
        if user._is_public():
            return []
        links = []
        kinds = dict(
            request.env["hybrid.support.ticket.reference"].fields_get(
                ["kind"], ["selection"]
            )["kind"]["selection"]
        )
        # sudo: references are for agents; each record is checked below with
        # the reader's own rights before anything of it leaves
        for reference in ticket.hs_reference_ids:
            model, res_id = reference.res_model, reference.res_id
            if not (model and res_id and model in request.env):
                continue
            record = request.env[model].browse(res_id).exists()
            if (
                not record
                or "access_url" not in record._fields
                or not record.has_access("read")
            ):
                continue
            links.append(
                {
                    "name": record.display_name,
                    "kind": kinds.get(reference.kind, reference.kind),
                    "url": record.access_url,
                }
            )
        return links

    def _hs_related_cases(self, ticket):
        """Cases of the same account linked to this one (the case it follows
        up, its follow-ups, a probable duplicate either way) that the reader
        may read by their own rights."""
        user = request.env.user
        if user._is_public():
            return request.env["helpdesk.ticket"]
        Ticket = ticket.env["helpdesk.ticket"].with_context(active_test=False)
        related = (
            ticket.hs_followup_of_id
            | ticket.hs_probable_duplicate_id
            | Ticket.search(
                [
                    "|",
                    ("hs_followup_of_id", "=", ticket.id),
                    ("hs_probable_duplicate_id", "=", ticket.id),
                ]
            )
        ).filtered(lambda t: t.commercial_partner_id == ticket.commercial_partner_id)
        # the reader's rights decide, not the sudo of the page
        return (
            request.env["helpdesk.ticket"]
            .with_context(active_test=False)
            .search([("id", "in", (related - ticket).ids)], order="create_date desc")
        )
