from odoo import api, fields, models
from odoo.orm.models import NO_ACCESS
from odoo.tools import SQL

from ..tools import adoption
from ..tools.waves import INVITE_STATES, SKIP_REASONS


class HybridSupportRolloutMember(models.Model):
    """One contact of a wave: whether and when the wave invited them, their
    activation (first login), their first value and their use of the portal
    and of email since. The invitation job, the nudge job and the measuring
    job work on these rows; the wave's figures and the Adoption report are
    sums of them.

    The jobs are abstract models of their own, composed here: invitations
    (hybrid.support.rollout.member.invitation) and measures (.adoption);
    the nudge job is hybrid.support.rollout.nudge's."""

    _name = "hybrid.support.rollout.member"
    _description = "Contact of a portal rollout wave"
    _order = "wave_id desc, partner_id"
    _rec_name = "partner_id"
    # one concern each, in their own files
    _inherit = [
        "hybrid.support.rollout.member.invitation",
        "hybrid.support.rollout.member.adoption",
    ]

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

    # --- nudges -------------------------------------------------------------

    def _send_nudge(self, step, now):
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

    @api.model
    def _email_only_elsewhere_sql(self, alias):
        """SQL condition: the contact of the contact row aliased ``alias``
        is back to email only elsewhere (a rolled-back wave, a wave of a
        company switched to email only); the invitation and nudge jobs leave
        such contacts alone. Flushes what it reads."""
        self.flush_model(["partner_id", "wave_id"])
        self.env["hybrid.support.rollout.wave"].flush_model(["state", "company_id"])
        self.env["res.company"].flush_model(["hs_email_only"])
        return SQL(
            """EXISTS (
                   SELECT 1 FROM hybrid_support_rollout_member o
                     JOIN hybrid_support_rollout_wave ow ON ow.id = o.wave_id
                     JOIN res_company oc ON oc.id = ow.company_id
                    WHERE o.partner_id = %s
                      AND (ow.state = 'rolled_back' OR oc.hs_email_only))""",
            SQL.identifier(alias, "partner_id"),
        )
