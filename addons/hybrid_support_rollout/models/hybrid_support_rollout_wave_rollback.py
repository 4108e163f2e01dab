from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from ..tools.waves import STATES

# revoking portal access is theirs (see _rollback)
MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"
# the customers of the rolled-back waves, in the cursor's cache: read once
# per transaction (see _rolled_back_partner_ids)
ROLLED_BACK_CACHE = "hybrid_support_rollout.rolled_back_partner_ids"
# the fields of a wave that decide who is rolled back
ROLLED_BACK_FIELDS = ("state", "partner_ids", "active")


class HybridSupportRolloutWaveRollback(models.AbstractModel):
    """Back to email only: a wave rolled back (optionally revoking its
    contacts' portal access, kept on hybrid.support.rollout.log, the wave's
    log_ids) and the rollback undone; composed into
    hybrid.support.rollout.wave. The hook of helpdesk.ticket drops portal
    links for the customers of a rolled-back wave."""

    _name = "hybrid.support.rollout.wave.rollback"
    _description = "Rollback of a portal rollout wave"

    rollback_from_state = fields.Selection(
        STATES, readonly=True, copy=False, help="Where undoing the rollback returns."
    )
    rollback_reason = fields.Text(readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        self.env.cr.cache.pop(ROLLED_BACK_CACHE, None)
        waves = super().create(vals_list)
        self.env.cr.cache.pop(ROLLED_BACK_CACHE, None)
        return waves

    def write(self, vals):
        watched = any(name in vals for name in ROLLED_BACK_FIELDS)
        if watched:
            self.env.cr.cache.pop(ROLLED_BACK_CACHE, None)
        result = super().write(vals)
        if watched:
            self.env.cr.cache.pop(ROLLED_BACK_CACHE, None)
        return result

    def unlink(self):
        self.env.cr.cache.pop(ROLLED_BACK_CACHE, None)
        result = super().unlink()
        self.env.cr.cache.pop(ROLLED_BACK_CACHE, None)
        return result

    def action_rollback(self):
        """Open the rollback wizard (a reason is required)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Back to email only"),
            "res_model": "hybrid.support.rollout.rollback.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_wave_id": self.id, "default_scope": "wave"},
        }

    def action_undo_rollback(self):
        """Back to the state the wave left, portal access restored for those
        the rollback revoked; logged."""
        self.check_access("write")
        # sudo: the log is written by this code only (see _rollback)
        Log = self.env["hybrid.support.rollout.log"].sudo()
        for wave in self.filtered(lambda w: w.state == "rolled_back"):
            # sudo: the logs are written by this code only, read whole here
            last = (
                wave.sudo()
                .log_ids.filtered(lambda log: log.action == "rollback")
                .sorted("id", reverse=True)[:1]
            )
            # only the wave's own contacts, whatever a log says
            restored = last.revoked_user_ids._hs_restore_portal_access(
                wave.sudo().member_ids.partner_id
            )
            wave._set_state(wave.rollback_from_state or "pilot")
            wave.write({"rollback_from_state": False, "rollback_reason": False})
            Log.create(
                {
                    "wave_id": wave.id,
                    "company_id": wave.company_id.id,
                    "action": "undo",
                    "reason": self.env._("Rollback undone"),
                    "revoked_user_ids": [Command.set(restored.ids)],
                }
            )
            wave.message_post(
                body=self.env._(
                    "Rollback undone: back to %(state)s, %(count)s portal "
                    "accesses restored.",
                    state=dict(STATES)[wave.state],
                    count=len(restored),
                )
            )
        return True

    def _rollback(self, reason, revoke_access=False):
        """Roll the waves back to email only: state rolled_back (the job
        stops inviting and nudging them, the hook of helpdesk.ticket drops
        portal links for their customers); optionally revoke the portal
        access of their contacts, kept on the log to be restored (revoking
        is for helpdesk managers)."""
        if revoke_access and not (self.env.su or self.env.user.has_group(MANAGERS)):
            raise AccessError(
                self.env._("Only helpdesk managers revoke portal access.")
            )
        # sudo: the log is written by this code only (no create right for
        # anyone: a forged rollback log would restore any user on undo)
        Log = self.env["hybrid.support.rollout.log"].sudo()
        for wave in self:
            previous = wave.state
            wave._set_state("rolled_back")
            wave.write({"rollback_from_state": previous, "rollback_reason": reason})
            revoked = self.env["res.users"]
            if revoke_access:
                revoked = wave._revoke_access()
            Log.create(
                {
                    "wave_id": wave.id,
                    "company_id": wave.company_id.id,
                    "action": "rollback",
                    "reason": reason,
                    "revoked_user_ids": [Command.set(revoked.ids)],
                }
            )
            wave.message_post(
                body=self.env._(
                    "Rolled back to email only: %(reason)s (%(count)s portal "
                    "accesses revoked).",
                    reason=reason,
                    count=len(revoked),
                )
            )
        return True

    def _revoke_access(self):
        """Revoke, through Odoo's portal wizard, the portal access of the
        wave's contacts that have one; returns their users."""
        self.ensure_one()
        self.check_access("write")
        # sudo: through Odoo's portal wizard (partner managers' tool) for
        # whoever runs the wave (checked above): only the wave's contacts
        contacts = self.member_ids.partner_id.sudo().filtered(
            lambda p: p._hs_portal_access() == "portal"
        )
        users = contacts.user_ids
        if contacts:
            contacts._hs_revoke_portal_access()
        return users

    @api.model
    def _rolled_back_partner_ids(self):
        """Ids of the customers (contacts and companies, as chosen) of the
        rolled-back waves, for helpdesk.ticket's portal-links hook, asked
        for every acknowledgement and notification. Read once per
        transaction and kept in the cursor's cache, which Odoo empties at
        commit and rollback: each transaction reads what PostgreSQL holds,
        nothing outlives it; a change of a wave empties it at once."""
        by_active_test = self.env.cr.cache.setdefault(ROLLED_BACK_CACHE, {})
        active_test = self.env.context.get("active_test", True)
        if active_test not in by_active_test:
            # sudo: waves are managers' data; the hook answers for any sender
            waves = self.sudo().search([("state", "=", "rolled_back")])
            # every chosen customer, archived or not (as a search on them)
            chosen = waves.with_context(active_test=False).partner_ids
            by_active_test[active_test] = frozenset(chosen.ids)
        return by_active_test[active_test]
