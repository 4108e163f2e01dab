import logging

from odoo import api, models

from ..tools.body_clean import plain_text_part, repair_charsets
from ..tools.mail_automation import automation_reason

_logger = logging.getLogger(__name__)

TICKET = "helpdesk.ticket"


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_process(
        self,
        model,
        message,
        custom_values=None,
        save_original=False,
        strip_attachments=False,
        thread_id=None,
    ):
        """Never lose an email: what cannot be processed goes to quarantine."""
        try:
            with self.env.cr.savepoint():
                return super().message_process(
                    model,
                    message,
                    custom_values=custom_values,
                    save_original=save_original,
                    strip_attachments=strip_attachments,
                    thread_id=thread_id,
                )
        except Exception as error:  # any failure must end visible, not lost
            if self.env.context.get("hs_import"):
                raise  # the import lists it with its reason
            _logger.warning("Incoming email quarantined", exc_info=True)
            self.env.invalidate_all()
            self.env["hybrid.support.mail.quarantine"]._quarantine(
                message, "error", repr(error)
            )
            return False

    @api.model
    def message_parse(self, message, save_original=False):
        """PostgreSQL refuses NUL characters in text: a hostile email with NULs
        in its headers or text would fail to become a case (and make Odoo
        bounce it to the sender). They never carry meaning in text."""
        try:
            repair_charsets(message)  # an unknown charset made core raise
        except Exception:  # repairing is best effort; parsing decides
            _logger.info("Could not repair the charsets of an email", exc_info=True)
        msg_dict = super().message_parse(message, save_original=save_original)
        for key, value in msg_dict.items():
            if isinstance(value, str) and "\x00" in value:
                msg_dict[key] = value.replace("\x00", "")
        return msg_dict

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        routes = self._hs_adjust_ticket_routes(message_dict, routes)
        return self._hs_followup_routes(message_dict, routes)

    @api.model
    def _hs_adjust_ticket_routes(self, message_dict, routes):
        """One email makes at most one case, and a referenced case is reused."""
        new_ticket_routes = [r for r in routes if r[0] == TICKET and not r[1]]
        if not new_ticket_routes:
            return routes
        others = [r for r in routes if not (r[0] == TICKET and not r[1])]
        ticket = self.env[TICKET]._hs_ticket_from_subject(
            message_dict.get("subject"), message_dict.get("email_from")
        )
        if ticket:
            _model, _tid, _values, user_id, alias = new_ticket_routes[0]
            _logger.info(
                "Routing mail %s to case %s by the reference in its subject",
                message_dict.get("message_id"),
                ticket.number,
            )
            return others + [(TICKET, ticket.id, {}, user_id, alias)]
        if len(new_ticket_routes) > 1:
            _logger.info(
                "Mail %s reached %d helpdesk aliases: one case only",
                message_dict.get("message_id"),
                len(new_ticket_routes),
            )
        return others + new_ticket_routes[:1]

    @api.model
    def _hs_followup_routes(self, message_dict, routes):
        """A customer's reply to a closed case of a team that wants it opens a
        new case linked to the closed one instead of reopening it."""
        ticket_ids = [r[1] for r in routes if r[0] == TICKET and r[1]]
        if not ticket_ids:
            return routes
        closed = (
            self.env[TICKET]
            .browse(ticket_ids)
            .filtered(
                lambda t: t.stage_id.closed and t.team_id.hs_closed_reply == "followup"
            )
        )
        author = self.env["res.partner"].browse(message_dict.get("author_id") or [])
        if not closed or (author and not author.partner_share):
            return routes
        adjusted = []
        for route in routes:
            model, thread_id, values, user_id, alias = route
            ticket = closed.filtered(lambda t, tid=thread_id: t.id == tid)
            if model == TICKET and ticket:
                values = {
                    **(values or {}),
                    "followup_of_id": ticket.id,
                    "team_id": ticket.team_id.id,
                    "partner_id": ticket.partner_id.id,
                }
                route = (TICKET, False, values, user_id, alias)
            adjusted.append(route)
        return adjusted

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        gateway = {
            "automation_reason": automation_reason(message),
            "plain_body": plain_text_part(message),
        }
        created = []
        context = {"hs_gateway": gateway, "hs_new_tickets": created}
        cases = any(route[0] == TICKET for route in routes or ())
        if cases:
            # the followers' notification emails go to the mail queue, sent
            # within the minute by its job, instead of holding this email's
            # transaction until the mail server has taken them
            context["mail_notify_force_send"] = False
        result = super(MailThread, self.with_context(**context))._message_route_process(
            message, message_dict, routes
        )
        tickets = self.env[TICKET].browse(created)
        if tickets:
            tickets.with_context(hs_gateway_created=True)._hs_enrich()
        if self.env.context.get("hs_import") or not cases:
            return result  # history: no routing, SLA, acknowledgement or mail
        if tickets:
            tickets._hs_route()
            tickets._hs_after_route()
        tickets._hs_trigger_jobs(
            tickets._hs_jobs_after_intake() + ["mail.ir_cron_mail_scheduler_action"]
        )
        return result

    @api.model
    def _detect_loop_sender(self, message, message_dict, routes):
        if self.env.context.get("hs_import"):
            return False  # a mailbox holds many emails per sender by nature
        is_loop = super()._detect_loop_sender(message, message_dict, routes)
        if is_loop:
            self.env["hybrid.support.mail.quarantine"]._quarantine(
                message,
                "loop",
                self.env._("Too many emails from this sender in a short time."),
            )
        return is_loop
