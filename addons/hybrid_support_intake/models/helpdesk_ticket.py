from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.mail import email_normalize

# Changes to these by an agent are logged as overrides of the routing.
ROUTED_FIELDS = ("team_id", "user_id", "priority", "category_id")


class HelpdeskTicket(models.Model):
    """The case as the mail gateway makes it: requester, clean text,
    threading, references and phones, and the pipeline's steps. Its other
    concerns are mixins composed here (triage schema, probable duplicates,
    acknowledgement) or live on their own models (routing rules apply
    themselves, references extract themselves). The gateway's overrides
    (``message_new``, ``message_update``, threading by the subject's
    reference) are in ``helpdesk_ticket_gateway.py``, the pipeline's steps in
    ``helpdesk_ticket_intake.py``."""

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

    # The key of the links we email (``/my/ticket/<id>?access_token=``):
    # customers open their cases with their session; a token they could
    # read would keep opening the account's cases anonymously once their
    # access is revoked. Links are built server-side (_portal_ensure_token).
    access_token = fields.Char(groups="base.group_user")

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
            # the contact's tags are read only when the company names VIP
            # tags (a query per new case otherwise)
            tags = self.env["res.partner.category"]
            if vip_tags:
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

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        if self.env.context.get("hs_field_names_only") and attributes is None:
            attributes = ["type"]
        return super().fields_get(allfields=allfields, attributes=attributes)

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

    def _portal_ensure_token(self):
        # sudo: the token is internal (groups=); the emails and pages that
        # link to the case build the link for whoever may read it
        return super(HelpdeskTicket, self.sudo())._portal_ensure_token()

    @api.private
    def get_portal_url(
        self,
        suffix=None,
        report_type=None,
        download=None,
        query_string=None,
        anchor=None,
    ):
        """Not over RPC: the link carries the case's token."""
        return super().get_portal_url(
            suffix=suffix,
            report_type=report_type,
            download=download,
            query_string=query_string,
            anchor=anchor,
        )
