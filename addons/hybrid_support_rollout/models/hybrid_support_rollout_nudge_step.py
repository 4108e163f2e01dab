from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import adoption
from ..tools.nudges import CONDITIONS, StepSpec


class HybridSupportRolloutNudgeStep(models.Model):
    """One email of a wave's nudge series: sent ``day_offset`` days after a
    contact's invitation when its condition holds (see tools.nudges)."""

    _name = "hybrid.support.rollout.nudge.step"
    _description = "Nudge of a portal rollout wave"
    _order = "wave_id, day_offset, sequence, id"

    wave_id = fields.Many2one(
        "hybrid.support.rollout.wave", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    day_offset = fields.Integer(
        string="Day", default=0, help="Days after the contact's invitation."
    )
    template_id = fields.Many2one(
        "mail.template",
        required=True,
        domain=[("model", "=", "hybrid.support.rollout.member")],
        ondelete="restrict",
    )
    condition = fields.Selection(CONDITIONS, default="not_activated", required=True)
    inactive_days = fields.Integer(
        string="Not used for (days)",
        default=7,
        help="With 'Not used the portal since': days without a login.",
    )
    nudge_ids = fields.One2many(
        "hybrid.support.rollout.nudge", "step_id", readonly=True
    )
    sent_count = fields.Integer(compute="_compute_effect", string="Sent")
    effective_count = fields.Integer(
        compute="_compute_effect", string="Activated after"
    )
    effect_rate = fields.Float(
        compute="_compute_effect",
        string="Effect (%)",
        help="Share of the contacts it was sent to who activated their access "
        "within the wave's effect window after it.",
    )

    _day_offset_positive = models.Constraint(
        "CHECK(day_offset >= 0)", "A nudge is sent on the invitation day or later."
    )

    @api.constrains("template_id")
    def _check_template_model(self):
        """The nudge job renders the template on the wave's contact row,
        with sudo: a template of another model (e.g. of cases) would send
        the record of that model that has the contact row's id."""
        for step in self:
            # sudo: the template's model, whoever may read the template
            if step.template_id.sudo().model != "hybrid.support.rollout.member":
                raise ValidationError(
                    self.env._(
                        "The nudge %(step)s must use a template of the wave's "
                        "contacts (Contact of a portal rollout wave).",
                        step=step.name,
                    )
                )

    @api.depends("nudge_ids.effective")
    def _compute_effect(self):
        counts = {
            (step, effective): count
            for step, effective, count in self.env[
                "hybrid.support.rollout.nudge"
            ]._read_group(
                [("step_id", "in", self.ids)],
                ["step_id", "effective"],
                ["__count"],
            )
        }
        for step in self:
            sent = counts.get((step, True), 0) + counts.get((step, False), 0)
            step.sent_count = sent
            step.effective_count = counts.get((step, True), 0)
            step.effect_rate = adoption.rate(step.effective_count, sent)

    def _spec(self):
        self.ensure_one()
        return StepSpec(
            id=self.id,
            day_offset=self.day_offset,
            condition=self.condition,
            inactive_days=self.inactive_days,
        )
