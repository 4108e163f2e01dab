import logging

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.orm.models import NO_ACCESS
from odoo.tools import SQL

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools import adoption
from ..tools.waves import (
    INVITE_STATES,
    SKIP_REASONS,
    STARTED,
    invitation_decision,
)

_logger = logging.getLogger(__name__)


class HybridSupportRolloutMember(models.Model):
    """One contact of a wave: whether and when the wave invited them, their
    activation (first login), their first value and their use of the portal
    and of email since. The invitation job, the nudge job and the measuring
    job work on these rows; the wave's figures and the Adoption report are
    sums of them."""

    _name = "hybrid.support.rollout.member"
    _description = "Contact of a portal rollout wave"
    _order = "wave_id desc, partner_id"
    _rec_name = "partner_id"

    wave_id = fields.Many2one(
        "hybrid.support.rollout.wave",
        required=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Contact", required=True, index=True, ondelete="cascade"
    )
    account_id = fields.Many2one(
        "res.partner",
        string="Account",
        related="partner_id.commercial_partner_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(related="wave_id.company_id", store=True, index=True)
    wave_state = fields.Selection(related="wave_id.state", string="Wave state")
    user_id = fields.Many2one("res.users", string="Portal user", readonly=True)
    contact_name = fields.Char(related="partner_id.name", string="Name")
    invite_state = fields.Selection(
        INVITE_STATES,
        string="Invitation",
        default="pending",
        required=True,
        readonly=True,
        index=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS, string="Why skipped", readonly=True)
    invite_error = fields.Char(readonly=True)
    invited_date = fields.Datetime(
        string="Access since",
        readonly=True,
        help="When the wave invited the contact, or found they already had access.",
    )
    activated_date = fields.Datetime(
        string="Activated on",
        readonly=True,
        help="First login after the invitation (any login for a contact who "
        "already had access).",
    )
    last_seen_date = fields.Datetime(string="Last login", readonly=True)
    first_value_date = fields.Datetime(readonly=True)
    first_value_kind = fields.Selection(adoption.FIRST_VALUE_KINDS, readonly=True)
    hours_to_first_value = fields.Float(
        readonly=True, aggregator="avg", help="From the invitation to the first value."
    )
    # 0/1 counters: the report sums them
    invited_count = fields.Integer(string="Invited", readonly=True)
    activated_count = fields.Integer(string="Activated", readonly=True)
    portal_reply_count = fields.Integer(string="Portal replies", readonly=True)
    email_reply_count = fields.Integer(string="Email replies", readonly=True)
    help_search_count = fields.Integer(string="Help center searches", readonly=True)
    duplicate_count = fields.Integer(
        string="Email/portal duplicates",
        readonly=True,
        help="Cases of the contact flagged as probable duplicates of one "
        "that arrived by the other channel (a routing problem signal).",
    )
    rating_sum = fields.Integer(readonly=True)
    rating_count = fields.Integer(string="Ratings", readonly=True)
    nudge_ids = fields.One2many(
        "hybrid.support.rollout.nudge", "member_id", string="Nudges", readonly=True
    )
    nudge_count = fields.Integer(string="Nudges sent", readonly=True)
    last_nudge_date = fields.Datetime(readonly=True, index="btree_not_null")
    measured_date = fields.Datetime(readonly=True)
    # quoted by the nudge templates, rendered by the nudge job with sudo:
    # a signup (password-setting) link and a case link with its access
    # token, so readable by nobody over RPC (NO_ACCESS, only su reads them)
    portal_url = fields.Char(compute="_compute_portal_url", groups=NO_ACCESS)
    open_case_url = fields.Char(compute="_compute_open_case_url", groups=NO_ACCESS)
    open_case_name = fields.Char(compute="_compute_open_case_url", groups=NO_ACCESS)

    _wave_partner_unique = models.Constraint(
        "UNIQUE(wave_id, partner_id)", "A contact is in a wave once."
    )

    # --- invitations ------------------------------------------------------

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

    def _hs_invite(self):
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

    @api.model
    def _hs_invitable_ids(self, limit):
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
                   AND NOT EXISTS (
                       -- the contact is back to email only elsewhere: a
                       -- rolled-back wave, a company switched to email only
                       SELECT 1 FROM hybrid_support_rollout_member o
                         JOIN hybrid_support_rollout_wave ow ON ow.id = o.wave_id
                         JOIN res_company oc ON oc.id = ow.company_id
                        WHERE o.partner_id = m.partner_id
                          AND (ow.state = 'rolled_back' OR oc.hs_email_only))
                 ORDER BY m.id
                 LIMIT %s
                   FOR NO KEY UPDATE OF m SKIP LOCKED
                """,
                STARTED,
                limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _hs_invite_batch(self, limit=50):
        """One batch of the invitation job; returns how many contacts it
        handled."""
        members = self.browse(self._hs_invitable_ids(limit))
        members._hs_invite()
        return len(members)

    @api.model
    @retry_soon_on_conflict
    def _hs_cron_invite(self, batch_size=50):
        cron = self.env["ir.cron"]
        while True:
            done = self._hs_invite_batch(limit=batch_size)
            if not done or cron._commit_progress(done) <= 0 or done < batch_size:
                break

    # --- nudges -------------------------------------------------------------

    def _hs_send_nudge(self, step, now):
        """Send ``step``'s template to the contact, logged as a nudge (its
        uniqueness per contact and step is what stops a second worker)."""
        self.ensure_one()
        nudge = self.env["hybrid.support.rollout.nudge"].create(
            {"member_id": self.id, "step_id": step.id, "sent_date": now}
        )
        # sudo: the template quotes the contact's signup and case links,
        # fields nobody reads but the superuser (the step's template is
        # checked to render on this model, see the nudge step's constraint)
        mail_id = step.template_id.sudo().send_mail(
            self.id, email_layout_xmlid="mail.mail_notification_light"
        )
        nudge.mail_id = mail_id
        self.write({"nudge_count": self.nudge_count + 1, "last_nudge_date": now})
        return nudge

    def _compute_portal_url(self):
        """Where the contact's emails send them: the signup link while they
        never logged in (it lets them set their password), else /my."""
        for member in self:
            # sudo: the signup token is read to build the contact's own link
            partner = member.partner_id.sudo()
            if not member.activated_date and partner.user_ids:
                member.portal_url = partner._get_signup_url_for_action(url="/my")[
                    partner.id
                ]
            else:
                member.portal_url = partner.get_base_url() + "/my"

    def _compute_open_case_url(self):
        """The link to the contact's most recent open case in the portal."""
        for member in self:
            # sudo: the job reads the contact's own cases for their email
            case = (
                self.env["helpdesk.ticket"]
                .sudo()
                .search(
                    [
                        ("partner_id", "=", member.partner_id.id),
                        ("company_id", "=", member.company_id.id),
                        ("closed", "=", False),
                    ],
                    order="id desc",
                    limit=1,
                )
            )
            member.open_case_url = (
                case.get_base_url() + case.get_portal_url() if case else False
            )
            member.open_case_name = case.name if case else False

    # --- measures ---------------------------------------------------------

    def _hs_refresh_logins(self):
        """Activation (first login after the access) and last login of the
        contacts of ``self``, from res.users.log, in one query."""
        if not self:
            return
        self.flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE hybrid_support_rollout_member m
                   SET activated_date = COALESCE(m.activated_date, (
                           SELECT min(l.create_date) FROM res_users_log l
                            WHERE l.create_uid = m.user_id
                              AND (m.invite_state = 'had_access'
                                   OR l.create_date >= m.invited_date))),
                       last_seen_date = (
                           SELECT max(l.create_date) FROM res_users_log l
                            WHERE l.create_uid = m.user_id)
                 WHERE m.id IN %s AND m.user_id IS NOT NULL
                """,
                tuple(self.ids),
            )
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE hybrid_support_rollout_member
                   SET activated_count = CASE WHEN activated_date IS NULL
                                              THEN 0 ELSE 1 END
                 WHERE id IN %s
                """,
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(
            ["activated_date", "last_seen_date", "activated_count"]
        )

    def _hs_counts(self, query):
        """{member id: value} of a grouped query returning (member id, value)."""
        self.env.cr.execute(query)
        return dict(self.env.cr.fetchall())

    def _hs_measure(self):
        """Refresh the adoption figures of ``self`` (contacts with access):
        a few grouped queries for the batch, whatever its size."""
        members = self.filtered("invited_date")
        if not members:
            return
        self.env["helpdesk.ticket"].flush_model()
        self.env["mail.message"].flush_model()
        members._hs_refresh_logins()
        ids = tuple(members.ids)
        # first value: each kind's first date after the access
        viewed = {m.id: m.first_value_date for m in members}
        portal_reply = self._hs_counts(
            SQL(
                """
                SELECT m.id, min(msg.create_date) FROM hybrid_support_rollout_member m
                  JOIN mail_message msg ON msg.author_id = m.partner_id
                   AND msg.model = 'helpdesk.ticket' AND msg.message_type = 'comment'
                   AND msg.create_date >= m.invited_date
                 WHERE m.id IN %s GROUP BY m.id
                """,
                ids,
            )
        )
        portal_case = self._hs_counts(
            SQL(
                """
                SELECT m.id, min(t.create_date) FROM hybrid_support_rollout_member m
                  JOIN helpdesk_ticket t ON t.partner_id = m.partner_id
                   AND t.hs_origin = 'portal' AND t.create_date >= m.invited_date
                 WHERE m.id IN %s GROUP BY m.id
                """,
                ids,
            )
        )
        helpful = self._hs_counts(
            SQL(
                """
                SELECT m.id, min(e.create_date) FROM hybrid_support_rollout_member m
                  JOIN hybrid_support_kb_event e ON e.partner_id = m.partner_id
                   AND e.event_type = 'helpful' AND e.create_date >= m.invited_date
                 WHERE m.id IN %s GROUP BY m.id
                """,
                ids,
            )
        )
        replies = {}
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id,
                       count(*) FILTER (WHERE msg.message_type = 'comment'),
                       count(*) FILTER (WHERE msg.message_type = 'email')
                  FROM hybrid_support_rollout_member m
                  JOIN mail_message msg ON msg.author_id = m.partner_id
                   AND msg.model = 'helpdesk.ticket'
                   AND msg.message_type IN ('comment', 'email')
                   AND msg.create_date >= m.invited_date
                 WHERE m.id IN %s GROUP BY m.id
                """,
                ids,
            )
        )
        for member_id, portal, email in self.env.cr.fetchall():
            replies[member_id] = (portal, email)
        searches = self._hs_counts(
            SQL(
                """
                SELECT m.id, count(s.id) FROM hybrid_support_rollout_member m
                  JOIN hybrid_support_kb_search s ON s.partner_id = m.partner_id
                   AND s.create_date >= m.invited_date
                 WHERE m.id IN %s GROUP BY m.id
                """,
                ids,
            )
        )
        duplicates = self._hs_counts(
            SQL(
                """
                SELECT m.id, count(t.id) FROM hybrid_support_rollout_member m
                  JOIN helpdesk_ticket t ON t.partner_id = m.partner_id
                   AND t.create_date >= m.invited_date
                  JOIN helpdesk_ticket o ON o.id = t.hs_probable_duplicate_id
                 WHERE m.id IN %s
                   AND ((t.hs_origin = 'portal' AND o.hs_origin IN ('gateway', 'import'))
                     OR (o.hs_origin = 'portal' AND t.hs_origin IN ('gateway', 'import')))
                 GROUP BY m.id
                """,
                ids,
            )
        )
        ratings = {}
        self.env.cr.execute(
            SQL(
                """
                SELECT m.id, sum(r.rating), count(r.id)
                  FROM hybrid_support_rollout_member m
                  JOIN rating_rating r ON r.partner_id = m.partner_id
                   AND r.res_model = 'helpdesk.ticket' AND r.consumed
                   AND r.rating > 0 AND r.write_date >= m.invited_date
                 WHERE m.id IN %s GROUP BY m.id
                """,
                ids,
            )
        )
        for member_id, total, count in self.env.cr.fetchall():
            ratings[member_id] = (int(total or 0), count)
        now = fields.Datetime.now()
        for member in members:
            when, kind = adoption.first_value(
                {
                    "viewed_case": viewed[member.id]
                    if member.first_value_kind == "viewed_case"
                    else None,
                    "portal_reply": portal_reply.get(member.id),
                    "portal_case": portal_case.get(member.id),
                    "helpful_article": helpful.get(member.id),
                }
            )
            if member.first_value_date and (
                not when or member.first_value_date <= when
            ):
                when, kind = member.first_value_date, member.first_value_kind
            portal, email = replies.get(member.id, (0, 0))
            total, count = ratings.get(member.id, (0, 0))
            member.write(
                {
                    "first_value_date": when,
                    "first_value_kind": kind,
                    "hours_to_first_value": adoption.hours_between(
                        member.invited_date, when
                    )
                    or 0.0,
                    "portal_reply_count": portal,
                    "email_reply_count": email,
                    "help_search_count": searches.get(member.id, 0),
                    "duplicate_count": duplicates.get(member.id, 0),
                    "rating_sum": total,
                    "rating_count": count,
                    "measured_date": now,
                }
            )

    @api.model
    def _hs_record_first_value(self, partner, kind):
        """Called by the portal when ``partner`` does something of value
        that no table keeps (viewing a case): sets the first value of their
        wave rows that have none. One indexed query when there is nothing
        to do."""
        # sudo: the portal user's action is recorded on back-office rows
        members = self.sudo().search(
            [
                ("partner_id", "=", partner.id),
                ("invited_date", "!=", False),
                ("first_value_date", "=", False),
            ]
        )
        now = fields.Datetime.now()
        for member in members:
            member.write(
                {
                    "first_value_date": now,
                    "first_value_kind": kind,
                    "hours_to_first_value": adoption.hours_between(
                        member.invited_date, now
                    ),
                }
            )

    @api.model
    def _hs_measure_batch(self, limit=500):
        """Measure the least recently measured contacts with access of
        running (or done) waves; returns how many."""
        members = self.search(
            [
                ("invited_date", "!=", False),
                ("wave_id.state", "in", STARTED + ("done",)),
            ],
            order="measured_date asc nulls first, id",
            limit=limit,
        )
        members._hs_measure()
        members.nudge_ids._hs_measure_effect()
        return len(members)

    @api.model
    def _hs_cron_measure(self, batch_size=500):
        """Every contact once per run, in batches."""
        cron = self.env["ir.cron"]
        total = self.search_count(
            [
                ("invited_date", "!=", False),
                ("wave_id.state", "in", STARTED + ("done",)),
            ]
        )
        done = 0
        while done < total:
            count = self._hs_measure_batch(limit=batch_size)
            done += count
            if (
                not count
                or cron._commit_progress(count, remaining=max(total - done, 0)) <= 0
            ):
                break
