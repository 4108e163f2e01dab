import logging
import os
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools.mail import email_normalize, plaintext2html
from odoo.tools.misc import file_path

from ..tools.ack_text import quotable
from ..tools.body_clean import html_to_text, split_reply, writer_text
from ..tools.phones import find_phone_numbers
from ..tools.references import compile_pattern, find_references, subject_references
from ..tools.routing import CaseFacts, evaluate
from ..tools.sender_trust import key_matches, keyed_reference, reference_readings
from ..tools.signature import strip_signature
from ..tools.similarity import similarity_at_least, tokens

# Changes to these by an agent are logged as overrides of the routing.
ROUTED_FIELDS = ("team_id", "user_id", "priority", "category_id")
JOB_SLOT_SECONDS = 10  # new cases of the same slot share their job triggers

_logger = logging.getLogger(__name__)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"
    # helpdesk_mgmt dropped this, which switched off Odoo's loop detection for
    # new tickets (_detect_loop_sender_domain found no field to count on).
    _primary_email = "partner_email"
    # the gateway counts a sender's recent cases (loop protection) and looks
    # for an account's recent open cases (duplicates) on every email
    _hs_create_date_idx = models.Index("(create_date)")
    _hs_account_recent_idx = models.Index("(commercial_partner_id, create_date)")

    clean_body = fields.Text(
        readonly=True,
        help="What the customer wrote in the first email, without quoted "
        "history, reply headers or signature. The full original stays in the "
        "chatter.",
    )
    source_message_id = fields.Char(
        string="Source Message-ID", readonly=True, copy=False, index="btree_not_null"
    )
    automated_reason = fields.Char(
        string="Sent by a machine",
        readonly=True,
        copy=False,
        help="Why the first email was recognised as machine-sent (auto-reply, "
        "bulk, bounce...). Such senders never receive an acknowledgement.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    received_date = fields.Datetime(
        string="First email received",
        readonly=True,
        copy=False,
        help="Date of the first email (its Date header), also for imported history.",
    )
    ack_sent = fields.Boolean(string="Acknowledged", readonly=True, copy=False)
    ack_pending = fields.Boolean(
        string="Acknowledgement queued",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Set by the gateway; the acknowledgement job sends it within "
        "seconds, in batches, so that rendering never slows down or breaks "
        "the intake of the email itself.",
    )
    # Filled by hybrid_support_ai when installed; read by routing and escalation.
    intent = fields.Char(
        readonly=True, index=True, groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
    intent_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
    urgency = fields.Selection(
        [
            ("low", "Low"),
            ("normal", "Normal"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    urgency_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
    sentiment = fields.Float(
        readonly=True,
        help="From -1 (angry) to 1 (happy).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    sentiment_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
    sentiment_trend = fields.Float(
        readonly=True,
        digits=(3, 2),
        help="How the customer's tone moved over the thread, from -1 (worse) "
        "to 1 (better).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    frustrated = fields.Boolean(
        readonly=True,
        index="btree_not_null",
        help="The customer wrote again without an answer, or is angry and waiting.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    language = fields.Char(
        readonly=True,
        help="ISO 639-1 code of the first email",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    language_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
    phone_numbers = fields.Char(
        readonly=True,
        help="Phone numbers written in the first email or its signature, in "
        "E.164 form (region from the contact's or company's country).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    reference_ids = fields.One2many(
        "hybrid.support.ticket.reference",
        "ticket_id",
        string="References",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    # computed before the INSERT, not by an UPDATE of each new case
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, precompute=True
    )
    is_vip = fields.Boolean(
        string="VIP",
        compute="_compute_is_vip",
        store=True,
        precompute=True,
        help="The requester or their company carries a VIP tag, or writes from "
        "a VIP domain (Settings > Helpdesk).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    writer_text = fields.Text(
        readonly=True,
        help="What the customer typed in the first email, signature included, "
        "without quoted history: the text rules and extraction read.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    reopen_count = fields.Integer(
        readonly=True,
        copy=False,
        help="Times a customer's reply reopened it.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    followup_of_id = fields.Many2one(
        "helpdesk.ticket",
        string="Follow-up of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The closed case the customer replied to.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    probable_duplicate_id = fields.Many2one(
        "helpdesk.ticket",
        string="Probable duplicate of",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="A recent open case of the same customer account with nearly the "
        "same subject and text. Merge it, or dismiss the flag.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    probable_duplicate_score = fields.Float(
        readonly=True,
        copy=False,
        digits=(3, 2),
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
    hs_keyed_reference = fields.Char(
        string="Reference with key",
        compute="_compute_hs_keyed_reference",
        help="The case number with a short key derived from the database "
        "secret, put in the subjects of our emails: a reply that keeps it "
        "threads into the case even when its sender is not yet a follower.",
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
    routing_log_ids = fields.One2many(
        "hybrid.support.routing.log",
        "ticket_id",
        string="Routing decisions",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    routing_log_count = fields.Integer(
        compute="_compute_routing_log_count",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
    ack_suggestions_html = fields.Html(
        compute="_compute_ack_suggestions_html",
        sanitize=False,  # built from escaped values by the code that fills it
        help="Help quoted in the acknowledgement, e.g. knowledge-base articles "
        "when hybrid_support_kb is installed.",
    )
    response_promise = fields.Char(
        compute="_compute_response_promise",
        help="Response-time promise quoted in the acknowledgement.",
    )
    ack_portal_button = fields.Html(
        compute="_compute_ack_portal_button",
        sanitize=False,  # built from escaped values below
        help="Link to the case in the customer portal, with its access token.",
    )
    hs_ack_subject = fields.Char(
        compute="_compute_hs_ack_quotes",
        help="The subject as the acknowledgement quotes it: links, addresses "
        "and host names removed, shortened.",
    )
    hs_ack_customer_name = fields.Char(
        compute="_compute_hs_ack_quotes",
        help="The requester's name as the acknowledgement greets them, "
        "cleaned the same way (a display name can carry a link too).",
    )
    ack_signature = fields.Char(
        compute="_compute_ack_signature",
        help="Who signs the acknowledgement: the team, else the company.",
    )

    # The acknowledgement template uses these only: Odoo then renders it
    # without compiling it for each case, and any user allowed to edit
    # templates may change it without the right to write code.
    ACK_EXPRESSIONS = (
        "object.number",
        "object.hs_keyed_reference",
        "object.hs_ack_subject",
        "object.hs_ack_customer_name",
        "object.response_promise",
        "object.ack_suggestions_html",
        "object.ack_portal_button",
        "object.ack_signature",
    )

    def mail_allowed_qweb_expressions(self):
        return super().mail_allowed_qweb_expressions() + self.ACK_EXPRESSIONS

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
            ticket.is_vip = bool(set(tags.ids) & vip_tags) or (
                email.rpartition("@")[2] in domains
            )

    def _compute_routing_log_count(self):
        counts = dict(
            self.env["hybrid.support.routing.log"]._read_group(
                [("ticket_id", "in", self.ids)], ["ticket_id"], ["__count"]
            )
        )
        for ticket in self:
            ticket.routing_log_count = counts.get(ticket, 0)

    def _compute_ack_suggestions_html(self):
        self.ack_suggestions_html = False

    def _compute_ack_portal_button(self):
        for ticket in self:
            url = ticket.get_base_url() + ticket.get_portal_url()
            ticket.ack_portal_button = Markup(
                '<a href="%s" style="background-color: #875A7B; padding: 8px 16px; '
                'color: #fff; border-radius: 5px; text-decoration: none;">%s</a>'
            ) % (url, self.env._("View your case"))

    @api.depends("name", "partner_id.name")
    def _compute_hs_ack_quotes(self):
        for ticket in self:
            ticket.hs_ack_subject = quotable(ticket.name or "")
            ticket.hs_ack_customer_name = quotable(ticket.partner_id.name or "", 40)

    def _compute_ack_signature(self):
        for ticket in self:
            ticket.ack_signature = ticket.team_id.name or ticket.company_id.name

    @api.depends("company_id")
    def _compute_response_promise(self):
        for ticket in self:
            ticket.response_promise = ticket.company_id.hs_response_promise or ""

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

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
        values.setdefault("clean_body", clean)
        values.setdefault("writer_text", writer_text(plain))
        values.setdefault("source_message_id", msg.get("message_id"))
        values.setdefault("automated_reason", gateway.get("automation_reason") or False)
        values.setdefault(
            "ack_pending",
            not gateway.get("automation_reason")
            and not self.env.context.get("hs_import"),
        )
        values.setdefault("received_date", msg.get("date") or fields.Datetime.now())
        for key, value in self._hs_new_case_values(
            msg.get("subject") or "", clean
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
        new_tickets = self.env.context.get("hs_new_tickets")
        if new_tickets is not None:
            new_tickets.append(ticket.id)
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
                {"stage_id": stage.id, "reopen_count": ticket.reopen_count + 1}
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
    def _hs_new_case_values(self, subject, clean_body):
        """Hook: more values for a case the gateway is about to create, so
        that classifiers write in the same INSERT instead of an UPDATE."""
        return {}

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

    @api.model
    def _hs_case_key_secret(self):
        # sudo: the database secret keys the case references of our emails
        return self.env["ir.config_parameter"].sudo().get_param("database.secret")

    @api.depends("number")
    def _compute_hs_keyed_reference(self):
        secret = self._hs_case_key_secret()
        for ticket in self:
            ticket.hs_keyed_reference = (
                keyed_reference(secret, ticket.number)
                if ticket.number and ticket.number != "/"
                else ticket.number
            )

    def _hs_enrich(self):
        """Hook run on the cases an email has just created, before routing
        and the acknowledgement: intake extracts phone numbers and
        references; the other addons classify, set SLA deadlines..."""
        # duplicates first: their search flushes the new cases, better before
        # the other values are written than between them (one UPDATE)
        self._hs_flag_duplicates()
        self._hs_extract_phone_numbers()
        self._hs_extract_references()
        return True

    def _hs_duplicate_text(self):
        return f"{self.name or ''}\n{self.clean_body or ''}"

    def _hs_flag_duplicates(self, per_case=30):
        """Flag cases nearly identical to a recent open case of the same
        customer account: one search for the batch, bounded to the most
        recent ``per_case`` candidates per case (a duplicate follows its
        original closely; a busy account must not make each email slower)."""
        hours = max(self.company_id.mapped("hs_duplicate_window_hours") or [0])
        accounts = self.commercial_partner_id
        if not hours or not accounts:
            return
        candidates = self.search_fetch(
            [
                ("commercial_partner_id", "in", accounts.ids),
                ("id", "not in", self.ids),
                ("create_date", ">=", fields.Datetime.now() - timedelta(hours=hours)),
                ("stage_id.closed", "=", False),
                ("probable_duplicate_id", "=", False),
            ],
            ["commercial_partner_id", "create_date", "name", "clean_body"],
            order="id desc",
            limit=per_case * len(self),
        )
        words = {other: tokens(other._hs_duplicate_text()) for other in candidates}
        for ticket in self.filtered("commercial_partner_id"):
            company = ticket.company_id
            since = fields.Datetime.now() - timedelta(
                hours=company.hs_duplicate_window_hours
            )
            mine = tokens(ticket._hs_duplicate_text())
            best, best_score = None, 0.0
            for other in candidates:
                if (
                    other.commercial_partner_id != ticket.commercial_partner_id
                    or other.create_date < since
                    or not company.hs_duplicate_window_hours
                ):
                    continue
                score = similarity_at_least(
                    mine, words[other], company.hs_duplicate_threshold
                )
                if score and score > best_score:
                    best, best_score = other, score
            if best:
                ticket.write(
                    {
                        "probable_duplicate_id": best.id,
                        "probable_duplicate_score": best_score,
                    }
                )
                ticket.message_post(
                    body=Markup(
                        self.env._(
                            "Probable duplicate of %(case)s (%(score)s%% similar)."
                        )
                    )
                    % {
                        "case": best._get_html_link(best.number),
                        "score": round(best_score * 100),
                    },
                    subtype_xmlid="mail.mt_note",
                )

    def action_merge_into_probable_duplicate(self):
        """helpdesk_mgmt_merge's wizard, preset to merge this case into the
        original: messages, attachments and followers move over."""
        self.ensure_one()
        original = self.probable_duplicate_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge cases"),
            "res_model": "helpdesk.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": [original.id, self.id],
            },
        }

    def action_merge_into_mentioned_case(self):
        """The merge wizard, preset to merge this case into the case its
        email named (once an agent has checked the sender belongs there)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge cases"),
            "res_model": "helpdesk.ticket.merge",
            "view_mode": "form",
            "target": "new",
            "context": {
                "active_model": self._name,
                "active_ids": [self.hs_mentioned_case_id.id, self.id],
            },
        }

    def action_dismiss_probable_duplicate(self):
        self.write({"probable_duplicate_id": False, "probable_duplicate_score": 0})

    def _hs_extract_phone_numbers(self):
        for ticket in self:
            country = (
                ticket.partner_id.country_id
                or ticket.partner_id.commercial_partner_id.country_id
                or ticket.company_id.country_id
            )
            numbers = find_phone_numbers(
                ticket.writer_text or ticket.clean_body, country.code
            )
            if numbers:
                ticket.phone_numbers = ", ".join(numbers)

    def _hs_extract_references(self):
        # plain rows cached across transactions: no query per email
        patterns = self.env["hybrid.support.reference.pattern"]._hs_cached_patterns()
        if not patterns or not self:
            return
        compiled = {p: compile_pattern(p.pattern) for p in patterns}
        found, seen = [], set()  # (ticket, pattern, value)
        for ticket in self:
            seen |= {(ticket, r.kind, r.value) for r in ticket.reference_ids}
            usable = {
                p: regex
                for p, regex in compiled.items()
                if not p.company_id or p.company_id == ticket.company_id.id
            }
            text = (
                f"{ticket.name or ''}\n{ticket.writer_text or ticket.clean_body or ''}"
            )
            for pattern, value in find_references(text, usable):
                if (ticket, pattern.kind, value) not in seen:
                    seen.add((ticket, pattern.kind, value))
                    found.append((ticket, pattern, value))
        links = self._hs_reference_records(found)
        self.env["hybrid.support.ticket.reference"].create(
            [
                {
                    "ticket_id": ticket.id,
                    "pattern_id": pattern.id,
                    "kind": pattern.kind,
                    "value": value,
                    "res_model": links.get((ticket, pattern, value))
                    and pattern.res_model,
                    "res_id": links.get((ticket, pattern, value), False),
                }
                for ticket, pattern, value in found
                if ticket.id
            ]
        )

    def _hs_reference_records(self, found):
        """``{(ticket, pattern, value): record id}`` for references that name a
        record of an installed app belonging to the case's customer; one
        search per model."""
        wanted = {}
        for _ticket, pattern, value in found:
            if pattern.res_model in self.env and pattern.res_field:
                wanted.setdefault((pattern.res_model, pattern.res_field), set()).add(
                    value
                )
        links = {}
        for (model, field), values in wanted.items():
            Model = self.env[model]
            if field not in Model._fields:
                continue
            # sudo: the gateway user may not read sales or invoices; only the
            # link is stored, opening it checks the agent's own access
            records = Model.sudo().search([(field, "in", list(values))])
            by_value = {}
            for record in records:
                by_value.setdefault(record[field], record)
            for ticket, pattern, value in found:
                record = by_value.get(value)
                if (
                    record
                    and pattern.res_model == model
                    and "partner_id" in record._fields
                    and record.partner_id.commercial_partner_id
                    == ticket.commercial_partner_id
                    and record != ticket
                ):
                    links[(ticket, pattern, value)] = record.id
        return links

    # ------------------------------------------------------------------
    # Routing
    # ------------------------------------------------------------------

    def _hs_facts(self):
        self.ensure_one()
        partner = self.partner_id
        return CaseFacts(
            sender=email_normalize(self.partner_email or "") or "",
            subject=self.name or "",
            body=self.writer_text or self.clean_body or "",
            tag_ids=frozenset(
                (partner.category_id | partner.commercial_partner_id.category_id).ids
            ),
            is_vip=self.is_vip,
            channel_id=self.channel_id.id,
            team_id=self.team_id.id,
            language=self.language or "",
            intent=self.intent or "",
            intent_confidence=self.intent_confidence,
        )

    @staticmethod
    def _hs_display(value):
        if isinstance(value, models.BaseModel):
            return ", ".join(value.mapped("display_name"))
        return str(value) if value not in (False, None) else ""

    def _hs_route(self):
        """Apply the routing rules to new cases, then the fallback assignment;
        every change is logged with the rule and what it matched."""
        if not self:
            return
        Rule = self.env["hybrid.support.routing.rule"]
        specs = Rule._hs_cached_specs()  # no query per email
        logs = []
        for ticket in self:
            facts = ticket._hs_facts()
            usable = [
                spec for company, spec in specs if company == ticket.company_id.id
            ]
            for spec, reasons in evaluate(usable, facts):
                logs += ticket._hs_apply_rule(
                    Rule.browse(spec.rule_id), "; ".join(reasons)
                )
        logs += self._hs_model_routing(logs)
        unassigned = self.filtered(lambda t: not t.user_id and t.team_id)
        logs += unassigned._hs_fallback_assign()
        self.env["hybrid.support.routing.log"].create(logs)

    def _hs_model_routing(self, rule_logs):
        """Hook: trained models may set what no rule set; returns logs."""
        return []

    def _hs_apply_rule(self, rule, inputs):
        self.ensure_one()
        logs, values = [], {}
        for name, value in rule._actions().items():
            if self[name] != value:
                values[name] = (
                    value.id if isinstance(value, models.BaseModel) else value
                )
                logs.append(
                    self._hs_log_values(
                        "rule", name, self[name], value, rule_id=rule.id, inputs=inputs
                    )
                )
        new_tags = rule.add_tag_ids - self.tag_ids
        if new_tags:
            values["tag_ids"] = [(4, tag.id) for tag in new_tags]
            logs.append(
                self._hs_log_values(
                    "rule", "tag_ids", "", new_tags, rule_id=rule.id, inputs=inputs
                )
            )
        if values:
            self.with_context(hs_routing=True).write(values)
        if rule.add_follower_ids:
            self.message_subscribe(partner_ids=rule.add_follower_ids.ids)
        if not logs:  # matched without changing anything: still say so
            logs.append(
                self._hs_log_values("rule", "", "", "", rule_id=rule.id, inputs=inputs)
            )
        for log in logs:
            log["team_id"] = self.team_id.id
        return logs

    def _hs_log_values(self, source, field_name, old, new, **extra):
        field = self._fields.get(field_name)
        if field and field.type == "selection":
            labels = dict(field._description_selection(self.env))
            old, new = labels.get(old, old), labels.get(new, new)
        return {
            "ticket_id": self.id,
            "source": source,
            "field_name": field.string if field else "",
            "old_value": self._hs_display(old),
            "new_value": self._hs_display(new),
            "team_id": self.team_id.id,
            "company_id": self.company_id.id,
            **extra,
        }

    def _hs_fallback_assign(self):
        """The customer's last agent when still in the team, otherwise the
        team's assignment method. At most three grouped queries for the
        whole batch, none when the teams have no members."""
        members = self.team_id.user_ids.filtered("active")
        if not self or not members:
            return []
        last_agent = {}
        if any(self.team_id.mapped("hs_assign_last_agent")):
            last_ids = dict(
                self._read_group(
                    [
                        ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                        ("user_id", "!=", False),
                        ("id", "not in", self.ids),
                    ],
                    ["commercial_partner_id"],
                    ["id:max"],
                )
            )
            last_agent = {
                partner: ticket.user_id
                for partner, ticket_id in last_ids.items()
                for ticket in self.browse(ticket_id)
            }
        open_counts = dict(
            self._read_group(
                [("user_id", "in", members.ids), ("stage_id.closed", "=", False)],
                ["user_id"],
                ["__count"],
            )
        )
        latest = dict(
            self._read_group(
                [("user_id", "in", members.ids), ("team_id", "in", self.team_id.ids)],
                ["user_id"],
                ["create_date:max"],
            )
        )
        logs = []
        for ticket in self:
            team = ticket.team_id
            candidates = team.user_ids.filtered("active")
            agent = last_agent.get(ticket.commercial_partner_id)
            inputs = ""
            if team.hs_assign_last_agent and agent and agent in candidates:
                inputs = self.env._("last agent of this customer")
            elif candidates and team.hs_assign_method == "least_loaded":
                agent = min(candidates, key=lambda u: (open_counts.get(u, 0), u.id))
                inputs = self.env._(
                    "%(count)s open cases", count=open_counts.get(agent, 0)
                )
            elif candidates and team.hs_assign_method == "round_robin":
                agent = min(
                    candidates,
                    key=lambda u: (
                        latest.get(u) or fields.Datetime.from_string("1970-01-01"),
                        u.id,
                    ),
                )
                inputs = self.env._("longest without a new case")
            else:
                continue
            ticket.with_context(hs_routing=True).user_id = agent
            open_counts[agent] = open_counts.get(agent, 0) + 1
            latest[agent] = fields.Datetime.now()
            logs.append(
                ticket._hs_log_values("fallback", "user_id", "", agent, inputs=inputs)
            )
        return logs

    def _hs_after_route(self):
        """Hook run once the case's team and priority are final (SLA...)."""
        return True

    def _hs_jobs_after_intake(self):
        """Hook: xmlids of the cron jobs the gateway's new cases wait for
        (acknowledgements here; draft replies in the ai addon)."""
        if any(self.mapped("ack_pending")):
            return ["hybrid_support_intake.ir_cron_send_acknowledgements"]
        return []

    @api.model
    def _hs_trigger_jobs(self, xmlids):
        """Run cron jobs soon instead of in the gateway. The emails of the
        same ten seconds share one trigger per job, set at the end of that
        slot: one query per email instead of a read, an INSERT and a NOTIFY
        per job and email, and a trigger in the future is never consumed by
        a run already under way that could miss this email's case. Cron
        workers wake at least every minute to run it."""
        if not xmlids:
            return
        # _xmlid_to_res_id is cached; env.ref would query per email
        cron_ids = [self.env["ir.model.data"]._xmlid_to_res_id(x) for x in xmlids]
        now = fields.Datetime.now()
        slot = now.replace(microsecond=0) + timedelta(
            seconds=JOB_SLOT_SECONDS - now.second % JOB_SLOT_SECONDS
        )
        # sudo: triggers are technical rows of the scheduler
        planned = (
            self.env["ir.cron.trigger"]
            .sudo()
            .search_fetch(
                [("cron_id", "in", cron_ids), ("call_at", "=", slot)], ["cron_id"]
            )
            .cron_id
        )
        for cron in self.env["ir.cron"].browse(cron_ids) - planned:
            cron._trigger(slot)

    def write(self, vals):
        watched = [f for f in ROUTED_FIELDS if f in vals]
        if not watched or self.env.context.get("hs_routing") or self.env.su:
            return super().write(vals)
        before = {t: {f: t[f] for f in watched} for t in self}
        result = super().write(vals)
        logs = [
            ticket._hs_log_values(
                "override",
                name,
                before[ticket][name],
                ticket[name],
                user_id=self.env.uid,
            )
            for ticket in self.filtered("source_message_id")
            for name in watched
            if before[ticket][name] != ticket[name]
        ]
        if logs:
            # sudo: agents may not create audit entries directly, only this way
            self.env["hybrid.support.routing.log"].sudo().create(logs)
        return result

    def action_view_routing_logs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_intake.hybrid_support_routing_log_action"
        )
        action["domain"] = [("ticket_id", "=", self.id)]
        action["context"] = {}
        return action

    @api.model
    def _hs_enrich_open_cases(self):
        """Run the enrichment again on open email cases, e.g. once an addon that
        classifies or sets deadlines is installed after they arrived."""
        cases = self.with_context(hs_reenrich=True).search(
            [("source_message_id", "!=", False), ("stage_id.closed", "=", False)]
        )
        cases._hs_enrich()
        cases._hs_after_route()
        return True

    def _hs_ack_recipients_ok(self):
        """Tickets of self whose requester may receive an acknowledgement."""
        # sudo: alias domains are configuration the gateway user may not read
        alias_emails = set(
            self.env["mail.alias.domain"]
            .sudo()
            ._find_aliases([t.partner_id.email_normalized for t in self])
        )
        return self.filtered(
            lambda t: (
                t.partner_id.email_normalized
                and t.partner_id.email_normalized not in alias_emails
                and not t.automated_reason
                and not t.ack_sent
                and t.company_id.hs_ack_enabled
            )
        )

    def _hs_over_rate_limit(self):
        """Tickets whose acknowledgement would go over a limit of the hour:
        per requester (a misbehaving sender) and per company (forged senders
        by the thousand), counting the tickets of ``self`` in id order as
        they would be sent. Two grouped queries for the batch."""
        since = fields.Datetime.now() - timedelta(hours=1)
        recent = [("ack_sent", "=", True), ("create_date", ">=", since)]
        per_sender = dict(
            self._read_group(
                recent + [("partner_id", "in", self.partner_id.ids)],
                ["partner_id"],
                ["__count"],
            )
        )
        per_company = dict(
            self._read_group(
                recent + [("company_id", "in", self.company_id.ids)],
                ["company_id"],
                ["__count"],
            )
        )
        limited = self.browse()
        for ticket in self.sorted("id"):
            company = ticket.company_id
            sent = per_sender.get(ticket.partner_id, 0)
            sent_all = per_company.get(company, 0)
            if (company.hs_ack_rate_limit and sent >= company.hs_ack_rate_limit) or (
                company.hs_ack_global_rate_limit
                and sent_all >= company.hs_ack_global_rate_limit
            ):
                limited |= ticket
            else:
                per_sender[ticket.partner_id] = sent + 1
                per_company[company] = sent_all + 1
        return limited

    def _hs_unauthenticated_first_timers(self):
        """Tickets of companies that acknowledge first-time senders only when
        authenticated, whose sender was not and never wrote before."""
        strict = self.filtered(
            lambda t: (
                t.company_id.hs_ack_first_time_authenticated
                and not t.hs_sender_authenticated
            )
        )
        if not strict:
            return strict
        earlier = {
            partner
            for partner, _count in self._read_group(
                [
                    ("partner_id", "in", strict.partner_id.ids),
                    ("id", "not in", strict.ids),
                ],
                ["partner_id"],
                ["__count"],
            )
        }
        return strict.filtered(lambda t: t.partner_id not in earlier)

    def _hs_send_acknowledgement(self):
        template = self.env["mail.template"].browse(
            self.env["ir.model.data"]._xmlid_to_res_id(
                "hybrid_support_intake.mail_template_ticket_acknowledgement",
                raise_if_not_found=False,
            )
        )
        if not template or not self:
            return
        eligible = self._hs_ack_recipients_ok()
        unknown = eligible._hs_unauthenticated_first_timers()
        for ticket in unknown:
            _logger.info(
                "No acknowledgement for %s: first case of %s, sender not authenticated",
                ticket.number,
                ticket.partner_id.email_normalized,
            )
        eligible -= unknown
        limited = eligible._hs_over_rate_limit()
        for ticket in limited:
            _logger.info(
                "No acknowledgement for %s: the hourly limit is reached (%s)",
                ticket.number,
                ticket.partner_id.email_normalized,
            )
        to_send = eligible - limited
        self.filtered("ack_pending").ack_pending = False
        if not to_send:
            return
        for ticket in to_send:
            ticket._portal_ensure_token()
        # Rendered once for the batch and posted directly: the composer wizard
        # costs as much as the rest of the gateway for one message.
        subjects = template._render_field("subject", to_send.ids, compute_lang=True)
        bodies = template._render_field("body_html", to_send.ids, compute_lang=True)
        for ticket in to_send:
            # auto_comment keeps the customer's reply to it a public message.
            ticket.message_post(
                body=bodies[ticket.id],
                subject=subjects[ticket.id],
                partner_ids=ticket.partner_id.ids,
                author_id=ticket.company_id.partner_id.id,
                message_type="auto_comment",
                subtype_xmlid="mail.mt_note",
                email_layout_xmlid="mail.mail_notification_light",
            )
        to_send.ack_sent = True

    @api.model
    def _hs_send_pending_acknowledgements(self, limit=None):
        """Send the queued acknowledgements; return how many cases were done."""
        pending = self.search([("ack_pending", "=", True)], order="id", limit=limit)
        # another run (a second cron server, a manual run) may hold some:
        # never two acknowledgements, never a wait
        locked = pending.try_lock_for_update(allow_referencing=True)
        locked._hs_send_acknowledgement()
        return len(pending)

    @api.model
    def _hs_cron_send_acknowledgements(self, batch_size=100):
        cron = self.env["ir.cron"]
        remaining = self.search_count([("ack_pending", "=", True)])
        while remaining:
            done = self._hs_send_pending_acknowledgements(limit=batch_size)
            remaining = max(remaining - done, 0)
            if cron._commit_progress(done, remaining=remaining) <= 0 or not done:
                break

    @api.model
    def _hs_process_demo_emails(self, directory, team_id):
        """Process the ``.eml`` files of an addon folder, in name order, with
        ``team_id`` as the route of emails that match no alias."""
        folder = file_path(directory)
        for name in sorted(os.listdir(folder)):
            if name.endswith(".eml"):
                with open(os.path.join(folder, name), "rb") as handle:
                    self.env["mail.thread"].message_process(
                        self._name, handle.read(), custom_values={"team_id": team_id}
                    )
        self._hs_send_pending_acknowledgements()
        return True
