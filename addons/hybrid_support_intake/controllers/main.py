import werkzeug

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.helpdesk_mgmt.controllers.main import HelpdeskTicketController


class HelpdeskTicketControllerSecure(HelpdeskTicketController):
    @http.route("/ticket/close", type="http", auth="user", methods=["POST"], csrf=True)
    def support_ticket_close(self, **kw):
        """Close a case from the portal, only one the user may read.

        helpdesk_mgmt searched the ticket with sudo() and no ownership check, so
        any user could close any case by id (and over GET, without CSRF).
        """
        try:
            ticket = request.env["helpdesk.ticket"].browse(int(kw.get("ticket_id", 0)))
            ticket.check_access("read")
            stage = request.env["helpdesk.ticket.stage"].browse(
                int(kw.get("stage_id", 0))
            )
            stage.check_access("read")
        except (AccessError, MissingError, ValueError):
            return request.redirect("/my")
        applicable = (
            ticket.team_id._get_applicable_stages() if ticket.team_id else stage
        )
        if stage.close_from_portal and stage in applicable:
            # sudo: portal users cannot write tickets; access was checked above
            ticket.sudo().stage_id = stage
        return werkzeug.utils.redirect(f"/my/ticket/{ticket.id}")
