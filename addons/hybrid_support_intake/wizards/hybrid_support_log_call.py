import re

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.mail import formataddr, plaintext2html

from ..tools.phones import normalize_phone

# the national part of a number, enough to tell two contacts apart
PHONE_DIGITS = 8


class HybridSupportLogCall(models.TransientModel):
    """An agent logs a customer's phone call as a case: the caller's
    contact (found by email or phone number, created when unknown), the
    call notes as the customer's text, channel Phone; the case goes through
    the intake pipeline like an email (references, phones, triage, routing,
    duplicates, SLA), without an acknowledgement unless the agent asks."""

    _name = "hybrid.support.log.call"
    _description = "Log a phone call as a case"

    partner_id = fields.Many2one("res.partner", string="Caller")
    caller_name = fields.Char()
    phone = fields.Char(string="Phone number")
    email = fields.Char()
    subject = fields.Char(required=True)
    notes = fields.Text(
        string="What the caller said",
        required=True,
        help="The customer's request in their words: it becomes the case's "
        "text, read by triage, routing rules and reference extraction.",
    )
    team_id = fields.Many2one("helpdesk.ticket.team")
    category_id = fields.Many2one("helpdesk.ticket.category")
    acknowledge = fields.Boolean(
        string="Email an acknowledgement",
        help="Send the caller the case's acknowledgement (reference and "
        "portal link), as for an email.",
    )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.caller_name = self.partner_id.name
            self.email = self.partner_id.email
            self.phone = self.partner_id.phone

    def _region(self):
        return self.env.company.country_id.code

    def _contact_by_phone(self, number):
        """The oldest contact the agent may read whose phone is ``number``
        (E.164): candidates by their last digits, compared normalised."""
        digits = re.sub(r"\D", "", number)[-PHONE_DIGITS:]
        self.env.cr.execute(
            """SELECT id FROM res_partner
                WHERE active AND phone IS NOT NULL
                  AND regexp_replace(phone, '[^0-9]', '', 'g') LIKE %s
                ORDER BY id LIMIT 50""",
            ["%" + digits],
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        region = self._region()
        return (
            self.env["res.partner"]
            .search([("id", "in", ids)], order="id")
            .filtered(lambda p: normalize_phone(p.phone, region) == number)[:1]
        )

    def _caller(self, number):
        """The caller's contact: the one chosen, else by email address, else
        by phone number, else a new contact."""
        if self.partner_id:
            return self.partner_id
        # sudo: the agent taking the call finds or creates the caller's
        # contact as the gateway does for a sender (agents may not create
        # contacts themselves)
        Partner = self.env["res.partner"].sudo()
        if self.email:
            caller = Partner._hs_requester_from_email(
                formataddr((self.caller_name or "", self.email))
            )
            if caller:
                if number and not caller.phone:
                    caller.phone = number
                return caller
        caller = self._contact_by_phone(number) if number else Partner
        if caller or not (self.caller_name or number):
            return caller
        return Partner.create({"name": self.caller_name or number, "phone": number})

    def action_log_call(self):
        self.ensure_one()
        number = normalize_phone(self.phone, self._region()) if self.phone else ""
        if self.phone and not number:
            raise UserError(
                self.env._(
                    "%(phone)s is not a phone number (write it with its "
                    "country prefix, e.g. +44 20 7946 0123).",
                    phone=self.phone,
                )
            )
        caller = self._caller(number)
        values = {
            "name": self.subject,
            "description": plaintext2html(self.notes),
            "partner_id": caller.id,
            "hs_origin": "phone",
            "hs_ack_pending": self.acknowledge,
            "hs_phone_numbers": number or False,
        }
        if self.team_id:
            values["team_id"] = self.team_id.id
        if self.category_id:
            values["category_id"] = self.category_id.id
        ticket = self.env["helpdesk.ticket"].create(values)
        return {
            "type": "ir.actions.act_window",
            "res_model": "helpdesk.ticket",
            "res_id": ticket.id,
            "view_mode": "form",
            "target": "current",
        }
