from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools.nudges import ContactFacts, due_step, effective
from ..tools.waves import STARTED


class HybridSupportRolloutNudge(models.Model):
    """A nudge sent to a wave's contact, and whether the contact activated
    their access within the wave's effect window after it."""

    _name = "hybrid.support.rollout.nudge"
    _description = "Nudge sent to a contact of a portal rollout wave"
    _order = "id desc"

    member_id = fields.Many2one(
        "hybrid.support.rollout.member",
        required=True,
        index=True,
        ondelete="cascade",
    )
    step_id = fields.Many2one(
        "hybrid.support.rollout.nudge.step",
        required=True,
        index=True,
        ondelete="cascade",
    )
    wave_id = fields.Many2one(related="member_id.wave_id", store=True, index=True)
    partner_id = fields.Many2one(related="member_id.partner_id", store=True)
    sent_date = fields.Datetime(required=True, default=fields.Datetime.now)
    mail_id = fields.Many2one("mail.mail", readonly=True, ondelete="set null")
    effective = fields.Boolean(
        string="Activated after",
        readonly=True,
        help="The contact activated their access within the wave's effect "
        "window after this nudge.",
    )

    # a step goes to a contact once, even with two workers racing
    _member_step_unique = models.Constraint(
        "UNIQUE(member_id, step_id)", "A nudge is sent to a contact once."
    )

    def _measure_effect(self):
        for nudge in self:
            wave = nudge.member_id.wave_id
            value = effective(
                nudge.sent_date, nudge.member_id.activated_date, wave.nudge_effect_days
            )
            if value != nudge.effective:
                nudge.effective = value

    # --- the job ------------------------------------------------------------

    @api.model
    def _nudgeable_ids(self, limit):
        """Contacts with access of started waves with a nudge series, of
        companies not back to email only, of contacts in no rolled-back wave
        nor in a wave of a company back to email only, that no other transaction holds
        (another cron worker): locked until commit."""
        Member = self.env["hybrid.support.rollout.member"]
        Member.flush_model()
        self.env["hybrid.support.rollout.wave"].flush_model(["state"])
        self.env["res.company"].flush_model(["hs_email_only"])
        self.env["hybrid.support.rollout.nudge.step"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id FROM hybrid_support_rollout_member m
                  JOIN hybrid_support_rollout_wave w ON w.id = m.wave_id
                  JOIN res_company c ON c.id = w.company_id
                 WHERE m.invite_state IN ('invited', 'had_access')
                   AND w.state IN %s
                   AND c.hs_email_only IS NOT TRUE
                   AND EXISTS (SELECT 1 FROM hybrid_support_rollout_nudge_step s
                                WHERE s.wave_id = w.id AND s.active)
                   AND NOT %s
                 ORDER BY m.id
                 LIMIT %s
                   FOR NO KEY UPDATE OF m SKIP LOCKED
                """,
                STARTED,
                Member._email_only_elsewhere_sql("m"),
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _nudge_batch(self, limit=100, now=None):
        """One batch of the nudge job: each contact gets at most one email
        (tools.nudges.due_step). Returns how many contacts it looked at."""
        now = now or fields.Datetime.now()
        members = self.env["hybrid.support.rollout.member"].browse(
            self._nudgeable_ids(limit)
        )
        if not members:
            return 0
        # a login since the last run stops the series now, not next hour
        members._refresh_logins()
        sent = {
            (member.id, step.id)
            for member, step in self._read_group(
                [("member_id", "in", members.ids)], ["member_id", "step_id"]
            )
        }
        # the contact's last nudge of any wave: the rate limit is per person
        last_nudge = dict(
            self._read_group(
                [("partner_id", "in", members.partner_id.ids)],
                ["partner_id"],
                ["sent_date:max"],
            )
        )
        for member in members:
            wave = member.wave_id
            # sudo: the blacklist and the contact's choice are read for the job
            partner = member.partner_id.sudo()
            if partner.is_blacklisted or partner.hs_rollout_opt_out:
                continue
            steps = wave.nudge_step_ids
            facts = ContactFacts(
                invited_at=member.invited_date,
                activated_at=member.activated_date,
                last_seen_at=member.last_seen_date,
                last_nudge_at=last_nudge.get(member.partner_id),
                sent_step_ids=frozenset(
                    step.id for step in steps if (member.id, step.id) in sent
                ),
            )
            step, _reason = due_step(
                [s._spec() for s in steps], facts, now, wave.nudge_min_gap_hours
            )
            if not step:
                continue
            member._send_nudge(steps.browse(step.id), now)
            last_nudge[member.partner_id] = now
        return len(members)

    @api.model
    @retry_soon_on_conflict
    def _cron_nudge(self, batch_size=100):
        cron = self.env["ir.cron"]
        while True:
            done = self._nudge_batch(limit=batch_size)
            if not done or cron._commit_progress(done) <= 0 or done < batch_size:
                break
