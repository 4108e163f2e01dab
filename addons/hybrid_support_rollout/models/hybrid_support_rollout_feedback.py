from odoo import api, fields, models

from ..tools.feedback import REVIEW_STATES, SCORES


class HybridSupportRolloutFeedback(models.Model):
    """What a customer of a wave said of the portal, from its Feedback page,
    with the impact they gave it; reviewed by the wave's owner."""

    _name = "hybrid.support.rollout.feedback"
    _description = "Portal rollout feedback"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _rec_name = "wave_id"

    wave_id = fields.Many2one(
        "hybrid.support.rollout.wave",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    company_id = fields.Many2one(
        related="wave_id.company_id", store=True, index=True, readonly=True
    )
    owner_id = fields.Many2one(
        related="wave_id.owner_id", string="Wave owner", store=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, readonly=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", string="Account", store=True
    )
    text = fields.Text(string="Feedback", required=True, readonly=True)
    score = fields.Selection(
        SCORES,
        string="Impact",
        required=True,
        readonly=True,
        help="How much it matters to the customer, from 1 (minor) to 5 "
        "(blocks their work).",
    )
    state = fields.Selection(
        REVIEW_STATES,
        string="Review",
        default="new",
        required=True,
        tracking=True,
        index=True,
    )
    review_note = fields.Text(help="What was decided, for the team.")

    @api.model_create_multi
    def create(self, vals_list):
        feedback = super().create(vals_list)
        feedback._notify_wave_owner()
        return feedback

    def _notify_wave_owner(self):
        """A to-do for the wave's owner on each new feedback."""
        for item in self.filtered("wave_id.owner_id"):
            item.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=item.wave_id.owner_id.id,
                summary=self.env._(
                    "Portal feedback (impact %(score)s) from %(customer)s",
                    score=item.score,
                    customer=item.partner_id.display_name,
                ),
            )

    def action_reviewed(self):
        return self.write({"state": "reviewed"})

    def action_planned(self):
        return self.write({"state": "planned"})

    def action_done(self):
        return self.write({"state": "done"})

    def action_wont_do(self):
        return self.write({"state": "wont_do"})
