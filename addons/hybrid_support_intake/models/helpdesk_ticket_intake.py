from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.mail import formataddr, plaintext2html

from ..tools.body_clean import html_to_text, split_reply, writer_text
from ..tools.intake import (
    CHANNEL_ORIGINS,
    CHANNEL_XMLIDS,
    CUSTOMER_FIELDS,
    ORIGINS,
    routes_and_acknowledges,
)
from ..tools.phones import find_phone_numbers, may_hold_phone_number
from ..tools.signature import strip_signature

# the fields API clients other than customers pass besides the case's own
API_CONTACT_KEYS = ("partner_email", "partner_name")


class HelpdeskTicket(models.Model):
    """The intake pipeline: one entry point, :meth:`_hs_intake`, that every
    channel runs on its new cases, and the hooks it calls in order (listed in
    ``readme/USAGE.md``, Developers). The email gateway calls it once core
    has made the case (``mail.thread._message_route_process``); a case
    created with an ``hs_origin`` of another channel runs it from
    :meth:`create`; customers and integrations open cases through
    :meth:`hs_submit_case`."""

    _inherit = "helpdesk.ticket"

    hs_origin = fields.Selection(
        ORIGINS,
        string="Arrived by",
        readonly=True,
        copy=False,
        help="How the case arrived: it went through the intake pipeline "
        "(clean text, requester, references, triage, routing, duplicates, "
        "SLA, acknowledgement) for that channel. Empty: created by other "
        "code, outside the pipeline.",
    )

    # ------------------------------------------------------------------
    # CRUD: a case created with a channel's origin goes through intake
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("hs_origin") in CHANNEL_ORIGINS:
                self._hs_channel_case_values(vals)
        tickets = super().create(vals_list)
        for origin in sorted(CHANNEL_ORIGINS):
            arrived = tickets.filtered(lambda t, o=origin: t.hs_origin == o)
            if arrived:
                arrived._hs_intake(origin)
        return tickets

    def web_save(self, vals, specification, next_id=None):
        # an agent saving a new case in the form view (or the kanban's quick
        # create): the back-office channel
        if not self and "hs_origin" not in vals:
            vals = {**vals, "hs_origin": "backoffice"}
        return super().web_save(vals, specification, next_id=next_id)

    @api.model
    def _hs_channel_case_values(self, vals):
        """Complete ``vals`` (changed in place) of a case a channel other
        than email is creating, as ``message_new`` does for an email: the
        requester, the clean text, the channel, the triage values in the
        same INSERT, whether to acknowledge."""
        origin = vals["hs_origin"]
        _route, acknowledge = routes_and_acknowledges(origin)
        if not vals.get("partner_id") and vals.get("partner_email"):
            # sudo: the requester is found or made for whoever opens the
            # case (a customer, an agent, an integration), as the gateway
            # does for a sender
            requester = (
                self.env["res.partner"]
                .sudo()
                ._hs_requester_from_email(
                    formataddr((vals.get("partner_name") or "", vals["partner_email"]))
                )
            )
            vals["partner_id"] = requester.id
        partner = self.env["res.partner"].browse(vals.get("partner_id") or [])
        if partner:
            vals.setdefault("partner_name", partner.name)
            vals.setdefault("partner_email", partner.email)
        plain = html_to_text(vals.get("description") or "")
        clean, _elided = split_reply(plain)
        if partner:
            # sudo: the signature learnt from the customer's emails
            clean = strip_signature(clean, partner.sudo().hs_signature)
        vals.setdefault("hs_clean_body", clean)
        vals.setdefault("hs_writer_text", writer_text(plain))
        vals.setdefault("hs_received_date", fields.Datetime.now())
        vals.setdefault("hs_ack_pending", acknowledge)
        # helpdesk_mgmt's auto-assign would give the case to whoever
        # creates it (a customer under sudo, the API user): routing decides
        vals.setdefault("user_id", False)
        channel_id = self.env["ir.model.data"]._xmlid_to_res_id(
            CHANNEL_XMLIDS.get(origin, ""), raise_if_not_found=False
        )
        if channel_id:
            vals.setdefault("channel_id", channel_id)
        # sudo: triage reads the desk's trained models and settings whoever
        # opens the case, as in the gateway (core runs message_new in sudo)
        for key, value in (
            self.sudo()
            ._hs_new_case_values(vals.get("name") or "", clean, origin)
            .items()
        ):
            vals.setdefault(key, value)
        return vals

    # ------------------------------------------------------------------
    # The pipeline and its hooks
    # ------------------------------------------------------------------

    def _hs_intake(self, origin, extra_jobs=()):
        """Run the intake pipeline on the new cases ``self``, arrived by
        ``origin`` (``tools/intake.py``: gateway, import, portal, phone, api,
        chat, backoffice). In order: :meth:`_hs_enrich`, and unless history
        is being imported :meth:`_hs_route`, :meth:`_hs_after_route`, then
        the jobs of :meth:`_hs_jobs_after_intake` (and ``extra_jobs``) are
        triggered. Returns those jobs' xmlids."""
        route, _acknowledge = routes_and_acknowledges(origin)
        # sudo: the pipeline is the desk's, whoever brought the case (a
        # customer, the gateway's user, an agent without every right)
        cases = self.sudo()
        cases._hs_enrich(origin)
        if not route:
            return []  # history: no routing, SLA, acknowledgement or job
        cases._hs_route(origin)
        cases._hs_after_route(origin)
        jobs = cases._hs_jobs_after_intake(origin)
        self.env["ir.cron"]._hs_trigger_in_slot(jobs + list(extra_jobs))
        return jobs

    @api.model
    def _hs_new_case_values(self, subject, clean_body, origin):
        """Hook: more values for a case about to be created, in its INSERT
        (the ai addon adds its triage and whether to draft a reply)."""
        return {}

    def _hs_enrich(self, origin):
        """Hook, first step: extract and flag. Intake flags probable
        duplicates and extracts phone numbers and references; ai classifies
        and summarises. ``origin``: how these new cases arrived, or ``None``
        when cases that already existed are enriched again."""
        # duplicates first: their search flushes the new cases, better before
        # the other values are written than between them (one UPDATE)
        self._hs_flag_duplicates()
        self._hs_extract_phone_numbers()
        self._hs_extract_references()
        return True

    def _hs_extract_phone_numbers(self):
        for ticket in self:
            text = ticket.hs_writer_text or ticket.hs_clean_body
            numbers = []
            # the region only for a text with digits: the company's country
            # is computed from its address (queries for most emails)
            if may_hold_phone_number(text):
                country = (
                    ticket.partner_id.country_id
                    or ticket.partner_id.commercial_partner_id.country_id
                    or ticket.company_id.country_id
                )
                numbers = find_phone_numbers(text, country.code)
            known = [n.strip() for n in (ticket.hs_phone_numbers or "").split(",")]
            # a number the channel knew (the caller's) stays first
            numbers = [n for n in known if n] + [n for n in numbers if n not in known]
            if numbers and ", ".join(numbers) != (ticket.hs_phone_numbers or ""):
                ticket.hs_phone_numbers = ", ".join(numbers)

    def _hs_extract_references(self):
        self.env["hybrid.support.ticket.reference"]._extract_for(self)

    def _hs_route(self, origin):
        """Hook, second step: apply the routing rules to new cases, then
        :meth:`_hs_model_routing`, then the fallback assignment; every change
        is logged with the rule and what it matched
        (``hybrid.support.routing.rule._route``)."""
        self.env["hybrid.support.routing.rule"]._route(self)

    def _hs_model_routing(self, rule_logs):
        """Hook: trained models may set what no rule set; returns logs."""
        return []

    def _hs_after_route(self, origin):
        """Hook, third step: the cases' team and priority are final (the
        escalation addon sets the SLA targets). ``origin`` is ``None`` when
        existing cases are enriched again."""
        return True

    def _hs_jobs_after_intake(self, origin):
        """Hook, last step: xmlids of the cron jobs the new cases wait for
        (acknowledgements here; draft replies in the ai addon), triggered in
        batches by ``ir.cron._hs_trigger_in_slot``."""
        if any(self.mapped("hs_ack_pending")):
            return ["hybrid_support_intake.ir_cron_send_acknowledgements"]
        return []

    @api.model
    def _hs_enrich_open_cases(self):
        """Run the enrichment again on open email cases, e.g. once an addon that
        classifies or sets deadlines is installed after they arrived."""
        cases = self.search(
            [("hs_source_message_id", "!=", False), ("stage_id.closed", "=", False)]
        )
        cases._hs_enrich(None)
        cases._hs_after_route(None)
        return True

    # ------------------------------------------------------------------
    # Opening a case: customers (portal form, API) and integrations
    # ------------------------------------------------------------------

    @api.model
    def hs_submit_case(self, values):
        """Open a case through the intake pipeline (origin ``api``), as the
        calling user: over JSON-2 (``/json/2/helpdesk.ticket/hs_submit_case``
        with ``{"values": {...}}``) or XML-RPC ``execute_kw``.

        A portal user opens a case for themselves: ``name`` (subject),
        ``description`` (plain text), ``category_id`` and ``team_id`` among
        those offered in the portal; anything else is refused. A helpdesk
        user or an integration's user with the right to create cases may
        pass any field of the case, and ``partner_email``/``partner_name``
        to find or create the requester. Returns ``{"id", "number"}``."""
        ticket = self._hs_submit_case(values, "api")
        return {"id": ticket.id, "number": ticket.number}

    @api.model
    def _hs_submit_case(self, values, origin):
        values = dict(values or {})
        user = self.env.user
        if user._is_public():
            raise AccessError(self.env._("Sign in to open a case."))
        if "description" in values:
            values["description"] = plaintext2html(values["description"] or "")
        if origin == "portal" or user.share:
            values = self._hs_customer_case_values(values)
            # sudo: customers may not create cases; they open their own,
            # with the values checked above
            ticket = self.sudo().create({**values, "hs_origin": origin})
            ticket.message_subscribe(partner_ids=user.partner_id.ids)
            return ticket.sudo(False)
        self.check_access("create")
        return self.create({**values, "hs_origin": origin})

    @api.model
    def _hs_customer_case_values(self, values):
        """The values a customer may give a case they open themselves,
        checked: the subject, their text, a category and a team among those
        the portal offers. Raises on anything else."""
        forbidden = sorted(set(values) - CUSTOMER_FIELDS)
        if forbidden:
            raise AccessError(
                self.env._(
                    "A customer may not set these fields of a case: %(fields)s",
                    fields=", ".join(forbidden),
                )
            )
        user = self.env.user
        if not user.partner_id._hs_may_open_cases():
            raise AccessError(self.env._("You may not open cases."))
        if not (values.get("name") or "").strip():
            raise UserError(self.env._("A case needs a subject."))
        company = self.env.company
        # sudo: the portal's lists of categories and teams are configuration
        # a customer may not read; only those shown in the portal are offered
        category = (
            self.env["helpdesk.ticket.category"]
            .sudo()
            .browse(values.get("category_id") or [])
            .exists()
        )
        if values.get("category_id") and not (
            category.active
            and category.show_in_portal
            and (
                not category.company_id
                or category.company_id in (company | user.company_ids)
            )
        ):
            raise AccessError(self.env._("This category is not offered to you."))
        company = category.company_id or company
        team = (
            self.env["helpdesk.ticket.team"]
            .sudo()
            .browse(values.get("team_id") or [])
            .exists()
        )
        if values.get("team_id") and not (
            team.active
            and team.show_in_portal
            and company.sudo().helpdesk_mgmt_portal_select_team
            and team.company_id in (company | team.company_id.browse())
        ):
            raise AccessError(self.env._("This team does not take cases from you."))
        partner = user.partner_id
        return {
            "name": values["name"].strip(),
            "description": values.get("description") or "<p></p>",
            "category_id": category.id,
            "team_id": team.id,
            "company_id": company.id,
            "partner_id": partner.id,
            "partner_name": partner.name,
            "partner_email": partner.email,
            "user_id": False,
            # the requester signed in: an authenticated sender
            "hs_sender_authenticated": True,
        }
