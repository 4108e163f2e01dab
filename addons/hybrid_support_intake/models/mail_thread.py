import logging
from email.header import decode_header, make_header

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, api, models
from odoo.exceptions import ConcurrencyError
from odoo.http import request
from odoo.orm.environments import Transaction
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools.mail import email_normalize, formataddr

from ..tools.body_clean import plain_text_part, repair_charsets
from ..tools.domains import email_domain
from ..tools.mail_automation import automation_reason
from ..tools.sender_trust import dmarc_verdict, sender_from_header

_logger = logging.getLogger(__name__)

TICKET = "helpdesk.ticket"
CONCURRENCY_ERRORS = (*PG_CONCURRENCY_EXCEPTIONS_TO_RETRY, ConcurrencyError)


class DeliveredElsewhere(Exception):
    """Another worker delivered this email (its Message-ID) while this
    delivery ran: ``message_process`` ends it as core ends a duplicate."""


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
        gateway = self._hs_is_gateway_caller()
        # sudo: the mail gateway's callers deliver email as fetchmail does (as
        # superuser): core's duplicate check, the replied-to message and the
        # author are looked up with the caller's rights, and a Mail gateway
        # user who may not read cases would make a second case of an email
        # retried after another worker's delivery of it
        thread = self.sudo() if gateway else self
        try:
            with self.env.cr.savepoint():
                return super(MailThread, thread).message_process(
                    model,
                    message,
                    custom_values=custom_values,
                    save_original=save_original,
                    strip_attachments=strip_attachments,
                    thread_id=thread_id,
                )
        except DeliveredElsewhere as duplicate:
            _logger.info(
                "Ignored mail %s: delivered by another worker at the same moment",
                duplicate,
            )
            return False
        except CONCURRENCY_ERRORS:
            # another worker had this email or sender: an RPC call is run
            # again by Odoo; fetchmail would roll it back and mark it read,
            # so the email is kept aside (committed now) and processed again
            # by the quarantine's job once the other delivery is done
            if gateway and not request:
                self._hs_keep_busy_email(message)
            raise
        except Exception as error:  # any failure must end visible, not lost
            if self.env.context.get("hs_import"):
                raise  # the import lists it with its reason
            if not gateway:
                # anyone else calling this over RPC gets the error itself:
                # the quarantine keeps what the mail gateway received, never
                # payloads staged by users (a manager would replay them)
                raise
            _logger.warning("Incoming email quarantined", exc_info=True)
            self.env.invalidate_all()
            self.env["hybrid.support.mail.quarantine"]._quarantine(
                message, "error", repr(error)
            )
            return False

    @api.model
    def _hs_keep_busy_email(self, message):
        # a cursor of its own: the delivery's transaction is about to be
        # rolled back by its caller
        with self.env.registry.cursor() as cr:
            # the registry this worker runs, not looked up again by name
            cr.transaction = Transaction(self.env.registry)
            env = self.env(cr=cr)
            env["hybrid.support.mail.quarantine"]._quarantine(
                message,
                "busy",
                self.env._("Delivered by another worker at the same moment."),
            )
            # sudo: the scheduler's rows are technical
            env.ref(
                "hybrid_support_intake.ir_cron_quarantine_retry_busy"
            ).sudo()._trigger()

    @api.model
    def _hs_is_gateway_caller(self):
        """Whether the caller delivers incoming email: the scheduler's
        fetchmail (superuser), a system administrator, or a user of the
        *Mail gateway* group (the ``odoo-mailgate.py -u`` or API user)."""
        user = self.env.user
        return (
            self.env.su
            or self.env.uid == SUPERUSER_ID
            or user.has_group("base.group_system")
            or user.has_group("hybrid_support_intake.group_mail_gateway")
        )

    @api.model
    def _hs_sender_verified(self, message, email_from):
        """Whether the receiving mail server vouched for the ``From`` domain
        (DMARC pass in the topmost Authentication-Results header), when the
        company says its server adds that header and strips foreign ones.
        The header first: an email without it reads no setting."""
        results = message.get_all("Authentication-Results") or []
        if not results:
            return False
        # sudo: a company setting read for whoever delivers the email
        if not self.env.company.sudo().hs_trust_authentication_results:
            return False
        domain = email_domain(email_normalize(email_from or "") or "")
        return dmarc_verdict(str(results[0]), domain) == "pass"

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
        self._hs_fix_sender(message, msg_dict)
        for key, value in msg_dict.items():
            if isinstance(value, str) and "\x00" in value:
                msg_dict[key] = value.replace("\x00", "")
        return msg_dict

    @api.model
    def _hs_fix_sender(self, message, msg_dict):
        """The sender is the address in angle brackets of the raw From
        header, whatever its display name looks like (Python's parser takes
        ``a@ours.example <b@theirs.example>`` for a@ours.example)."""
        raw = next((v for k, v in message.raw_items() if k.lower() == "from"), "")
        try:
            raw = str(make_header(decode_header(str(raw))))
        except Exception:  # an undecodable name: read the raw value
            raw = str(raw)
        name, address = sender_from_header(raw)
        if address and email_normalize(address) != email_normalize(
            msg_dict.get("email_from") or ""
        ):
            msg_dict["email_from"] = msg_dict["from"] = formataddr((name, address))

    @api.model
    def _message_parse_post_process(self, message, message_dict, routes):
        values = super()._message_parse_post_process(message, message_dict, routes)
        author = self.env["res.partner"].browse(values.get("author_id") or [])
        if author:
            values["author_id"] = self._hs_author_of_shared_address(author, routes).id
        return values

    @api.model
    def _hs_author_of_shared_address(self, author, routes):
        """The author of an email whose address several customer accounts'
        contacts share. Core prefers the contact with a user, so whoever gave
        their portal user someone else's address would receive that person's
        next emails as their own account's cases: with contacts of more than
        one account, the email goes to a contact of the case it replies to
        (requester or follower), else of the account owning the address's
        domain, else to the oldest contact (the address's first owner).
        Internal users' addresses are left to core (see
        _hs_drop_unverified_internal_author)."""
        # sudo: the gateway compares every contact of the address, whoever
        # delivers the email; only the chosen contact's id leaves
        author = author.sudo()
        if not author.partner_share or not author.email_normalized:
            return author
        sharing = author.search(
            [("email_normalized", "=", author.email_normalized)], order="id"
        )
        if not all(sharing.mapped("partner_share")):
            return author
        if len(sharing.commercial_partner_id) < 2:
            return author
        for model, thread_id, *_rest in routes or ():
            if model != TICKET or not thread_id:
                continue
            case = self.env[TICKET].sudo().browse(thread_id)
            known = sharing & (case.partner_id | case.message_partner_ids)
            if known:
                return known[:1]
        owner = author._hs_company_for_domain(email_domain(author.email_normalized))
        chosen = (
            sharing.filtered(lambda p: p.commercial_partner_id == owner) or sharing
        )[:1]
        if chosen != author:
            _logger.warning(
                "Address of contacts %s of %d accounts: email from it given to "
                "contact %s, not %s",
                sharing.ids,
                len(sharing.commercial_partner_id),
                chosen.id,
                author.id,
            )
        return chosen

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        # the first step after core's duplicate check: two workers delivering
        # the same email are serialised here, and the second one ends when
        # the first one commits (message_process returns False, as core does
        # for an email it has already, instead of Odoo running the whole
        # delivery again after a random wait holding the worker); the failed
        # statement is undone by message_process's savepoint
        message_id = message_dict.get("message_id")
        try:
            self.env["hybrid.support.delivery.key"]._claim("message", message_id)
        except SerializationFailure as error:
            raise DeliveredElsewhere(message_id) from error
        routes = super().message_route(
            message,
            message_dict,
            model=model,
            thread_id=thread_id,
            custom_values=custom_values,
        )
        routes = self._hs_adjust_ticket_routes(message, message_dict, routes)
        return self._hs_followup_routes(message_dict, routes)

    @api.model
    def _hs_adjust_ticket_routes(self, message, message_dict, routes):
        """One email makes at most one case, and a case named in the subject
        is reused when the email may thread into it; otherwise the new case
        records which case it named, for an agent to check."""
        new_ticket_routes = [r for r in routes if r[0] == TICKET and not r[1]]
        if not new_ticket_routes:
            return routes
        others = [r for r in routes if not (r[0] == TICKET and not r[1])]
        email_from = message_dict.get("email_from")
        ticket, trusted = self.env[TICKET]._hs_ticket_from_subject(
            message_dict.get("subject"),
            email_from,
            verified_sender=self._hs_sender_verified(message, email_from),
        )
        _model, _tid, values, user_id, alias = new_ticket_routes[0]
        if ticket and trusted:
            _logger.info(
                "Routing mail %s to case %s by the reference in its subject",
                message_dict.get("message_id"),
                ticket.number,
            )
            return others + [(TICKET, ticket.id, {}, user_id, alias)]
        if ticket:
            _logger.info(
                "Mail %s names case %s but its sender is not part of it: new case",
                message_dict.get("message_id"),
                ticket.number,
            )
            values = {**(values or {}), "hs_mentioned_case_id": ticket.id}
        if len(new_ticket_routes) > 1:
            _logger.info(
                "Mail %s reached %d helpdesk aliases: one case only",
                message_dict.get("message_id"),
                len(new_ticket_routes),
            )
        return others + [(TICKET, False, values, user_id, alias)]

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
                    "hs_followup_of_id": ticket.id,
                    "team_id": ticket.team_id.id,
                    "partner_id": ticket.partner_id.id,
                }
                route = (TICKET, False, values, user_id, alias)
            adjusted.append(route)
        return adjusted

    @api.model
    def _message_route_process(self, message, message_dict, routes):
        verified = self._hs_sender_verified(message, message_dict.get("email_from"))
        gateway = {
            "automation_reason": automation_reason(message),
            "plain_body": plain_text_part(message),
            "sender_verified": verified,
            "unverified_internal_author": self._hs_drop_unverified_internal_author(
                message_dict, routes, verified
            ),
        }
        if not message_dict.get("author_id") and any(
            model == TICKET and not thread_id for model, thread_id, *_rest in routes
        ):
            # a new sender's case will create their contact: several workers
            # with emails of that sender are serialised here, before core
            # creates the case (an error inside message_new makes core bounce
            # the email), and the second one, run again, finds the contact
            self.env["hybrid.support.delivery.key"]._claim(
                "contact", email_normalize(message_dict.get("email_from") or "")
            )
        context = {"hs_gateway": gateway}
        cases = any(route[0] == TICKET for route in routes or ())
        if cases:
            # the followers' notification emails go to the mail queue, sent
            # within the minute by its job, instead of holding this email's
            # transaction until the mail server has taken them
            context["mail_notify_force_send"] = False
        # the route that makes a new case goes last, so that the thread core
        # returns is that case (one email makes at most one case, see
        # _hs_adjust_ticket_routes)
        new_case = [r for r in routes or () if r[0] == TICKET and not r[1]]
        routes = [r for r in routes or () if r not in new_case] + new_case
        result = super(MailThread, self.with_context(**context))._message_route_process(
            message, message_dict, routes
        )
        if not cases:
            return result
        # sudo: core creates the cases with superuser rights (message_new
        # under sudo); the rest of the pipeline must not depend on the rights
        # of whoever delivers the email (fetchmail, odoo-mailgate.py's -u
        # user, an API user)
        tickets = self.env[TICKET].sudo().browse(result if new_case else [])
        if len(new_case) > 1:  # a reply to several closed cases (follow-ups)
            tickets = tickets.search(
                [("hs_source_message_id", "=", message_dict.get("message_id"))]
            )
        mail_queue = ["mail.ir_cron_mail_scheduler_action"]
        if tickets:
            # history (hs_import) is enriched only: no routing, SLA,
            # acknowledgement or mail
            origin = "import" if self.env.context.get("hs_import") else "gateway"
            tickets._hs_intake(origin, extra_jobs=mail_queue)
        elif not self.env.context.get("hs_import"):
            self.env["ir.cron"]._hs_trigger_in_slot(mail_queue)
        return result

    @api.model
    def _hs_drop_unverified_internal_author(self, message_dict, routes, verified):
        """An email whose ``From`` is one of our users but that replies to
        none of the messages of the case it goes to arrived from outside:
        anyone can write an agent's address. It is posted under its address,
        never under the user's name. Returns the partner id it claimed."""
        author = self.env["res.partner"].browse(message_dict.get("author_id") or [])
        # sudo: whether a partner is one of our users is not the caller's business
        if not author or author.sudo().partner_share or verified:
            return False
        parent = self.env["mail.message"].browse(message_dict.get("parent_id") or [])
        # sudo: the gateway compares the replied-to message with the route
        parent = parent.sudo()
        for model, thread_id, _values, _user, _alias in routes or ():
            if parent and (
                not thread_id or (parent.model, parent.res_id) == (model, thread_id)
            ):
                return False
        _logger.warning(
            "Mail %s claims to come from user %s but answers none of our "
            "messages: posted under its address only",
            message_dict.get("message_id"),
            author.id,
        )
        message_dict["author_id"] = False
        return author.id

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
