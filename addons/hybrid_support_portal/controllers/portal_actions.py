"""The customer's one-click answers from our emails: "This solved my
problem" and "I still need help".

A link's signed token is its only credential (the visitor may be anonymous,
or logged in as anyone: the session is never used to decide). GET shows a
confirmation page and changes nothing, so that mail scanners following links
close no case; the change is a POST of that page's form, CSRF-protected."""

from odoo import http
from odoo.http import request

from ..tools.case_actions import EXPIRED, REOPEN, SOLVED

ROUTE = "/support/case/<int:case_id>/<any(solved,reopen):action>"


class CaseActionController(http.Controller):
    @http.route(
        ROUTE, type="http", auth="public", methods=["GET"], website=True, sitemap=False
    )
    def case_action_confirm(self, case_id, action, token=None, **kw):
        ticket, verdict, partner = self._hs_case_from_link(case_id, action, token)
        if not partner:
            return self._hs_refused(verdict)
        return request.render(
            "hybrid_support_portal.case_action_confirm",
            self._hs_page_values(ticket, action, token=token),
        )

    @http.route(
        ROUTE,
        type="http",
        auth="public",
        methods=["POST"],
        csrf=True,
        website=True,
        sitemap=False,
    )
    def case_action_do(self, case_id, action, token=None, **kw):
        ticket, verdict, partner = self._hs_case_from_link(case_id, action, token)
        if not partner:
            return self._hs_refused(verdict)
        outcome = ticket._hs_apply_customer_action(action, partner)
        return request.render(
            "hybrid_support_portal.case_action_done",
            self._hs_page_values(ticket, action, outcome=outcome),
        )

    def _hs_case_from_link(self, case_id, action, token):
        """(case, verdict, partner): the partner only for a valid link of
        this case and this action."""
        # sudo: the signed token, checked here before anything is read or
        # done, is the credential; the visitor's own rights do not matter
        ticket = request.env["helpdesk.ticket"].sudo().browse(case_id).exists()
        if not ticket:
            return ticket, None, request.env["res.partner"]
        verdict, partner = ticket._hs_check_action_token(action, token)
        return ticket, verdict, partner

    def _hs_refused(self, verdict):
        expired = verdict is not None and verdict.status == EXPIRED
        response = request.render(
            "hybrid_support_portal.case_action_refused", {"expired": expired}
        )
        response.status_code = 410 if expired else 403
        return response

    def _hs_page_values(self, ticket, action, **values):
        return {
            "ticket": ticket,
            "action": action,
            "is_solved": action == SOLVED,
            "is_reopen": action == REOPEN,
            # the case page through its own portal token, as in our emails
            "case_url": ticket.get_portal_url(),
            **values,
        }
