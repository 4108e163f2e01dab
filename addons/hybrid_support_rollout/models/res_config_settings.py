from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_email_only = fields.Boolean(related="company_id.hs_email_only")
    hs_email_only_reason = fields.Text(related="company_id.hs_email_only_reason")

    def action_hs_email_only(self):
        """Open the rollback wizard for the whole company."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Back to email only"),
            "res_model": "hybrid.support.rollout.rollback.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_scope": "company"},
        }

    def action_hs_undo_email_only(self):
        self.env["hybrid.support.rollout.rollback.wizard"]._undo_company(
            self.company_id
        )
        return True
