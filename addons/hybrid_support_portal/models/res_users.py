from odoo import models

from ..tools.support_roles import SCOPE_COMPANY, SCOPE_OWN


class ResUsers(models.Model):
    _inherit = "res.users"

    def _hs_support_case_domain(self):
        """The cases a portal user's support role lets them see.

        Evaluated by a *global* rule on helpdesk.ticket: global rules are
        ANDed with everything, so this narrows helpdesk_mgmt's portal rule
        (the account's cases, by commercial partner) without replacing it;
        a group rule for portal users would have been ORed with it and could
        only widen. Internal and public users get no restriction from here.
        Odoo caches the evaluated rules per user: a role change clears the
        cache (res.partner.write)."""
        self.ensure_one()
        if not self._is_portal():
            return [(1, "=", 1)]
        # sudo: the role is a back-office field the portal user may not read
        partner = self.sudo().partner_id
        scope = partner._hs_support_scope()
        if scope == SCOPE_COMPANY:
            return [(1, "=", 1)]
        if scope == SCOPE_OWN:
            return [
                "|",
                ("partner_id", "=", partner.id),
                ("message_partner_ids", "in", partner.ids),
            ]
        return [(0, "=", 1)]
