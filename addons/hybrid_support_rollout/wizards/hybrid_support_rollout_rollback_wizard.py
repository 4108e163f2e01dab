from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError


class HybridSupportRolloutRollbackWizard(models.TransientModel):
    """Back to email only, for a wave or for the whole company, with a
    reason; logged and undoable."""

    _name = "hybrid.support.rollout.rollback.wizard"
    _description = "Back to email only"

    scope = fields.Selection(
        [("wave", "This wave"), ("company", "The whole company")],
        default="wave",
        required=True,
    )
    wave_id = fields.Many2one("hybrid.support.rollout.wave")
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, required=True
    )
    reason = fields.Text(required=True)
    revoke_access = fields.Boolean(
        string="Also revoke portal access",
        help="The wave's contacts lose their portal login (restored when the "
        "rollback is undone). Without it they keep it, but our emails stop "
        "pointing to the portal.",
    )

    def action_confirm(self):
        self.ensure_one()
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why you roll back."))
        if self.scope == "wave":
            if not self.wave_id:
                raise UserError(self.env._("Choose the wave to roll back."))
            self.wave_id._rollback(reason, revoke_access=self.revoke_access)
            return {"type": "ir.actions.act_window_close"}
        self._rollback_company(self.company_id, reason)
        return {"type": "ir.actions.act_window_close"}

    @api.model
    def _check_company_switch(self, company):
        """Helpdesk managers only, and only for a company they work in now:
        the wizard's company comes from the client (a manager of company A
        could name company B over RPC), so it is checked here, against the
        user's active companies, as the record rules do."""
        if not self.env.user.has_group("helpdesk_mgmt.group_helpdesk_manager"):
            raise UserError(self.env._("Only helpdesk managers switch to email only."))
        if company not in self.env.companies:
            raise AccessError(
                self.env._(
                    "Switching to email only is for the companies you work in "
                    "and have selected."
                )
            )

    @api.model
    def _rollback_company(self, company, reason):
        """The company-wide switch: links and rollout emails stop for
        everyone; portal accesses are left as they are."""
        self._check_company_switch(company)
        # sudo: a company setting, written after _check_company_switch
        company.sudo().write({"hs_email_only": True, "hs_email_only_reason": reason})
        # sudo: the log is written by this code only, after the checks
        self.env["hybrid.support.rollout.log"].sudo().create(
            {"company_id": company.id, "action": "rollback", "reason": reason}
        )

    @api.model
    def _undo_company(self, company):
        self._check_company_switch(company)
        if not company.hs_email_only:
            return
        # sudo: a company setting, written after _check_company_switch
        company.sudo().write({"hs_email_only": False, "hs_email_only_reason": False})
        # sudo: the log is written by this code only, after the checks
        self.env["hybrid.support.rollout.log"].sudo().create(
            {
                "company_id": company.id,
                "action": "undo",
                "reason": self.env._("Email only undone"),
                "revoked_user_ids": [Command.clear()],
            }
        )
