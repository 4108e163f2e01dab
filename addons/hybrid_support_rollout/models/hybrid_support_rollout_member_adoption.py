from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import adoption
from ..tools.waves import STARTED


class HybridSupportRolloutMemberAdoption(models.AbstractModel):
    """The measuring job over a wave's contact rows: activation, first
    value, portal and email replies, searches, duplicates and ratings since
    the access, a few grouped queries per batch (see tools.adoption);
    composed into hybrid.support.rollout.member."""

    _name = "hybrid.support.rollout.member.adoption"
    _description = "Adoption measures of the contacts of a portal rollout wave"

    @api.model
    def _cron_measure(self, batch_size=500):
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
            count = self._measure_batch(limit=batch_size)
            done += count
            if (
                not count
                or cron._commit_progress(count, remaining=max(total - done, 0)) <= 0
            ):
                break

    @api.model
    def _measure_batch(self, limit=500):
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
        members._measure()
        members.nudge_ids._measure_effect()
        return len(members)

    @api.model
    def _record_first_value(self, partner, kind):
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

    def _measure(self):
        """Refresh the adoption figures of ``self`` (contacts with access):
        a few grouped queries for the batch, whatever its size."""
        members = self.filtered("invited_date")
        if not members:
            return
        self.env["helpdesk.ticket"].flush_model()
        self.env["mail.message"].flush_model()
        members._refresh_logins()
        ids = tuple(members.ids)
        # first value: each kind's first date after the access
        viewed = {m.id: m.first_value_date for m in members}
        portal_reply = self._counts(
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
        portal_case = self._counts(
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
        helpful = self._counts(
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
        searches = self._counts(
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
        duplicates = self._counts(
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

    def _refresh_logins(self):
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

    def _counts(self, query):
        """{member id: value} of a grouped query returning (member id, value)."""
        self.env.cr.execute(query)
        return dict(self.env.cr.fetchall())
