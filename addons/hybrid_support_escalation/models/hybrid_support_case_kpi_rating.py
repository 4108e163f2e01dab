from datetime import timedelta

from odoo import api, fields, models

from ..tools import kpi as kpi_tools

OCA_RATING_TEMPLATE = "helpdesk_mgmt_rating.rating_ticket_email_template"


class HybridSupportCaseKpi(models.Model):
    """Satisfaction requests: the closing of a case (``_on_close``) marks
    its request due after the team's delay; the cron sends the due ones in
    batches, never to robots or automated cases, once per case, at most one
    per contact in the team's window (``tools/kpi.py``: ``request_blocked``,
    ``request_skipped``), and skips the rows another worker holds."""

    _inherit = "hybrid.support.case.kpi"

    @api.model
    def _send_rating_requests(self, now, limit):
        """Send the due satisfaction requests of one batch; returns how many
        rows were handled. Never to robots or automated cases, once per case,
        at most one per contact in the team's window."""
        rows = self.search(
            [("csat_state", "=", "due"), ("csat_due_date", "<=", now)],
            limit=limit,
            order="csat_due_date, id",
        )
        # rows another worker is sending wait for the next pass
        rows = rows.try_lock_for_update(allow_referencing=True)
        if not rows:
            return 0
        last_asked = self._last_requests(rows.ticket_id.partner_id, rows, now)
        default_template = self.env.ref(OCA_RATING_TEMPLATE, raise_if_not_found=False)
        for row in rows:
            ticket = row.ticket_id
            if not ticket.stage_id.closed:
                row.write({"csat_state": False, "csat_due_date": False})
                continue
            team, partner = ticket.team_id, ticket._rating_get_partner()
            reason = kpi_tools.request_skipped(
                kpi_tools.request_blocked(
                    ticket.hs_automated_reason,
                    partner.email,
                    bool(partner.user_ids.filtered(lambda u: not u.share)),
                    ticket.rating_status == "no_rate",
                ),
                team.hs_rating_enabled,
                team.hs_rating_contact_days,
                last_asked.get(partner),
                now,
            )
            template = team.hs_rating_template_id or default_template
            if reason or not template:
                row.write(
                    {"csat_state": "skipped", "csat_skip_reason": reason or "team_off"}
                )
                continue
            ticket.rating_send_request(template, lang=partner.lang, force_send=False)
            last_asked[partner] = now
            row.write({"csat_state": "sent", "csat_sent_date": now})
        return len(rows)

    @api.model
    def _last_requests(self, partners, rows, now):
        """{contact: when the suite last sent them a rating request}, within
        the longest window of the teams of ``rows``; one read."""
        longest = max(rows.ticket_id.team_id.mapped("hs_rating_contact_days") or [0])
        sent = self.search_fetch(
            [
                ("csat_state", "=", "sent"),
                ("csat_sent_date", ">=", now - timedelta(days=longest)),
                ("ticket_id.partner_id", "in", partners.ids),
            ],
            ["ticket_id", "csat_sent_date"],
        )
        last = {}
        for row in sent:
            partner = row.ticket_id.partner_id
            last[partner] = max(
                last.get(partner, row.csat_sent_date), row.csat_sent_date
            )
        return last

    @api.model
    def _cron_send_rating_requests(self, batch_size=200):
        now = fields.Datetime.now()
        cron = self.env["ir.cron"]
        while True:
            done = self._send_rating_requests(now, batch_size)
            if not done or cron._commit_progress(done) <= 0:
                break
