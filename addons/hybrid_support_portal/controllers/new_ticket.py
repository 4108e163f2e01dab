from werkzeug.exceptions import BadRequest, Forbidden

from odoo import http
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController

from ..tools.support_roles import SCOPE_NONE


class HybridSupportNewTicket(HelpdeskTicketController):
    """helpdesk_mgmt's new-case form (``/new/ticket`` posting to
    ``/submitted/ticket``) through the intake pipeline: the case is marked
    as the portal's (``hs_origin``), so that its creation runs the pipeline
    (clean text, references, triage, routing, duplicates, SLA,
    acknowledgement), and what the customer sent is checked as a customer's
    (helpdesk_mgmt took any category id, also another company's)."""

    @http.route()
    def create_new_ticket(self, **kw):
        self._hs_check_may_open_cases()
        return super().create_new_ticket(**kw)

    @http.route()
    def submit_ticket(self, **kw):
        self._hs_check_may_open_cases()
        return super().submit_ticket(**kw)

    @staticmethod
    def _hs_check_may_open_cases():
        """A contact whose support role is "no access" opens no case from the
        portal: they could not follow it (the record rule hides it). They
        still write to support by email, like anyone."""
        user = request.env.user
        if user._is_portal() and user.partner_id._hs_support_scope() == SCOPE_NONE:
            raise Forbidden()

    @staticmethod
    def _hs_form_id(kw, key):
        try:
            return int(kw.get(key) or 0)
        except (TypeError, ValueError):
            raise BadRequest(f"{key}: not a valid choice") from None

    def _prepare_submit_ticket_vals(self, **kw):
        category_id = self._hs_form_id(kw, "category")
        team_id = self._hs_form_id(kw, "team")
        vals = super()._prepare_submit_ticket_vals(
            **{**kw, "category": category_id, "team": team_id}
        )
        customer = {"name": kw.get("subject") or "", "description": vals["description"]}
        if category_id:
            customer["category_id"] = category_id
        if team_id and "team_id" in vals:  # only when the form offers teams
            customer["team_id"] = team_id
        # raises AccessError (a 403 page) on a category or team not offered
        checked = request.env["helpdesk.ticket"]._hs_customer_case_values(customer)
        vals.update(checked, hs_origin="portal")
        return vals
