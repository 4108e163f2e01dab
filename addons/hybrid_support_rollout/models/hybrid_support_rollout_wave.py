from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.waves import (
    STATES,
    transition_refusal,
)

MANAGERS = "helpdesk_mgmt.group_helpdesk_manager"


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

    _date_order = models.Constraint(
        "CHECK(date_end IS NULL OR date_start IS NULL OR date_end >= date_start)",
        "A wave cannot end before it starts.",
    )

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
