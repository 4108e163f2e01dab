from odoo import fields, models

from ..tools import llm


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_ai_min_training = fields.Integer(
        string="Cases needed to train",
        default=100,
        help="Labelled cases (reviewed, or closed with an intent) needed before a "
        "trained model replaces the keyword lexicons.",
    )
    hs_ai_retrain_after = fields.Integer(string="Retrain after new reviews", default=50)
    hs_ai_promotion_window = fields.Integer(
        string="Promotion window",
        default=50,
        help="A shadow version is promoted when it beats the active one on this "
        "many most recently reviewed cases.",
    )
    hs_ai_train_requested = fields.Boolean(
        readonly=True,
        help="Someone asked for a training: the next run of the retraining job "
        "trains every target, however few labels arrived since the last one.",
    )
    hs_ai_lexicon_threshold = fields.Float(
        string="Keyword confidence for no review",
        default=0.6,
        help="Before a model is trained, keyword classifications under this "
        "confidence go to the review queue.",
    )

    # optional OpenAI-compatible endpoint; nothing is sent while it is off
    hs_llm_enabled = fields.Boolean(string="Language model")
    hs_llm_url = fields.Char(
        string="Endpoint",
        help="Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1",
    )
    hs_llm_model = fields.Char(string="Model name")
    hs_llm_api_key = fields.Char(string="API key", groups="base.group_system")
    hs_llm_timeout = fields.Float(string="Timeout (s)", default=10.0)

    _hs_llm_timeout_positive = models.Constraint(
        "CHECK(hs_llm_timeout > 0 AND hs_llm_timeout <= 120)",
        "The language model timeout is between 0 and 120 seconds.",
    )
    _hs_ai_min_training_positive = models.Constraint(
        "CHECK(hs_ai_min_training >= 10)", "Training needs at least 10 cases."
    )

    def _hs_llm_chat(self, messages):
        """The configured endpoint's answer; LlmError when off or failing."""
        self.ensure_one()
        # sudo: the API key is for administrators' eyes only, but agents'
        # actions and the draft job may use it without reading it
        company = self.sudo()
        if not (company.hs_llm_enabled and company.hs_llm_url and company.hs_llm_model):
            raise llm.LlmError(self.env._("no language model is configured"))
        return llm.chat(
            company.hs_llm_url,
            company.hs_llm_model,
            messages,
            api_key=company.hs_llm_api_key or "",
            timeout=company.hs_llm_timeout or 10.0,
        )
