"""Training a version from the labelled cases, the nightly retraining job,
"Train now", and the promotion of a shadow version that beats the active
one."""

import base64
import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..tools import classifier, embeddings

_logger = logging.getLogger(__name__)

# "Train now" queues a full retraining (minutes of CPU): once per company
# in this many minutes
TRAIN_NOW_MINUTES = 30


class HybridSupportAiModel(models.Model):
    _inherit = "hybrid.support.ai.model"

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
        store = self.env["hybrid.support.ai.vector"]
        # the vectors earlier trainings encoded: only new texts are encoded
        vectors = store._load_vectors(company, encoder, texts) if encoder else None
        known = set(vectors or ())
        pipeline, metrics, seconds = classifier.train(
            texts,
            labels,
            embedding=encoder,
            # sudo: a setting of managers, read by the training job
            unknown_routed=company.sudo().hs_ai_unknown_routed,
            vectors=vectors,
        )
        if encoder:
            store._store_vectors(company, encoder, vectors, known)
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
        # every company: a handful of rows, each trained apart
        self._retrain_due(
            self.env["res.company"].search([]),  # pylint: disable=no-search-all
            self.env["ir.cron"]._commit_progress,
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
