"""A version's stored classifier: signed, loaded once per server and
checked (signature, allowed types) before it predicts."""

import base64
import hashlib
import hmac
import logging

from odoo import models
from odoo.exceptions import UserError

from ..tools import classifier, embeddings

_logger = logging.getLogger(__name__)

# Loaded pipelines by (model id, signature); a few versions at most.
_LOADED = {}


class HybridSupportAiModel(models.Model):
    _inherit = "hybrid.support.ai.model"

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
