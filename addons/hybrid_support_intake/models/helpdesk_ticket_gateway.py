"""The case and the mail gateway: a new case from an email (requester,
clean text, signature, followers), a reply to a case (reopening a closed
one), the case a subject's reference names and whether its sender may
write to it."""

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools.mail import email_normalize, plaintext2html

from ..tools.body_clean import html_to_text, split_reply, writer_text
from ..tools.references import subject_references
from ..tools.sender_trust import key_matches, subject_readings
from ..tools.signature import strip_signature


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model
    def message_new(self, msg, custom_values=None):
        gateway = self.env.context.get("hs_gateway") or {}
        values = dict(custom_values or {})
        plain = gateway.get("plain_body") or html_to_text(msg.get("body") or "")
        clean, _elided = split_reply(plain)
        if msg.get("author_id"):
            # a signature learnt from the customer's earlier emails
            author = self.env["res.partner"].browse(msg["author_id"])
            clean = strip_signature(clean, author.hs_signature)
        values.setdefault("hs_clean_body", clean)
        values.setdefault("hs_writer_text", writer_text(plain))
        values.setdefault("hs_source_message_id", msg.get("message_id"))
        values.setdefault(
            "hs_automated_reason", gateway.get("automation_reason") or False
        )
        values.setdefault(
            "hs_ack_pending",
            not gateway.get("automation_reason")
            and not self.env.context.get("hs_import"),
        )
        values.setdefault("hs_received_date", msg.get("date") or fields.Datetime.now())
        origin = False
        if "hs_gateway" in self.env.context:
            # the gateway runs the pipeline on it once core has posted the
            # email (mail.thread._message_route_process)
            origin = "import" if self.env.context.get("hs_import") else "gateway"
            values.setdefault("hs_origin", origin)
        for key, value in self._hs_new_case_values(
            msg.get("subject") or "", clean, origin or "gateway"
        ).items():
            values.setdefault(key, value)
        # _xmlid_to_res_id is cached; env.ref would query existence per email.
        email_channel_id = self.env["ir.model.data"]._xmlid_to_res_id(
            "helpdesk_mgmt.helpdesk_ticket_channel_email", raise_if_not_found=False
        )
        if email_channel_id:
            values.setdefault("channel_id", email_channel_id)
        # helpdesk_mgmt's auto-assign gives the case to the current user, which
        # in the gateway is OdooBot: routing decides the assignee instead.
        values.setdefault("user_id", False)
        if not (msg.get("body") or "").strip():
            # description is required: an empty email still makes a case.
            values.setdefault(
                "description",
                plaintext2html(clean or self.env._("(This email had no text.)")),
            )
        values.setdefault(
            "hs_sender_authenticated", bool(gateway.get("sender_verified"))
        )
        # Cc addresses are kept for the agent (mail.thread.cc suggests them
        # as recipients); helpdesk_mgmt would subscribe every known To/Cc
        # contact, and following a case lets a contact read it in the portal
        values.setdefault(
            "email_cc",
            ", ".join(self._mail_cc_sanitized_raw_dict(msg.get("cc")).values()),
        )
        if (
            not msg.get("author_id")
            and not values.get("partner_id")
            and not gateway.get("unverified_internal_author")
        ):
            if not gateway.get("automation_reason"):
                # through the gateway, core has found no contact for the
                # address when it parsed the email: no need to search again
                values["partner_id"] = (
                    self.env["res.partner"]
                    ._hs_requester_from_email(
                        msg.get("from"), known_absent=bool(gateway)
                    )
                    .id
                )
        # core's message_new asks fields_get() for every attribute of every
        # field only to learn whether a name field exists; names are enough
        ticket = super(
            HelpdeskTicket, self.with_context(hs_field_names_only=True)
        ).message_new(self._hs_without_recipients(msg), custom_values=values)
        ticket = ticket.with_env(self.env)
        ticket._hs_subscribe_colleagues(msg, gateway)
        if values.get("hs_mentioned_case_id"):
            mentioned = self.browse(values["hs_mentioned_case_id"])
            ticket.message_post(
                body=Markup(
                    self.env._(
                        "This email names case %(case)s, but its sender is neither "
                        "the requester nor a follower of it, and the reference "
                        "carries no valid key: it was kept apart. Merge it into "
                        "%(case)s if it belongs there."
                    )
                )
                % {"case": mentioned._get_html_link(mentioned.number)},
                subtype_xmlid="mail.mt_note",
            )
        if self.env.context.get("hs_import_stage_id"):
            # helpdesk_mgmt computes the stage from the team on create
            ticket.stage_id = self.env.context["hs_import_stage_id"]
        return ticket

    def _notify_thread(self, message, msg_vals=False, **kwargs):
        if self.env.context.get("hs_import"):
            return []  # importing history notifies nobody
        return super()._notify_thread(message, msg_vals=msg_vals, **kwargs)

    @api.model
    def _hs_without_recipients(self, msg):
        """``msg`` without its To and Cc, for helpdesk_mgmt, which subscribes
        every known contact in them: a forged email would otherwise make its
        Cc a follower, hence a reader of the case and of every answer."""
        return {**msg, "to": "", "cc": ""}

    def _hs_subscribe_colleagues(self, msg, gateway):
        """With a sender the receiving server authenticated, who is the
        case's requester, the colleagues they put in To/Cc (contacts of the
        same account) follow the case, as people expect in B2B support."""
        author = self.env["res.partner"].browse(msg.get("author_id") or [])
        for ticket in self:
            account = ticket.commercial_partner_id
            if not (gateway.get("sender_verified") and author and account):
                continue
            if author != ticket.partner_id:
                continue
            emails = tools.email_split(f"{msg.get('to') or ''},{msg.get('cc') or ''}")
            colleagues = self.env["res.partner"].search(
                [
                    ("email_normalized", "in", [email_normalize(e) for e in emails]),
                    ("commercial_partner_id", "=", account.id),
                ]
            )
            if colleagues:
                ticket.message_subscribe(partner_ids=colleagues.ids)

    def message_update(self, msg, update_vals=None):
        update_vals = dict(update_vals or {})
        new_cc = self._mail_cc_sanitized_raw_dict(msg.get("cc"))
        if new_cc and len(self) == 1:
            new_cc.update(self._mail_cc_sanitized_raw_dict(self.email_cc))
            update_vals.setdefault("email_cc", ", ".join(new_cc.values()))
        result = super().message_update(
            self._hs_without_recipients(msg), update_vals=update_vals
        )
        gateway = self.env.context.get("hs_gateway") or {}
        self._hs_subscribe_colleagues(msg, gateway)
        if gateway.get("automation_reason") or self.env.context.get("hs_import"):
            return result  # an auto-reply or an old message reopens nothing
        author = self.env["res.partner"].browse(msg.get("author_id") or [])
        if author and not author.partner_share:
            return result  # an agent's own email reply
        self.filtered(lambda t: t.stage_id.closed)._hs_reopen()
        return result

    def _hs_reopen(self):
        """Back to the first open stage of the team, counted and noted."""
        Stage = self.env["helpdesk.ticket.stage"]
        first_open = {}  # one search per team, not per case
        for ticket in self:
            team = ticket.team_id
            if team not in first_open:
                first_open[team] = Stage.search(
                    [
                        ("closed", "=", False),
                        "|",
                        ("team_ids", "=", False),
                        ("team_ids", "in", team.ids),
                    ],
                    limit=1,
                )
            stage = first_open[team]
            if not stage:
                continue
            ticket.write(
                {"stage_id": stage.id, "hs_reopen_count": ticket.hs_reopen_count + 1}
            )
            ticket.message_post(
                body=self.env._("Reopened by the customer's reply."),
                subtype_xmlid="mail.mt_note",
            )

    @api.model
    def _hs_public_message(self, message):
        """Whether ``message`` has a subtype customers see. The usual one
        (Discussions) is known by id, without reading the subtype."""
        subtype = message.subtype_id
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        return bool(subtype) and (subtype.id == comment or not subtype.internal)

    @api.model
    def _hs_ticket_from_subject(self, subject, email_from, verified_sender=False):
        """``(case, trusted)``: the case whose reference is in ``subject``, and
        whether this email may thread into it by the subject alone.

        ``From`` proves nothing, so a subject reference is trusted only when
        it carries the case key of our own emails (``[HT00012-k7f2q9m4xa]``), or
        when the sender is the requester or a follower of the case, or, with
        ``verified_sender`` (the receiving server authenticated the ``From``
        domain), a contact of the same customer account. Anyone else who
        names a case gets a new case linked to it, for an agent to check.
        """
        readings = subject_readings(subject_references(subject))
        sender = email_normalize(email_from or "")
        if not readings:
            return self.browse(), False
        # sudo: the gateway looks up the named case whoever delivers the email
        tickets = (
            self.sudo()
            .with_context(active_test=False)
            .search([("number", "in", [n for n, _key in readings])], order="id desc")
        )
        if not tickets:
            return self.browse(), False
        secret = self._hs_case_key_secret()
        by_number = {}
        for ticket in tickets:
            by_number.setdefault(ticket.number, ticket)
        named = self.browse()
        for number, key in readings:
            ticket = by_number.get(number)
            if not ticket:
                continue
            if key_matches(secret, number, key):
                return self.browse(ticket.id), True
            named = named or ticket
        if not named or not sender:
            return self.browse(named.id), False
        known = named.partner_id | named.message_partner_ids
        if verified_sender:
            known |= named.commercial_partner_id.child_ids
        trusted = sender in known.mapped("email_normalized") or sender == (
            email_normalize(named.partner_email or "")
        )
        return self.browse(named.id), trusted
