import logging

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError
from odoo.tools.mail import email_normalize, plaintext2html

from ..tools.body_clean import html_to_text, split_reply, writer_text
from ..tools.references import subject_references
from ..tools.sender_trust import key_matches, reference_readings
from ..tools.signature import strip_signature

# Changes to these by an agent are logged as overrides of the routing.
ROUTED_FIELDS = ("team_id", "user_id", "priority", "category_id")

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    """The case as the mail gateway makes it: requester, clean text,
    threading, references and phones, and the pipeline's steps. Its other
    concerns are mixins composed here (triage schema, probable duplicates,
    acknowledgement) or live on their own models (routing rules apply
    themselves, references extract themselves)."""

    _name = "helpdesk.ticket"
    _inherit = [
        "helpdesk.ticket",
        "hybrid.support.triage.mixin",
        "hybrid.support.duplicate.mixin",
        "hybrid.support.acknowledgement.mixin",
    ]

    # helpdesk_mgmt dropped this, which switched off Odoo's loop detection for
    # new tickets (_detect_loop_sender_domain found no field to count on).
    _primary_email = "partner_email"

    # the gateway counts a sender's recent cases (loop protection) and looks
    # for an account's recent open cases (duplicates) on every email
    _hs_create_date_idx = models.Index("(create_date)")

    _hs_account_recent_idx = models.Index("(commercial_partner_id, create_date)")

    hs_clean_body = fields.Text(
        string="Clean Body",
        readonly=True,
        help="What the customer wrote in the first email, without quoted "
        "history, reply headers or signature. The full original stays in the "
        "chatter.",
    )

    hs_source_message_id = fields.Char(
        string="Source Message-ID", readonly=True, copy=False, index="btree_not_null"
    )

    hs_automated_reason = fields.Char(
        string="Sent by a machine",
        readonly=True,
        copy=False,
        help="Why the first email was recognised as machine-sent (auto-reply, "
        "bulk, bounce...). Such senders never receive an acknowledgement.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_received_date = fields.Datetime(
        string="First email received",
        readonly=True,
        copy=False,
        help="Date of the first email (its Date header), also for imported history.",
    )

    hs_phone_numbers = fields.Char(
        string="Phone Numbers",
        readonly=True,
        help="Phone numbers written in the first email or its signature, in "
        "E.164 form (region from the contact's or company's country).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_reference_ids = fields.One2many(
        "hybrid.support.ticket.reference",
        "ticket_id",
        string="References",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    # computed before the INSERT, not by an UPDATE of each new case
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, precompute=True
    )

    hs_is_vip = fields.Boolean(
        string="VIP",
        compute="_compute_is_vip",
        store=True,
        precompute=True,
        help="The requester or their company carries a VIP tag, or writes from "
        "a VIP domain (Settings > Helpdesk).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_writer_text = fields.Text(
        string="Writer Text",
        readonly=True,
        help="What the customer typed in the first email, signature included, "
        "without quoted history: the text rules and extraction read.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_reopen_count = fields.Integer(
        string="Reopen Count",
        readonly=True,
        copy=False,
        help="Times a customer's reply reopened it.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_followup_of_id = fields.Many2one(
        "helpdesk.ticket",
        string="Follow-up of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The closed case the customer replied to.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_mentioned_case_id = fields.Many2one(
        "helpdesk.ticket",
        string="Mentions case",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The subject of the email named this case, but the sender is "
        "neither its requester nor a follower and the reference had no valid "
        "key: the email was kept apart in this new case. Merge them if it "
        "belongs there.",
    )

    hs_sender_authenticated = fields.Boolean(
        string="Sender authenticated",
        readonly=True,
        copy=False,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
        help="The receiving mail server said that the first email passed "
        "DMARC for its From domain (only read when Settings > Helpdesk trusts "
        "that server's Authentication-Results header).",
    )

    hs_routing_log_ids = fields.One2many(
        "hybrid.support.routing.log",
        "ticket_id",
        string="Routing decisions",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_routing_log_count = fields.Integer(
        string="Routing Log Count",
        compute="_compute_routing_log_count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    @api.depends(
        "partner_id.category_id",
        "partner_id.commercial_partner_id.category_id",
        "partner_email",
    )
    def _compute_is_vip(self):
        for ticket in self:
            company = ticket.company_id or self.env.company
            vip_tags, domains = company._hs_vip_rules(company.id)
            tags = (
                ticket.partner_id.category_id
                | ticket.partner_id.commercial_partner_id.category_id
            )
            email = email_normalize(ticket.partner_email or "") or ""
            ticket.hs_is_vip = bool(set(tags.ids) & vip_tags) or (
                email.rpartition("@")[2] in domains
            )

    def _compute_routing_log_count(self):
        counts = dict(
            self.env["hybrid.support.routing.log"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.hs_routing_log_count = counts.get(ticket, 0)

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

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        if self.env.context.get("hs_field_names_only") and attributes is None:
            attributes = ["type"]
        return super().fields_get(allfields=allfields, attributes=attributes)

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
        it carries the case key of our own emails (``[HT00012-k7f2q9]``), or
        when the sender is the requester or a follower of the case, or, with
        ``verified_sender`` (the receiving server authenticated the ``From``
        domain), a contact of the same customer account. Anyone else who
        names a case gets a new case linked to it, for an agent to check.
        """
        readings = [
            reading
            for token in subject_references(subject)
            for reading in reference_readings(token)
        ]
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

    @api.constrains("hs_intent_id", "company_id")
    def _check_hs_intent_company(self):
        """A case of one company never carries another company's intent (a
        forged id over RPC, a case moved to another company)."""
        # sudo: the intent's company decides, whatever the writer may read
        for ticket in self.sudo().filtered("hs_intent_id"):
            if ticket.hs_intent_id.company_id != ticket.company_id:
                raise ValidationError(
                    self.env._(
                        "Case %(case)s belongs to %(company)s: its intent must be "
                        "one of that company's, not %(intent)s.",
                        case=ticket.display_name,
                        company=ticket.company_id.name,
                        intent=ticket.hs_intent_id.display_name,
                    )
                )

    def write(self, vals):
        watched = [f for f in ROUTED_FIELDS if f in vals]
        if not watched or self.env.context.get("hs_routing") or self.env.su:
            return super().write(vals)
        before = {t: {f: t[f] for f in watched} for t in self}
        result = super().write(vals)
        Log = self.env["hybrid.support.routing.log"]
        logs = [
            Log._values(
                ticket,
                "override",
                name,
                before[ticket][name],
                ticket[name],
                user_id=self.env.uid,
            )
            for ticket in self.filtered(lambda t: t.hs_origin or t.hs_source_message_id)
            for name in watched
            if before[ticket][name] != ticket[name]
        ]
        if logs:
            # sudo: agents may not create audit entries directly, only this way
            Log.sudo().create(logs)
        return result

    def action_view_routing_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_intake.hybrid_support_routing_log_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {}
        return action
