from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..tools.support_roles import (
    DEFAULT_COMPANY_CASES,
    DEFAULT_ROLE,
    ROLES,
    SCOPE_COMPANY,
    SCOPE_NONE,
    SCOPE_OWN,
    case_scope,
)

ROLE_FIELDS = ("hs_support_role", "hs_support_company_cases")
# how many of the account's cases each scope reads, to tell a narrowing
SCOPE_BREADTH = {SCOPE_NONE: 0, SCOPE_OWN: 1, SCOPE_COMPANY: 2}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Back-office fields: a portal user reads and changes them only through
    # the team page's checked routes, never over RPC.
    hs_support_role = fields.Selection(
        ROLES,
        string="Support role",
        default=DEFAULT_ROLE,
        groups="base.group_user",
        help="Which of the account's cases this contact sees in the portal. "
        "Company support admin: every case, and manages colleagues. Member: "
        "own and followed cases, or every case with 'Sees all company cases'. "
        "No access: no case (e.g. a billing-only contact).",
    )
    hs_support_company_cases = fields.Boolean(
        string="Sees all company cases",
        default=DEFAULT_COMPANY_CASES,
        groups="base.group_user",
        help="A member sees and answers every case of the account, not only "
        "their own and those they follow.",
    )
    hs_support_team_log_ids = fields.One2many(
        "hybrid.support.portal.team.log",
        "account_id",
        string="Support team changes",
        readonly=True,
        groups="base.group_user",
    )

    def write(self, vals):
        if vals.get("email") and self.env.user.share:
            # a portal user (even through a route's sudo) never takes the
            # address of another account's contact: see
            # _hs_address_used_elsewhere
            normalized = email_normalize(vals["email"])
            for partner in self.filtered(lambda p: p.email_normalized != normalized):
                if self._hs_address_used_elsewhere(
                    vals["email"], partner.commercial_partner_id
                ):
                    raise UserError(self._hs_address_used_elsewhere_message())
        if not set(ROLE_FIELDS) & set(vals):
            return super().write(vals)
        # sudo: the values before the change, for the log
        before = {
            p.id: (p.hs_support_role, p.hs_support_company_cases) for p in self.sudo()
        }
        result = super().write(vals)
        changed = self.sudo().filtered(
            lambda p: before[p.id] != (p.hs_support_role, p.hs_support_company_cases)
        )
        if changed:
            self.env["hybrid.support.portal.team.log"]._log(changed, "role", before)
            if changed.user_ids:
                # a global rule reads the role; Odoo caches rules per user
                self.env.registry.clear_cache()
            narrowed = changed.filtered(
                lambda p: (
                    p.with_context(active_test=False).user_ids
                    and SCOPE_BREADTH[p._hs_support_scope()]
                    < SCOPE_BREADTH[case_scope(*before[p.id])]
                )
            )
            narrowed._hs_rotate_case_tokens()
        return result

    @api.model
    def _hs_address_used_elsewhere(self, email, account):
        """Whether ``email`` is the address of a contact of another
        commercial account than ``account``. The mail gateway finds the
        requester of an email by its address, so a customer who gave their
        portal user (or a colleague they invite) someone else's address
        would claim that person's emails: portal users may not."""
        normalized = email_normalize(email or "")
        if not normalized:
            return False
        # sudo: portal users read no other account's contact; only whether
        # one exists leaves
        return bool(
            self.sudo().search_count(
                [
                    ("email_normalized", "=", normalized),
                    ("commercial_partner_id", "!=", account.id),
                ],
                limit=1,
            )
        )

    @api.model
    def _hs_address_used_elsewhere_message(self):
        return self.env._(
            "This email address is already used by a contact of another "
            "company. Use your own address, or ask our team."
        )

    # Public helpers for the portal (the case list offers "My company's
    # cases" only to contacts who may see them). ``self`` is one contact.

    def _hs_support_role(self):
        """'admin', 'member' or 'none': the contact's support role."""
        self.ensure_one()
        # sudo: back-office field, read for the portal's own decisions
        return self.sudo().hs_support_role or DEFAULT_ROLE

    def _hs_support_scope(self):
        """'company', 'own' or 'none': which of the account's cases it sees."""
        self.ensure_one()
        # sudo: back-office fields, read for the portal's own decisions
        partner = self.sudo()
        return case_scope(partner.hs_support_role, partner.hs_support_company_cases)

    def _hs_may_open_cases(self):
        # "No access" contacts could not follow a case they open (the
        # record rule hides it): the portal's form refuses them, and so
        # does hs_submit_case over RPC
        return super()._hs_may_open_cases() and self._hs_support_scope() != SCOPE_NONE

    def _hs_sees_company_cases(self):
        """True when the contact sees every case of its account."""
        return self._hs_support_scope() == SCOPE_COMPANY

    def _hs_is_support_admin(self):
        """True for a company support admin (manages colleagues)."""
        return self._hs_support_role() == "admin"

    # The team page (self: the account, i.e. a commercial partner)

    def _hs_support_team(self):
        """The account's people (not its addresses or sub-companies), with
        or without portal access, by name."""
        self.ensure_one()
        return self.with_context(active_test=True).search(
            [
                ("commercial_partner_id", "=", self.id),
                ("is_company", "=", False),
                ("type", "in", ("contact", "other")),
            ],
            order="name, id",
        )

    def _hs_portal_user(self):
        """The contact's user, archived ones (revoked access) included."""
        self.ensure_one()
        return self.with_context(active_test=False).user_ids[:1]

    def _hs_portal_access(self):
        """'portal', 'internal' or False."""
        user = self._hs_portal_user()
        if not user or not user.active:
            return False
        if user._is_internal():
            return "internal"
        return "portal" if user._is_portal() else False

    def _hs_grant_portal_access(self, welcome_message=None):
        """Give ``self`` (contacts) portal access through Odoo's own portal
        wizard, which creates or reactivates the user and sends the
        invitation (with ``welcome_message``, the wizard's personal message,
        when given); logged. Raises UserError as the wizard does (no email,
        an email another user already logs in with)."""
        values = {"partner_ids": [Command.set(self.ids)]}
        if welcome_message:
            values["welcome_message"] = welcome_message
        wizard = self.env["portal.wizard"].create(values)
        for wizard_user in wizard.user_ids:
            if wizard_user.is_portal:
                wizard_user.action_invite_again()
            else:
                wizard_user.action_grant_access()
        self.env["hybrid.support.portal.team.log"]._log(self, "invite")

    def _hs_revoke_portal_access(self):
        """Take the portal access away through Odoo's portal wizard (the
        user is archived, the signup token removed); logged."""
        wizard = self.env["portal.wizard"].create(
            {"partner_ids": [Command.set(self.ids)]}
        )
        for wizard_user in wizard.user_ids.filtered("is_portal"):
            wizard_user.action_revoke_access()
        self.env["hybrid.support.portal.team.log"]._log(self, "revoke")
        self._hs_rotate_case_tokens()

    def _hs_rotate_case_tokens(self):
        """New access tokens for every case of the accounts of ``self``
        (contacts who lost access to some of them): the links of the old
        ones, which these contacts may have kept, open nothing any more.
        The next link we email gets a new token (_portal_ensure_token)."""
        accounts = self.commercial_partner_id
        if not accounts:
            return
        # sudo: the tokens are internal fields, rotated for whoever revokes
        cases = (
            self.env["helpdesk.ticket"]
            .sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("commercial_partner_id", "in", accounts.ids),
                    ("access_token", "!=", False),
                ]
            )
        )
        cases.write({"access_token": False})
