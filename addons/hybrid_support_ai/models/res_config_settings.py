from odoo import api, fields, models

from ..tools import embeddings

SYSTEM = "base.group_system"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    # settings of administrators (the settings page is theirs alone)
    hs_ai_min_training = fields.Integer(
        related="company_id.hs_ai_min_training", readonly=False, groups=SYSTEM
    )
    hs_ai_retrain_after = fields.Integer(
        related="company_id.hs_ai_retrain_after", readonly=False, groups=SYSTEM
    )
    hs_ai_promotion_window = fields.Integer(
        related="company_id.hs_ai_promotion_window", readonly=False, groups=SYSTEM
    )
    hs_ai_unknown_routed = fields.Float(
        related="company_id.hs_ai_unknown_routed", readonly=False, groups=SYSTEM
    )
    hs_ai_lexicon_threshold = fields.Float(
        related="company_id.hs_ai_lexicon_threshold", readonly=False, groups=SYSTEM
    )
    hs_priority_low = fields.Selection(
        related="company_id.hs_priority_low", readonly=False, groups=SYSTEM
    )
    hs_priority_normal = fields.Selection(
        related="company_id.hs_priority_normal", readonly=False, groups=SYSTEM
    )
    hs_priority_high = fields.Selection(
        related="company_id.hs_priority_high", readonly=False, groups=SYSTEM
    )
    hs_priority_critical = fields.Selection(
        related="company_id.hs_priority_critical", readonly=False, groups=SYSTEM
    )
    hs_priority_vip_raise = fields.Boolean(
        related="company_id.hs_priority_vip_raise", readonly=False, groups=SYSTEM
    )
    hs_priority_frustrated_raise = fields.Boolean(
        related="company_id.hs_priority_frustrated_raise", readonly=False, groups=SYSTEM
    )
    hs_llm_enabled = fields.Boolean(
        related="company_id.hs_llm_enabled", readonly=False, groups=SYSTEM
    )
    hs_llm_url = fields.Char(
        related="company_id.hs_llm_url", readonly=False, groups=SYSTEM
    )
    hs_llm_model = fields.Char(
        related="company_id.hs_llm_model", readonly=False, groups=SYSTEM
    )
    hs_llm_api_key = fields.Char(
        related="company_id.hs_llm_api_key", readonly=False, groups=SYSTEM
    )
    hs_llm_timeout = fields.Float(
        related="company_id.hs_llm_timeout", readonly=False, groups=SYSTEM
    )
    hs_llm_daily_budget = fields.Integer(
        related="company_id.hs_llm_daily_budget", readonly=False, groups=SYSTEM
    )
    hs_ai_embedding_model = fields.Char(
        string="Sentence embedding model",
        config_parameter="hybrid_support_ai.embedding_model",
        help="Folder on the server with tokenizer.json and an ONNX export of a "
        "sentence encoder (e.g. all-MiniLM-L6-v2): its sentence vectors join "
        "the features of the models trained from then on. Needs onnxruntime "
        "and tokenizers (requirements-semantic.txt). Empty: words and "
        "characters only.",
        groups=SYSTEM,
    )
    hs_ai_embedding_status = fields.Char(
        compute="_compute_hs_ai_embedding_status", groups=SYSTEM
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
