import json

from markupsafe import Markup

from odoo import api, fields, models, tools


class HybridSupportAiModel(models.Model):
    """A trained classifier version: its hold-out metrics and its state.

    A new version runs in shadow (predicts and logs, never acts) until an
    admin promotes it, or it beats the active one on the last reviewed cases.
    This file: the version, its promotion and the registry the gateway reads
    (``_active``, ``_shadows``); its stored classifier and predictions in
    ``hybrid_support_ai_model_prediction.py``; training and retraining in
    ``hybrid_support_ai_model_training.py``.
    """

    _name = "hybrid.support.ai.model"
    _inherit = ["hybrid.support.cached.config"]  # the gateway caches the active ones
    _description = "Trained triage model"
    _order = "target, version desc"

    name = fields.Char(compute="_compute_name", store=True)
    target = fields.Selection(
        [("intent", "Intent"), ("team", "Team"), ("priority", "Priority")],
        required=True,
        default="intent",
    )
    version = fields.Integer(required=True, readonly=True)
    features = fields.Char(
        readonly=True,
        help="What the model reads: word and character n-grams, and the "
        "sentence vectors of an embedding model when one was configured.",
    )
    state = fields.Selection(
        [
            ("shadow", "Shadow"),
            ("active", "Active"),
            ("retired", "Retired"),
            ("failed", "Failed"),
        ],
        default="shadow",
        required=True,
        readonly=True,
        index=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        readonly=True,
    )
    trained_on = fields.Datetime(default=fields.Datetime.now, readonly=True)
    training_size = fields.Integer(readonly=True)
    training_seconds = fields.Float(readonly=True, digits=(6, 1))
    accuracy = fields.Float(readonly=True, digits=(4, 3))
    macro_f1 = fields.Float(string="Macro-F1", readonly=True, digits=(4, 3))
    ece = fields.Float(
        string="Calibration error",
        readonly=True,
        digits=(4, 3),
        help="Expected calibration error of the calibrated confidences, out of "
        "fold: the mean gap between confidence and accuracy (0: a confidence "
        "of 90% is right 90% of the time).",
    )
    ece_uncalibrated = fields.Float(
        string="Calibration error before calibration", readonly=True, digits=(4, 3)
    )
    reliability = fields.Text(
        readonly=True,
        help="Reliability diagram, out of fold: per confidence bin, the number "
        "of predictions, their mean confidence and their accuracy (JSON).",
    )
    reliability_table = fields.Html(
        compute="_compute_reliability_table", string="Reliability diagram"
    )
    threshold = fields.Float(
        readonly=True,
        digits=(4, 3),
        help="Predictions at or above this calibrated confidence are applied; "
        "below, the case goes to the review queue. Chosen on out-of-fold "
        "predictions so that applied predictions are at least 97% precise at "
        "the lower bound of a 95% confidence interval.",
    )
    coverage = fields.Float(
        readonly=True,
        digits=(4, 3),
        help="Share of the training cases, predicted out of fold, that the "
        "thresholds apply.",
    )
    precision = fields.Float(
        readonly=True,
        digits=(4, 3),
        help="Precision of the predictions the thresholds apply, out of fold.",
    )
    unknown_routed = fields.Float(
        string="Unknown intents applied",
        readonly=True,
        digits=(4, 3),
        help="Share of cases, each predicted as if its own intent did not "
        "exist, that would still be applied: what happens to an email about "
        "something no intent covers. The rest go to review.",
    )
    confusion = fields.Text(readonly=True, help="Confusion matrix, out of fold (JSON).")
    error = fields.Text(readonly=True, help="Why the training failed (state Failed).")
    payload = fields.Binary(attachment=True, readonly=True, groups="base.group_system")
    signature = fields.Char(readonly=True, groups="base.group_system")

    def _compute_reliability_table(self):
        for model in self:
            rows = json.loads(model.reliability or "[]")
            model.reliability_table = (
                Markup(
                    "<table class='table table-sm'><tr><th>%s</th><th>%s</th>"
                    "<th>%s</th><th>%s</th></tr>"
                )
                % (
                    self.env._("Confidence"),
                    self.env._("Cases"),
                    self.env._("Mean confidence"),
                    self.env._("Accuracy"),
                )
                + Markup().join(
                    Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td>%s</td></tr>")
                    % (
                        row["bin"],
                        row["count"],
                        f"{row['confidence']:.1%}",
                        f"{row['accuracy']:.1%}",
                    )
                    for row in rows
                )
                + Markup("</table>")
                if rows
                else False
            )

    @api.depends("target", "version")
    def _compute_name(self):
        labels = dict(self._fields["target"].selection)
        for model in self:
            model.name = f"{labels.get(model.target, model.target)} v{model.version}"

    def action_promote(self):
        for model in self:
            self._active(model.company_id, model.target).write({"state": "retired"})
            model.state = "active"
        self._drop_old_payloads()
        return True

    def action_retire(self):
        self.write({"state": "retired"})
        return True

    KEEP_RETIRED = 2  # retired versions that keep their payload, for a rollback

    def _drop_old_payloads(self):
        """Retired versions beyond the last few keep their metrics, not their
        (tens of MB) payload."""
        for company, target in {(m.company_id, m.target) for m in self}:
            old = self.search(
                [
                    ("company_id", "=", company.id),
                    ("target", "=", target),
                    ("state", "=", "retired"),
                ],
                offset=self.KEEP_RETIRED,
            )
            # sudo: payload and signature are technical fields
            old.sudo().write({"payload": False, "signature": False})

    @api.model
    @tools.ormcache("company_id", "target")
    def _active_id(self, company_id, target):
        # sudo: the cached answer must not depend on who asked first
        return (
            self.sudo()
            .search(
                [
                    ("company_id", "=", company_id),
                    ("target", "=", target),
                    ("state", "=", "active"),
                ],
                limit=1,
            )
            .id
        )

    @api.model
    @tools.ormcache("company_ids")
    def _shadow_ids(self, company_ids):
        # sudo: the cached answer must not depend on who asked first
        return tuple(
            self.sudo()
            .search([("state", "=", "shadow"), ("company_id", "in", list(company_ids))])
            .ids
        )

    def _log_values(self):
        """Routing-log values naming this version: a reference to it, and its
        target and number as people read them."""
        self.ensure_one()
        labels = dict(self._fields["target"].selection)  # as in the name
        return {
            "ai_model_id": self.id,
            "model_name": labels.get(self.target, self.target),
            "model_version": str(self.version),
        }

    @api.model
    def _shadows(self, companies):
        """Versions running in shadow for ``companies``; no query per email."""
        return self.browse(self._shadow_ids(tuple(sorted(companies.ids))))

    @api.model
    def _active(self, company, target="intent"):
        """The company's active version for ``target``; no query per email."""
        return self.browse(self._active_id(company.id, target))
