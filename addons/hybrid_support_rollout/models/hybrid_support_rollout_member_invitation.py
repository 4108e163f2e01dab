from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools.waves import STARTED, invitation_decision


class HybridSupportRolloutMemberInvitation(models.AbstractModel):
    """The invitation job over a wave's contact rows: which rows are due
    (locked for one worker), and for each the decision of
    tools.waves.invitation_decision carried out through Odoo's portal
    wizard; composed into hybrid.support.rollout.member."""

    _name = "hybrid.support.rollout.member.invitation"
    _description = "Invitation of the contacts of a portal rollout wave"

    @api.model
    @retry_soon_on_conflict
    def _cron_invite(self, batch_size=50):
        cron = self.env["ir.cron"]
        while True:
            done = self._invite_batch(limit=batch_size)
            if not done or cron._commit_progress(done) <= 0 or done < batch_size:
                break

    @api.model
    def _invite_batch(self, limit=50):
        """One batch of the invitation job; returns how many contacts it
        handled."""
        members = self.browse(self._invitable_ids(limit))
        members._invite()
        return len(members)

    @api.model
    def _invitable_ids(self, limit):
        """Ids of pending contacts of started waves (of companies not back
        to email only; contacts in no rolled-back wave nor in a wave of a
        company back to email only) that no other transaction holds (another cron
        worker): locked until commit."""
        self.flush_model()
        self.env["res.company"].flush_model(["hs_email_only"])
        self.env["hybrid.support.rollout.wave"].flush_model(["state"])
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id FROM hybrid_support_rollout_member m
                  JOIN hybrid_support_rollout_wave w ON w.id = m.wave_id
                  JOIN res_company c ON c.id = w.company_id
                 WHERE m.invite_state = 'pending' AND w.state IN %s
                   AND c.hs_email_only IS NOT TRUE
                   AND NOT %s
                 ORDER BY m.id
                 LIMIT %s
                   FOR NO KEY UPDATE OF m SKIP LOCKED
                """,
                STARTED,
                self._email_only_elsewhere_sql("m"),
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _invitation_facts(self):
        """The keyword arguments of tools.waves.invitation_decision."""
        self.ensure_one()
        # sudo: blacklist, role and users are read for the job's decision
        partner = self.partner_id.sudo()
        return {
            "portal_access": partner._hs_portal_access(),
            "email": partner.email_normalized,
            "blacklisted": partner.is_blacklisted,
            "opted_out": partner.hs_rollout_opt_out,
            "support_role": partner._hs_support_role(),
        }

    def _invite(self):
        """Invite the contacts of ``self`` (rows the caller holds): through
        Odoo's portal wizard, which creates or reactivates the user and sends
        its invitation email with the wave's welcome message."""
        # the transaction's time, as the create_date of what follows, to
        # the second as fields.Datetime.now() (the nudge job's clock)
        now = self.env.cr.now().replace(microsecond=0)
        for member in self:
            decision, reason = invitation_decision(**member._invitation_facts())
            if decision == "skipped":
                member.write({"invite_state": "skipped", "skip_reason": reason})
                continue
            if decision == "had_access":
                member.write(
                    {
                        "invite_state": "had_access",
                        "invited_date": now,
                        "user_id": member.partner_id._hs_portal_user().id,
                    }
                )
                continue
            try:
                with self.env.cr.savepoint():
                    member.partner_id._hs_grant_portal_access(
                        welcome_message=member.wave_id.welcome_message
                    )
            except UserError as error:
                # e.g. another user already logs in with that email
                member.write({"invite_state": "failed", "invite_error": str(error)})
                continue
            member.write(
                {
                    "invite_state": "invited",
                    "invited_date": now,
                    "invited_count": 1,
                    "user_id": member.partner_id._hs_portal_user().id,
                }
            )
