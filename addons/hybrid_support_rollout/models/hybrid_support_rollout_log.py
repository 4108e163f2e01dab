from odoo import fields, models


class HybridSupportRolloutLog(models.Model):
    """A rollback to email only (of a wave or of the whole company) or its
    undoing: who, when, why, and the portal users revoked (or restored)."""

    _name = "hybrid.support.rollout.log"
    _description = "Portal rollback log"
    _order = "id desc"
    _rec_name = "action"

    wave_id = fields.Many2one(
        "hybrid.support.rollout.wave",
        index="btree_not_null",
        ondelete="cascade",
        help="Empty: the whole company's switch.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True)
    action = fields.Selection(
        [("rollback", "Back to email only"), ("undo", "Rollback undone")],
        required=True,
    )
    reason = fields.Text(required=True)
    user_id = fields.Many2one(
        "res.users", string="By", required=True, default=lambda self: self.env.user
    )
    revoked_user_ids = fields.Many2many(
        "res.users",
        "hybrid_support_rollout_log_user_rel",
        "log_id",
        "user_id",
        string="Portal access revoked / restored",
        context={"active_test": False},
    )
