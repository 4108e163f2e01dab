from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _hs_restore_portal_access(self, partners):
        """Give back the portal access a rollback took away (the users of
        ``self`` archived by the portal wizard's revoke): reactivated in the
        portal group as the wizard's grant does, with the password they had,
        without a new invitation. Only users of ``partners`` (the wave's
        contacts) that are archived customer logins: never an internal
        user, never the public user. Returns the users restored."""
        portal = self.env.ref("base.group_portal")
        public = self.env.ref("base.group_public")
        # sudo: the public user and archived users are read to be excluded
        public_user = self.env.ref("base.public_user").sudo()
        # sudo: archived users, reactivated by the rollout's undo
        users = self.sudo().with_context(active_test=False).exists()
        users = users.filtered(
            lambda u: (
                not u.active
                and u.share
                and u != public_user
                and u.partner_id in partners
                and not u._is_internal()
            )
        )
        for user in users:
            user.write({"active": True, "group_ids": [(4, portal.id), (3, public.id)]})
        return users
