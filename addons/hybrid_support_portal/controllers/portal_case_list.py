"""The customer's list of cases: the /my counter of cases waiting on them
and /my/tickets with its scopes (own, company), states (open, waiting on
me, closed) and search by number, text or a reference the intake found.

The first class of a chain: portal_case_content.py then portal.py extend it
(the case page), so the list's helpers (``_hs_pausing_stages``, the domains)
serve the page too."""

from operator import itemgetter

from odoo import http
from odoo.fields import Domain
from odoo.http import request
from odoo.tools import groupby as groupbyelem

from odoo.addons.helpdesk_mgmt.controllers.myaccount import CustomerPortalHelpdesk
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..tools import case_view
from ..tools.support_roles import SCOPE_NONE


class CustomerPortalCaseList(CustomerPortalHelpdesk):
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
