from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.tools import SQL

from odoo.addons.hybrid_support_rollout.tools.adoption import FIRST_VALUE_KINDS
from odoo.addons.hybrid_support_rollout.tools.waves import INVITE_STATES


class HybridSupportRolloutAdoptionReport(models.Model):
    """The Portal adoption dashboard's source: one row per contact of a wave
    (the figures the wave's measuring job stores on it, so that the
    dashboard and the wave's Adoption tab agree) and one per rated case, from
    the stored case KPIs (to compare the CSAT of wave customers with the
    others': a case is a wave customer's when a contact of its account had
    portal access through a wave before the case closed).

    Contact rows make each rate a plain average: ``activation_rate`` is 100
    or 0 for a contact with access and empty without, ``hours_to_first_value``
    is empty until the first value, so that averages skip them."""

    _name = "hybrid.support.rollout.adoption.report"
    _description = "Portal adoption"
    _auto = False
    _order = "date desc"
    _rec_name = "partner_id"
    _depends = {
        "hybrid.support.rollout.member": [
            "wave_id",
            "company_id",
            "partner_id",
            "account_id",
            "invite_state",
            "invited_date",
            "activated_date",
            "activated_count",
            "first_value_date",
            "first_value_kind",
            "hours_to_first_value",
            "portal_reply_count",
            "email_reply_count",
            "help_search_count",
            "duplicate_count",
            "nudge_count",
        ],
        "hybrid.support.case.kpi": ["ticket_id", "rating", "closed_date"],
        "helpdesk.ticket": ["company_id", "partner_id", "create_date"],
    }

    kind = fields.Selection(
        [("contact", "Wave contact"), ("rating", "Customer rating")], readonly=True
    )
    date = fields.Datetime(
        readonly=True,
        help="Contact: when the wave gave access (or added the contact, "
        "before); rated case: when it closed (or opened, while open).",
    )
    wave_id = fields.Many2one("hybrid.support.rollout.wave", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Contact", readonly=True)
    account_id = fields.Many2one("res.partner", readonly=True)
    segment = fields.Selection(
        [("wave", "Wave customers"), ("other", "Other customers")],
        readonly=True,
        help="A rated case is a wave customer's when a contact of its account "
        "had portal access through a wave before the case closed.",
    )
    invite_state = fields.Selection(INVITE_STATES, string="Invitation", readonly=True)
    first_value_kind = fields.Selection(
        FIRST_VALUE_KINDS, string="First value", readonly=True
    )
    activated_date = fields.Datetime(string="Activated on", readonly=True)
    access_count = fields.Integer(
        string="Invited", readonly=True, help="Contacts the wave gave access to."
    )
    activated_count = fields.Integer(string="Activated", readonly=True)
    activation_rate = fields.Float(
        string="Activation rate %", readonly=True, aggregator="avg"
    )
    hours_to_first_value = fields.Float(
        string="Time to first value (h)", readonly=True, aggregator="avg"
    )
    portal_reply_count = fields.Integer(string="Portal replies", readonly=True)
    email_reply_count = fields.Integer(string="Email replies", readonly=True)
    help_search_count = fields.Integer(string="Help-center searches", readonly=True)
    duplicate_count = fields.Integer(string="Email/portal duplicates", readonly=True)
    nudge_count = fields.Integer(string="Nudges sent", readonly=True)
    rating = fields.Float(string="CSAT (1-5)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # ids: contacts positive, ratings negative, so that both fit one column
        self.env.cr.execute(
            SQL(
                """CREATE OR REPLACE VIEW %s AS (
                    SELECT m.id AS id, 'contact' AS kind,
                           COALESCE(m.invited_date, m.create_date) AS date,
                           m.wave_id, m.company_id, m.partner_id, m.account_id,
                           'wave' AS segment, m.invite_state,
                           m.first_value_kind, m.activated_date,
                           CASE WHEN m.invited_date IS NULL THEN 0 ELSE 1 END
                               AS access_count,
                           COALESCE(m.activated_count, 0) AS activated_count,
                           CASE WHEN m.invited_date IS NULL THEN NULL
                                WHEN m.activated_date IS NULL THEN 0.0
                                ELSE 100.0 END AS activation_rate,
                           CASE WHEN m.first_value_date IS NOT NULL
                                THEN m.hours_to_first_value END
                               AS hours_to_first_value,
                           COALESCE(m.portal_reply_count, 0) AS portal_reply_count,
                           COALESCE(m.email_reply_count, 0) AS email_reply_count,
                           COALESCE(m.help_search_count, 0) AS help_search_count,
                           COALESCE(m.duplicate_count, 0) AS duplicate_count,
                           COALESCE(m.nudge_count, 0) AS nudge_count,
                           NULL::float AS rating
                      FROM hybrid_support_rollout_member m
                    UNION ALL
                    SELECT -k.id, 'rating', COALESCE(k.closed_date, t.create_date),
                           w.wave_id, t.company_id, t.partner_id,
                           p.commercial_partner_id,
                           CASE WHEN w.wave_id IS NULL THEN 'other' ELSE 'wave' END,
                           NULL, NULL, NULL, 0, 0, NULL, NULL, 0, 0, 0, 0, 0,
                           k.rating
                      FROM hybrid_support_case_kpi k
                      JOIN helpdesk_ticket t ON t.id = k.ticket_id
                      LEFT JOIN res_partner p ON p.id = t.partner_id
                      -- the first wave of the case's company that gave a
                      -- contact of the account access before the case closed (an aggregate: exactly
                      -- one row)
                      LEFT JOIN LATERAL (
                          SELECT min(m.wave_id) AS wave_id
                            FROM hybrid_support_rollout_member m
                           WHERE m.account_id = p.commercial_partner_id
                             AND m.company_id = t.company_id
                             AND m.invited_date <= COALESCE(k.closed_date,
                                                            t.create_date)
                      ) w ON TRUE
                     WHERE k.rating > 0
                )""",
                SQL.identifier(self._table),
            )
        )

    @api.model
    def _demo_pilot_activity(self, days=15):
        """Demo data: the Northwind pilot started ``days`` ago and its first
        contact (by name) logged in after 5 hours and replied in the portal
        an hour later, the second logged in after 3 days and searched the
        help center; then the wave and the goals are measured by their jobs'
        code.
        Dates are set in SQL, as the dashboards' demo history does."""
        wave = self.env.ref(
            "hybrid_support_rollout.demo_wave_northwind", raise_if_not_found=False
        )
        if not wave:
            return
        members = wave.member_ids.filtered("invited_date").sorted(
            lambda member: member.partner_id.name
        )
        if len(members) < 2:
            return
        start = fields.Datetime.now() - timedelta(days=days)
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "UPDATE hybrid_support_rollout_member SET invited_date = %s"
                " WHERE id IN %s",
                start,
                tuple(members.ids),
            )
        )
        members.invalidate_recordset(["invited_date"])
        wave.date_start = start.date()
        first, second = members[:2]
        backdate = []
        for member, hours in ((first, 5), (second, 72)):
            if member.user_id:
                # sudo: a login is logged by the user themselves, as
                # res.users._update_last_login does
                log = self.env["res.users.log"].with_user(member.user_id).sudo()
                backdate.append(
                    ("res_users_log", log.create({}).id, start + timedelta(hours=hours))
                )
        case = self.env["helpdesk.ticket"].search(
            [("partner_id", "=", first.partner_id.id)], order="id", limit=1
        )
        if case:
            # sudo: the demo writes as the customer would in the portal
            message = case.sudo().message_post(
                body=self.env._("Thanks, I can follow the case here now."),
                author_id=first.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            backdate.append(("mail_message", message.id, start + timedelta(hours=6)))
        for number, query in enumerate(("export invoices", "reset password")):
            search = self.env["hybrid.support.kb.search"].create(
                {"query": query, "partner_id": second.partner_id.id}
            )
            backdate.append(
                (
                    "hybrid_support_kb_search",
                    search.id,
                    start + timedelta(hours=73 + number),
                )
            )
        self.env.flush_all()
        for table, record_id, when in backdate:
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET create_date = %s WHERE id = %s",
                    SQL.identifier(table),
                    when,
                    record_id,
                )
            )
        self.env.invalidate_all()
        members._measure()
        # the goals' "now" with this activity, as their daily job measures it
        self.env["hybrid.support.rollout.baseline"]._cron_refresh_goals()
