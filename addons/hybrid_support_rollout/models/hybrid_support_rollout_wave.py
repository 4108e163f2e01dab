from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..tools.waves import STARTED, STATES, transition_refusal

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
    in one place.

    Its concerns are abstract models of their own, composed here: customers
    and invitations (hybrid.support.rollout.wave.customers), adoption figures
    (.adoption), back to email only (.rollback); hypercare and feedback
    extend it in hybrid_support_rollout_wave_hypercare.py."""

    _name = "hybrid.support.rollout.wave"
    _description = "Portal rollout wave"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        # one concern each, in their own files
        "hybrid.support.rollout.wave.customers",
        "hybrid.support.rollout.wave.adoption",
        "hybrid.support.rollout.wave.rollback",
    ]
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
    # --- rollback (see hybrid.support.rollout.wave.rollback)
    log_ids = fields.One2many(
        "hybrid.support.rollout.log", "wave_id", string="Rollbacks", readonly=True
    )

    _date_order = models.Constraint(
        "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
        "A wave cannot end before it starts.",
    )

    @api.depends_context("uid")
    def _compute_hs_is_manager(self):
        self.hs_is_manager = self.env.user.has_group(MANAGERS)

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
        self._check_manager_fields([vals])
        return super().write(vals)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_manager_fields(vals_list)
        waves = super().create(vals_list)
        for wave, vals in zip(waves, vals_list, strict=True):
            if "nudge_step_ids" not in vals:
                wave._add_default_nudges()
        return waves

    # --- actions ----------------------------------------------------------

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

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "hybrid_support_rollout.hybrid_support_rollout_member_action"
        )
        action["domain"] = [("wave_id", "=", self.id)]
        action["context"] = {"default_wave_id": self.id}
        return action

    # --- business ---------------------------------------------------------

    def _check_manager_fields(self, vals_list):
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

    def _add_default_nudges(self):
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
        self.filtered(lambda w: w.state in STARTED)._start_invitations()
        return True
