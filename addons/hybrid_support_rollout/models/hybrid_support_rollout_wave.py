from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools import adoption
from ..tools.waves import (
    STARTED,
    STATES,
    transition_refusal,
)

# the nudge series a new wave starts with (the example)
DEFAULT_NUDGES = [
    ("Announcement", 0, "always", "mail_template_rollout_announcement"),
    ("Reminder", 3, "not_activated", "mail_template_rollout_reminder"),
    ("What you can do in the portal", 10, "inactive", "mail_template_rollout_tips"),
]

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"
# who the wave reaches and what it says and tags: the portal access granted
# (with sudo, by the invitation job) follows them, so only managers set them;
# an owner runs the wave (states, invitations, rollback without revoking)
MANAGER_FIELDS = (
    "company_id",
    "partner_ids",
    "criteria_category_ids",
    "criteria_min_cases",
    "criteria_case_days",
    "criteria_max_health",
    "criteria_min_health",
    "criteria_limit",
    "welcome_message",
    "hypercare_tag_id",
)


class HybridSupportRolloutWave(models.Model):
    """A group of customers moved from email to the portal together.

    States: planned → pilot → active → hypercare → done, or rolled_back
    (back to email only) from any started state; every change goes through
    ``_set_state`` so other parts of the addon (invitations, hypercare) react
    in one place."""

    _name = "hybrid.support.rollout.wave"
    _description = "Portal rollout wave"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        index=True,
    )
    owner_id = fields.Many2one(
        "res.users",
        string="Owner",
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        tracking=True,
        index=True,
        help="Runs the wave; reads and works it even without the helpdesk "
        "manager's rights.",
    )
    state = fields.Selection(
        STATES,
        default="planned",
        required=True,
        readonly=True,
        copy=False,
        tracking=True,
        index=True,
    )
    date_start = fields.Date(
        string="Start", tracking=True, help="Planned start of the pilot."
    )
    date_end = fields.Date(
        string="End", tracking=True, help="Planned end of the wave (after hypercare)."
    )
    partner_ids = fields.Many2many(
        "res.partner",
        "hybrid_support_rollout_wave_partner_rel",
        "wave_id",
        "partner_id",
        string="Customers",
        help="Companies (all their people) and/or single contacts, chosen by "
        "hand or added by the criteria below.",
    )
    description = fields.Html()
    welcome_message = fields.Text(
        string="Invitation message",
        help="Put in Odoo's portal invitation email the wave sends.",
    )
    # --- customers by criteria
    criteria_category_ids = fields.Many2many(
        "res.partner.category",
        string="With tags",
        help="Accounts with any of these tags (on the company or a contact).",
    )
    criteria_min_cases = fields.Integer(
        string="At least N cases", help="Cases of the account in the period below."
    )
    criteria_case_days = fields.Integer(string="Over the last (days)", default=90)
    criteria_max_health = fields.Integer(
        string="Health at most",
        help="Customer health (0-100) at most this value; 0: any health.",
    )
    criteria_min_health = fields.Integer(
        string="Health at least",
        help="e.g. healthy accounts first for a pilot; 0: any health.",
    )
    criteria_limit = fields.Integer(
        string="At most N accounts",
        help="The accounts with the most cases first; 0: all that match.",
    )
    member_ids = fields.One2many(
        "hybrid.support.rollout.member",
        "wave_id",
        string="Wave contacts",
        readonly=True,
    )
    # --- nudges
    nudge_step_ids = fields.One2many(
        "hybrid.support.rollout.nudge.step",
        "wave_id",
        string="Nudge series",
        copy=True,
    )
    nudge_min_gap_hours = fields.Integer(
        string="Hours between two nudges",
        default=48,
        help="A contact gets no nudge (of any wave) sooner than this after the last.",
    )
    nudge_effect_days = fields.Integer(
        string="Effect window (days)",
        default=3,
        help="A nudge is counted as effective when the contact activates "
        "their access within this many days after it.",
    )
    hs_is_manager = fields.Boolean(
        compute="_compute_hs_is_manager",
        help="Technical: the form's manager-only fields are read-only without.",
    )
    # --- rollback
    rollback_from_state = fields.Selection(
        STATES, readonly=True, copy=False, help="Where undoing the rollback returns."
    )
    rollback_reason = fields.Text(readonly=True, copy=False)
    log_ids = fields.One2many(
        "hybrid.support.rollout.log", "wave_id", string="Rollbacks", readonly=True
    )
    # --- adoption (see tools.adoption)
    contact_count = fields.Integer(compute="_compute_adoption", string="Contacts")
    invited_count = fields.Integer(compute="_compute_adoption", string="Invited")
    had_access_count = fields.Integer(
        compute="_compute_adoption", string="Already had access"
    )
    skipped_count = fields.Integer(compute="_compute_adoption", string="Skipped")
    failed_count = fields.Integer(compute="_compute_adoption", string="Failed")
    pending_count = fields.Integer(compute="_compute_adoption", string="To invite")
    activated_count = fields.Integer(compute="_compute_adoption", string="Activated")
    activation_rate = fields.Float(
        compute="_compute_adoption",
        string="Activation (%)",
        help="Activated among the contacts with access (invited or already).",
    )
    first_value_count = fields.Integer(
        compute="_compute_adoption", string="Reached a first value"
    )
    median_hours_to_first_value = fields.Float(
        compute="_compute_adoption",
        string="Time to first value (h, median)",
        help="From the access to the first portal action of value: viewed a "
        "case, replied in the portal, opened a case there, found an article "
        "helpful.",
    )
    portal_reply_share = fields.Float(
        compute="_compute_adoption",
        string="Replies in the portal (%)",
        help="Share of the wave's customers' replies on cases written in the "
        "portal rather than by email, since their access.",
    )
    searches_per_active = fields.Float(
        compute="_compute_adoption", string="Help center searches per active contact"
    )
    duplicate_count = fields.Integer(
        compute="_compute_adoption", string="Email/portal duplicates"
    )
    nudge_sent_count = fields.Integer(compute="_compute_adoption", string="Nudges sent")
    csat_wave = fields.Float(
        compute="_compute_adoption", string="CSAT of the wave (/5)"
    )
    csat_others = fields.Float(
        compute="_compute_adoption",
        string="CSAT of other customers (/5)",
        help="Ratings of the company's other customers since the wave's first access.",
    )

    _date_order = models.Constraint(
        "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
        "A wave cannot end before it starts.",
    )

    @api.depends_context("uid")
    def _compute_hs_is_manager(self):
        self.hs_is_manager = self.env.user.has_group(MANAGERS)

    def _hs_check_manager_fields(self, vals_list):
        """Refuse to a non-manager (an owner) a change of MANAGER_FIELDS."""
        if self.env.su or self.env.user.has_group(MANAGERS):
            return
        changed = sorted(
            {name for vals in vals_list for name in vals} & set(MANAGER_FIELDS)
        )
        if changed:
            raise AccessError(
                self.env._(
                    "Only helpdesk managers change a wave's company, customers, "
                    "criteria, invitation message or hypercare tag (%(fields)s).",
                    fields=", ".join(changed),
                )
            )

    @api.constrains("partner_ids", "company_id")
    def _check_customers_company(self):
        """Customers of the wave's company or of no company: the invitation
        job grants them portal access with sudo."""
        for wave in self:
            # sudo: the customers' company, whoever may read the wave
            strangers = wave.sudo().partner_ids.filtered(
                lambda p, wave=wave: p.company_id and p.company_id != wave.company_id
            )
            if strangers:
                raise ValidationError(
                    self.env._(
                        "%(wave)s: customers of another company: %(names)s.",
                        wave=wave.name,
                        names=", ".join(strangers.mapped("display_name")),
                    )
                )

    def write(self, vals):
        self._hs_check_manager_fields([vals])
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        self._hs_check_manager_fields(vals_list)
        waves = super().create(vals_list)
        for wave, vals in zip(waves, vals_list, strict=True):
            if "nudge_step_ids" not in vals:
                wave._hs_add_default_nudges()
        return waves

    def _hs_add_default_nudges(self):
        steps = []
        for name, day, condition, template in DEFAULT_NUDGES:
            template = self.env.ref(
                f"hybrid_support_rollout.{template}", raise_if_not_found=False
            )
            if template:
                steps.append(
                    Command.create(
                        {
                            "name": name,
                            "day_offset": day,
                            "condition": condition,
                            "template_id": template.id,
                        }
                    )
                )
        if steps:
            self.nudge_step_ids = steps

    # --- adoption ---------------------------------------------------------

    @api.depends("member_ids")
    def _compute_adoption(self):
        Member = self.env["hybrid.support.rollout.member"]
        sums = {
            wave: values
            for wave, *values in Member._read_group(
                [("wave_id", "in", self.ids)],
                ["wave_id"],
                [
                    "__count",
                    "invited_count:sum",
                    "activated_count:sum",
                    "portal_reply_count:sum",
                    "email_reply_count:sum",
                    "help_search_count:sum",
                    "duplicate_count:sum",
                    "rating_sum:sum",
                    "rating_count:sum",
                    "nudge_count:sum",
                ],
            )
        }
        states = {
            (wave, state): count
            for wave, state, count in Member._read_group(
                [("wave_id", "in", self.ids)],
                ["wave_id", "invite_state"],
                ["__count"],
            )
        }
        hours = {}
        for wave, values in Member._read_group(
            [("wave_id", "in", self.ids), ("first_value_date", "!=", False)],
            ["wave_id"],
            ["hours_to_first_value:array_agg"],
        ):
            hours[wave] = values
        for wave in self:
            (
                count,
                invited,
                activated,
                portal,
                email,
                searches,
                duplicates,
                rating_sum,
                rating_count,
                nudges,
            ) = sums.get(wave, [0] * 10)
            had_access = states.get((wave, "had_access"), 0)
            wave.contact_count = count
            wave.invited_count = invited
            wave.had_access_count = had_access
            wave.skipped_count = states.get((wave, "skipped"), 0)
            wave.failed_count = states.get((wave, "failed"), 0)
            wave.pending_count = states.get((wave, "pending"), 0)
            wave.activated_count = activated
            wave.activation_rate = adoption.rate(activated, invited + had_access)
            wave.first_value_count = len(hours.get(wave, []))
            wave.median_hours_to_first_value = adoption.median_hours(
                hours.get(wave, [])
            )
            wave.portal_reply_share = adoption.rate(portal, portal + email)
            wave.searches_per_active = adoption.per_head(searches, activated)
            wave.duplicate_count = duplicates
            wave.nudge_sent_count = nudges
            wave.csat_wave = adoption.csat(rating_sum, rating_count)
            wave.csat_others = wave._hs_csat_of_others()

    def _hs_csat_of_others(self):
        """Average rating of the company's customers outside the wave since
        its first access (0.0 before any)."""
        self.ensure_one()
        first = self.member_ids.filtered("invited_date").sorted("invited_date")[:1]
        if not first:
            return 0.0
        groups = self.env["rating.rating"]._read_group(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("consumed", "=", True),
                ("rating", ">", 0),
                ("write_date", ">=", first.invited_date),
                ("partner_id", "not in", self.member_ids.partner_id.ids),
                # the wave's company's cases only (a subquery)
                (
                    "res_id",
                    "in",
                    # sudo: a figure of the company's cases, not a read of
                    # them; the rating itself is read with the user's rights
                    self.env["helpdesk.ticket"]
                    .sudo()
                    .with_context(active_test=False)
                    ._search([("company_id", "=", self.company_id.id)]),
                ),
            ],
            [],
            ["rating:sum", "__count"],
        )
        total, count = groups[0] if groups else (0, 0)
        return adoption.csat(total or 0, count)

    # --- customers ------------------------------------------------------

    def _customer_contacts(self):
        """The people the wave covers: the chosen contacts and every person
        of the chosen companies (active, not addresses)."""
        partners = self.env["res.partner"]
        for wave in self:
            chosen = wave.partner_ids
            companies = chosen.filtered("is_company")
            partners |= chosen - companies
            if companies:
                partners |= self.env["res.partner"].search(
                    [
                        ("commercial_partner_id", "in", companies.ids),
                        ("is_company", "=", False),
                        ("type", "in", ("contact", "other")),
                    ]
                )
        return partners

    def _customer_accounts(self):
        """The commercial partners (accounts) the wave covers."""
        return self.partner_ids.commercial_partner_id

    @api.model
    def _waves_of_partners(self, partners, states=None):
        """The waves covering ``partners`` (contacts or companies), through
        their account or themselves; optionally in ``states`` only."""
        domain = [
            "|",
            ("partner_ids", "in", partners.ids),
            ("partner_ids", "in", partners.commercial_partner_id.ids),
        ]
        if states:
            domain.append(("state", "in", list(states)))
        return self.search(domain)

    def _hs_matching_accounts(self):
        """The accounts (commercial partners) matching the wave's criteria."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        domain = [
            ("is_company", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if self.criteria_category_ids:
            tagged = Partner.search(
                [("category_id", "in", self.criteria_category_ids.ids)]
            )
            domain.append(("id", "in", tagged.commercial_partner_id.ids))
        if self.criteria_max_health:
            domain.append(("hs_health_score", "<=", self.criteria_max_health))
        if self.criteria_min_health:
            domain.append(("hs_health_score", ">=", self.criteria_min_health))
        accounts = Partner.search(domain)
        since = fields.Datetime.now() - timedelta(days=self.criteria_case_days or 90)
        volume = dict(
            self.env["helpdesk.ticket"]._read_group(
                [
                    ("commercial_partner_id", "in", accounts.ids),
                    ("create_date", ">=", since),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        if self.criteria_min_cases:
            accounts = accounts.filtered(
                lambda a: volume.get(a, 0) >= self.criteria_min_cases
            )
        accounts = accounts.sorted(lambda a: (-volume.get(a, 0), a.id))
        if self.criteria_limit:
            accounts = accounts[: self.criteria_limit]
        return accounts

    def action_add_matching_customers(self):
        """Add the accounts matching the criteria to the wave's customers."""
        self._hs_check_manager_fields([{"partner_ids": True}])
        for wave in self:
            accounts = wave._hs_matching_accounts()
            new = accounts - wave.partner_ids
            wave.partner_ids = [Command.link(a.id) for a in new]
            wave.message_post(
                body=self.env._(
                    "%(count)s customers added by the criteria.", count=len(new)
                )
            )
        return True

    def _hs_sync_members(self):
        """One contact row per person the wave covers (new ones to invite);
        rows of people no longer covered and never invited are removed."""
        self.check_access("write")
        # sudo: contact rows are the jobs' bookkeeping, kept by whoever may
        # run the wave (checked just above), owners included
        Member = self.env["hybrid.support.rollout.member"].sudo()
        for wave in self:
            contacts = wave._customer_contacts()
            existing = wave.sudo().member_ids
            Member.create(
                [
                    {"wave_id": wave.id, "partner_id": partner.id}
                    for partner in contacts - existing.partner_id
                ]
            )
            existing.filtered(
                lambda m, c=contacts: (
                    m.partner_id not in c and m.invite_state in ("pending", "skipped")
                )
            ).unlink()

    def _hs_start_invitations(self):
        """Make the contact rows and let the invitation job invite them."""
        self._hs_sync_members()
        # sudo: the job is the scheduler's row
        self.env.ref("hybrid_support_rollout.ir_cron_rollout_invite").sudo()._trigger()

    def action_invite_now(self):
        """Invite the customers added since the start (the job runs soon)."""
        self._hs_start_invitations()
        return True

    # --- state machine --------------------------------------------------

    def _set_state(self, state):
        """Move the waves to ``state`` when the transition is allowed; the
        one place where a wave's state changes."""
        for wave in self:
            refusal = transition_refusal(wave.state, state)
            if refusal:
                raise UserError(
                    self.env._("%(wave)s: %(reason)s", wave=wave.name, reason=refusal)
                )
        self.write({"state": state})
        self.filtered(lambda w: w.state in STARTED)._hs_start_invitations()
        return True

    def action_start_pilot(self):
        return self._set_state("pilot")

    def action_activate(self):
        return self._set_state("active")

    def action_start_hypercare(self):
        return self._set_state("hypercare")

    def action_done(self):
        return self._set_state("done")

    def action_reset_planned(self):
        return self._set_state("planned")

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

    def _hs_rollback(self, reason, revoke_access=False):
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
                revoked = wave._hs_revoke_access()
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

    def _hs_revoke_access(self):
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

    def action_undo_rollback(self):
        """Back to the state the wave left, portal access restored for those
        the rollback revoked; logged."""
        self.check_access("write")
        # sudo: the log is written by this code only (see _hs_rollback)
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

    def action_refresh_adoption(self):
        """Measure the wave's contacts now instead of at the next run of the
        measuring job."""
        self.check_access("read")
        # sudo: the contact rows are written by the jobs only; whoever may
        # read the wave (checked above) may have its figures refreshed
        members = self.sudo().member_ids
        members._hs_measure()
        members.nudge_ids._hs_measure_effect()
        return True

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_rollout.hybrid_support_rollout_member_action"
        )
        action["domain"] = [("wave_id", "=", self.id)]
        action["context"] = {"default_wave_id": self.id}
        return action
