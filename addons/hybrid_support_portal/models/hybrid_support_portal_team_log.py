from odoo import api, fields, models

from ..tools.support_roles import ROLES


class HybridSupportPortalTeamLog(models.Model):
    """One change to who may see an account's cases: an invitation, a role
    change or a revoked access, by whom (a company support admin in the
    portal or someone of the back-office) and from what to what."""

    _name = "hybrid.support.portal.team.log"
    _description = "Support team change"
    _order = "date desc, id desc"

    account_id = fields.Many2one(
        "res.partner",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    contact_id = fields.Many2one(
        "res.partner",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    date = fields.Datetime(default=fields.Datetime.now, required=True, readonly=True)
    action = fields.Selection(
        [
            ("invite", "Invited to the portal"),
            ("role", "Role changed"),
            ("revoke", "Portal access revoked"),
        ],
        required=True,
        readonly=True,
    )
    role_before = fields.Selection(ROLES, readonly=True)
    role_after = fields.Selection(ROLES, readonly=True)
    company_cases_before = fields.Boolean(
        string="Saw company cases before", readonly=True
    )
    company_cases_after = fields.Boolean(string="Sees company cases", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="By", default=lambda self: self.env.user, readonly=True
    )
    from_portal = fields.Boolean(
        string="From the portal",
        readonly=True,
        help="Done by a company support admin in the portal, not by the back-office.",
    )

    @api.model
    def _log(self, contacts, action, before=None):
        """Log ``action`` on each of ``contacts``; ``before`` maps a contact's
        id to its (role, sees company cases) before a change. Rows are written
        by the code only (sudo), never by hand, and in one batch."""
        # sudo: nobody, not even the portal admin whose change this is, may
        # create or alter log rows; the back-office reads them
        actor = self.env.user
        rows = []
        for contact in contacts.sudo():
            role_before, cases_before = (before or {}).get(
                contact.id, (contact.hs_support_role, contact.hs_support_company_cases)
            )
            rows.append(
                {
                    "account_id": contact.commercial_partner_id.id,
                    "contact_id": contact.id,
                    "action": action,
                    "role_before": role_before,
                    "role_after": contact.hs_support_role,
                    "company_cases_before": cases_before,
                    "company_cases_after": contact.hs_support_company_cases,
                    "user_id": actor.id,
                    "from_portal": actor._is_portal(),
                }
            )
        return self.sudo().create(rows)
