from odoo import api, fields, models

from ..tools import embeddings


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    hs_ai_min_training = fields.Integer(
        related="company_id.hs_ai_min_training", readonly=False
    )
    hs_ai_retrain_after = fields.Integer(
        related="company_id.hs_ai_retrain_after", readonly=False
    )
    hs_ai_promotion_window = fields.Integer(
        related="company_id.hs_ai_promotion_window", readonly=False
    )
    hs_ai_lexicon_threshold = fields.Float(
        related="company_id.hs_ai_lexicon_threshold", readonly=False
    )
    hs_llm_enabled = fields.Boolean(related="company_id.hs_llm_enabled", readonly=False)
    hs_llm_url = fields.Char(related="company_id.hs_llm_url", readonly=False)
    hs_llm_model = fields.Char(related="company_id.hs_llm_model", readonly=False)
    hs_llm_api_key = fields.Char(related="company_id.hs_llm_api_key", readonly=False)
    hs_llm_timeout = fields.Float(related="company_id.hs_llm_timeout", readonly=False)
    hs_ai_embedding_model = fields.Char(
        string="Sentence embedding model",
        config_parameter="hybrid_support_ai.embedding_model",
        help="Folder on the server with tokenizer.json and an ONNX export of a "
        "sentence encoder (e.g. all-MiniLM-L6-v2): its sentence vectors join "
        "the features of the models trained from then on. Needs onnxruntime "
        "and tokenizers (requirements-semantic.txt). Empty: words and "
        "characters only.",
        groups="base.group_system",
    )
    hs_ai_embedding_status = fields.Char(
        compute="_compute_hs_ai_embedding_status", groups="base.group_system"
    )

    @api.depends("hs_ai_embedding_model")
    def _compute_hs_ai_embedding_status(self):
        # loads the encoder once per worker: the training loads it anyway
        for settings in self:
            folder = settings.hs_ai_embedding_model
            problem = folder and embeddings.available(folder)
            settings.hs_ai_embedding_status = folder and (
                self.env._("Not usable: %s", problem)
                if problem
                else self.env._(
                    "Ready: the models trained from now on read sentence vectors."
                )
            )
