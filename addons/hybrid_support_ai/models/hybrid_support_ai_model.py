import base64
import hashlib
import hmac
import json
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError

from ..tools import classifier, embeddings

_logger = logging.getLogger(__name__)

# Loaded pipelines by (model id, signature); a few versions at most.
_LOADED = {}
# "Train now" queues a full retraining (minutes of CPU): once per company
# in this many minutes
TRAIN_NOW_MINUTES = 30


class HybridSupportAiModel(models.Model):
    """A trained classifier version: its hold-out metrics and its state.

    A new version runs in shadow (predicts and logs, never acts) until an
    admin promotes it, or it beats the active one on the last reviewed cases.
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

    # ------------------------------------------------------------------
    # Safe storage
    # ------------------------------------------------------------------

    def _sign(self, data):
        # sudo: the database secret keys the signature; it never leaves here
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hmac.new(secret.encode(), data, hashlib.sha256).hexdigest()

    def _pipeline(self):
        """The loaded classifier; refused when the stored bytes were changed
        outside Odoo or hold types a model never holds."""
        self.ensure_one()
        record = self.sudo()  # sudo: payload and signature are technical fields
        key = (record.id, record.signature)
        if key not in _LOADED:
            data = base64.b64decode(record.payload or b"")
            if not data:
                raise UserError(
                    self.env._(
                        "Model %(name)s was retired long ago and its stored "
                        "classifier removed; train a new version instead.",
                        name=record.name,
                    )
                )
            if not hmac.compare_digest(record._sign(data), record.signature or ""):
                raise UserError(
                    self.env._(
                        "The stored model %(name)s was modified outside Odoo "
                        "(its signature does not match): it is refused. Retrain it.",
                        name=record.name,
                    )
                )
            try:
                pipeline = classifier.loads(data)
            except classifier.UntrustedModel as error:
                raise UserError(
                    self.env._(
                        "The stored model %(name)s is refused: %(error)s",
                        name=record.name,
                        error=error,
                    )
                ) from error
            if len(_LOADED) > 4:
                _LOADED.clear()
            _LOADED[key] = pipeline
        return _LOADED[key]

    def _predict(self, text):
        """(label, confidence, known): ``known`` is False for an email unlike
        every intent the model knows (or of the "other" class): it goes to
        review whatever the confidence. ("", 0.0, False) when the model's
        sentence encoder is gone from this server, so that the email goes to
        review instead of failing."""
        try:
            return classifier.predict(self._pipeline(), text)
        except embeddings.EmbeddingUnavailable as error:
            _logger.warning("%s cannot predict: %s", self.name, error)
            return classifier.Prediction("", 0.0, False)

    # ------------------------------------------------------------------
    # Training and promotion
    # ------------------------------------------------------------------

    @api.model
    def _labelled_cases(self, company, target="intent"):
        """Intent: cases a person confirmed or corrected, and closed cases
        (their intent stood until the end); an archived intent is no longer
        learnt. Team and priority: closed cases, whose final values include
        every agent's correction."""
        domain = [("company_id", "=", company.id)]
        if target == "intent":
            domain += [
                ("hs_intent_id.active", "=", True),
                "|",
                ("hs_intent_reviewed", "=", True),
                ("stage_id.closed", "=", True),
            ]
        else:
            domain += [
                ("stage_id.closed", "=", True),
                (f"{target}_id" if target == "team" else target, "!=", False),
            ]
        return self.env["helpdesk.ticket"].search(domain, order="id")

    @api.model
    def _label(self, case, target):
        """What the model learns of ``case``: the team's id, the priority, or
        the code of the intent (the catch-all's own label for the catch-all)."""
        if target == "team":
            return str(case.team_id.id)
        if target == "intent":
            intent = case.hs_intent_id
            return classifier.OTHER if intent.is_other else (intent.code or "")
        return case[target] or ""

    @api.model
    def _embedding_model(self):
        """The configured sentence encoder's folder when it loads here;
        otherwise None (training goes on with words and characters)."""
        # sudo: a system setting, read by whoever triggers the training
        folder = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("hybrid_support_ai.embedding_model")
        )
        if not folder:
            return None
        problem = embeddings.available(folder)
        if problem:
            _logger.warning("Training without sentence vectors: %s", problem)
            return None
        return folder

    @api.model
    def _train(self, company=None, target="intent"):
        """Train a new version in shadow from the company's labelled cases;
        None when there are too few."""
        company = company or self.env.company
        cases, labels = self._training_cases(company, target)
        if not cases:
            return self.browse()
        texts = [case._hs_training_text() for case in cases]
        try:
            return self._train_version(company, target, texts, labels)
        except classifier.TrainingError as error:
            _logger.warning("%s: no %s model trained: %s", company.name, target, error)
            return self._record_failure(company, target, str(error), len(texts))

    @api.model
    def _record_failure(self, company, target, reason, size=0):
        """A version in state Failed that says why, so that the registry
        shows it; it never predicts."""
        latest = self.search(
            [("company_id", "=", company.id), ("target", "=", target)], limit=1
        )
        return self.create(
            {
                "target": target,
                "version": latest.version + 1,
                "company_id": company.id,
                "training_size": size,
                "state": "failed",
                "error": reason,
            }
        )

    @api.model
    def _training_cases(self, company, target="intent"):
        """(cases, their labels); no cases when too few to train on: fewer
        than the company's minimum, or of a single label."""
        cases = self._labelled_cases(company, target)
        labels = [self._label(case, target) for case in cases]
        if len(cases) < company.hs_ai_min_training or len(set(labels)) < 2:
            return cases.browse(), []
        return cases, labels

    @api.model
    def _train_version(self, company, target, texts, labels):
        """A new version in shadow, trained on ``texts`` and their labels."""
        encoder = self._embedding_model()
        pipeline, metrics, seconds = classifier.train(
            texts,
            labels,
            embedding=encoder,
            # sudo: a setting of managers, read by the training job
            unknown_routed=company.sudo().hs_ai_unknown_routed,
        )
        data = classifier.dumps(pipeline)
        latest = self.search(
            [("company_id", "=", company.id), ("target", "=", target)], limit=1
        )
        model = self.create(
            {
                "target": target,
                "version": latest.version + 1,
                "company_id": company.id,
                "training_size": len(texts),
                "features": (
                    self.env._("words and sentence vectors (%s)", encoder)
                    if encoder
                    else self.env._("words and characters")
                ),
                "training_seconds": seconds,
                "accuracy": metrics["accuracy"],
                "macro_f1": metrics["macro_f1"],
                "ece": metrics["ece"],
                "ece_uncalibrated": metrics["ece_uncalibrated"],
                "reliability": json.dumps(metrics["reliability"]),
                "threshold": metrics["threshold"],
                "coverage": metrics["coverage"],
                "precision": metrics["precision"],
                "unknown_routed": metrics["unknown_routed"],
                "confusion": json.dumps(metrics["confusion"]),
            }
        )
        # one shadow per target: every email is scored by every shadow, and
        # an older one the new version replaces would never be promoted
        self.search(
            [
                ("company_id", "=", company.id),
                ("target", "=", target),
                ("state", "=", "shadow"),
                ("id", "!=", model.id),
            ]
        ).action_retire()
        # sudo: technical fields, written once by the training itself
        model.sudo().write(
            {"payload": base64.b64encode(data), "signature": model._sign(data)}
        )
        _logger.info("Trained %s on %d cases in %.1fs", model.name, len(texts), seconds)
        return model

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

    KEEP_RETIRED = 2  # retired versions that keep their payload, for a rollback

    def action_promote(self):
        for model in self:
            self._active(model.company_id, model.target).write({"state": "retired"})
            model.state = "active"
        self._drop_old_payloads()
        return True

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

    def action_retire(self):
        self.write({"state": "retired"})
        return True

    def _score_on_recent_reviews(self, count):
        """Accuracy of this version on the last ``count`` reviewed cases
        (intent) or closed cases (team, priority)."""
        domain = [("company_id", "=", self.company_id.id)]
        if self.target == "intent":
            domain.append(("hs_intent_reviewed", "=", True))
        else:
            domain.append(("stage_id.closed", "=", True))
        cases = self.env["helpdesk.ticket"].search(
            domain, order="write_date desc, id desc", limit=count
        )
        if not cases:
            return 0.0
        right = sum(
            self._predict(case._hs_training_text()).label
            == self._label(case, self.target)
            for case in cases
        )
        return right / len(cases)

    def _auto_promote(self):
        """Promote a shadow version that beats the active one on the last
        reviewed cases (with no active version, any trained one that has
        a threshold is better than keywords alone)."""
        for model in self.filtered(lambda m: m.state == "shadow"):
            active = self._active(model.company_id, model.target)
            count = model.company_id.hs_ai_promotion_window
            if not active or model._score_on_recent_reviews(
                count
            ) > active._score_on_recent_reviews(count):
                model.action_promote()

    @api.model
    def _due_targets(self, company):
        """The targets to retrain: all three when someone asked for it, else
        those where enough new labels arrived since their last version
        (reviews for the intent, closed cases for team and priority)."""
        due = []
        for target in ("intent", "team", "priority"):
            if company.hs_ai_train_requested:
                due.append(target)
                continue
            latest = self.search(
                [("company_id", "=", company.id), ("target", "=", target)], limit=1
            )
            domain = [("company_id", "=", company.id)]
            domain.append(
                ("hs_intent_reviewed", "=", True)
                if target == "intent"
                else ("stage_id.closed", "=", True)
            )
            if latest:
                domain.append(("write_date", ">", latest.trained_on))
            if (
                self.env["helpdesk.ticket"].search_count(domain)
                >= company.hs_ai_retrain_after
            ):
                due.append(target)
        return due

    @api.model
    def _cron_retrain(self):
        """Each company and target trains apart: one that fails (bad data, a
        bug, no memory) is logged and shown in the registry as a Failed
        version, and the others still train."""
        self._retrain_due(
            self.env["res.company"].search([]), self.env["ir.cron"]._commit_progress
        )

    @api.model
    def _retrain_due(self, companies, commit_progress):
        """Retrain the due targets of ``companies``, each apart, calling
        ``commit_progress(1)`` after each (the job commits there, so that what
        was trained stays whatever comes next)."""
        for company in companies:
            for target in self._due_targets(company):
                self._retrain_isolated(company, target)
                commit_progress(1)
            if company.hs_ai_train_requested:
                company.hs_ai_train_requested = False

    @api.model
    def _retrain_isolated(self, company, target):
        """Train and maybe promote one target of one company; a failure is
        rolled back to a savepoint, logged, and recorded as a Failed version.
        """
        try:
            with self.env.cr.savepoint():
                model = self._train(company, target)
                model._auto_promote()
                return model
        except Exception as error:
            _logger.exception(
                "Retraining the %s model of %s failed", target, company.name
            )
            self.env.invalidate_all()
            return self._record_failure(
                company, target, f"{type(error).__name__}: {error}"
            )

    @api.model
    def action_train_now(self):
        """Ask the retraining job to train every target now, in the
        background: with sentence vectors, 10,000 cases take a minute a
        target, longer than a web request may last."""
        if not self.env.user.has_groups(
            "helpdesk_mgmt.group_helpdesk_manager,base.group_system"
        ):
            raise AccessError(
                self.env._("Only helpdesk managers may ask for a training.")
            )
        company = self.env.company
        # sudo: the request's time is the suite's bookkeeping on the company
        asked = company.sudo().hs_ai_train_requested_at
        if asked and asked > fields.Datetime.now() - timedelta(
            minutes=TRAIN_NOW_MINUTES
        ):
            raise UserError(
                self.env._(
                    "A training was asked for at %(time)s; one request per "
                    "%(minutes)s minutes. The retraining job trains every target "
                    "in the background: its new versions appear in this list.",
                    time=fields.Datetime.context_timestamp(self, asked).strftime(
                        "%H:%M"
                    ),
                    minutes=TRAIN_NOW_MINUTES,
                )
            )
        if not self._training_cases(company)[0]:
            raise UserError(
                self.env._(
                    "Not enough labelled cases to train: at least %(count)s reviewed "
                    "or closed cases with an intent, of two intents or more.",
                    count=company.hs_ai_min_training,
                )
            )
        # sudo: a helpdesk manager may ask for a training, not edit the company
        company.sudo().write(
            {
                "hs_ai_train_requested": True,
                "hs_ai_train_requested_at": fields.Datetime.now(),
            }
        )
        # sudo: jobs are administrators' records; this trigger only trains
        self.env.ref("hybrid_support_ai.ir_cron_retrain").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Training started"),
                "message": self.env._(
                    "The new versions appear in this list in a few minutes, in "
                    "shadow; they are promoted when they do better."
                ),
            },
        }
