import logging

from odoo import api, fields, models

from ..tools import llm
from ..tools.priority import PriorityMapping

_logger = logging.getLogger(__name__)

# who may read or change the AI settings of a company
AI_SETTINGS = "base.group_system,helpdesk_mgmt.group_helpdesk_manager"
LLM_SETTINGS = "base.group_system"
PRIORITIES = [("0", "Low"), ("1", "Medium"), ("2", "High"), ("3", "Very High")]


class ResCompany(models.Model):
    _inherit = "res.company"

    hs_ai_min_training = fields.Integer(
        groups=AI_SETTINGS,
        string="Cases needed to train",
        default=100,
        help="Labelled cases (reviewed, or closed with an intent) needed before a "
        "trained model replaces the keyword lexicons.",
    )
    hs_ai_retrain_after = fields.Integer(
        string="Retrain after new reviews", default=50, groups=AI_SETTINGS
    )
    hs_ai_promotion_window = fields.Integer(
        groups=AI_SETTINGS,
        string="Promotion window",
        default=50,
        help="A shadow version is promoted when it beats the active one on this "
        "many most recently reviewed cases.",
    )
    hs_ai_train_requested = fields.Boolean(
        groups=AI_SETTINGS,
        readonly=True,
        help="Someone asked for a training: the next run of the retraining job "
        "trains every target, however few labels arrived since the last one.",
    )
    hs_ai_train_requested_at = fields.Datetime(
        groups=AI_SETTINGS,
        readonly=True,
        help="When 'Train now' was last used: once in a while only.",
    )
    hs_ai_unknown_routed = fields.Float(
        groups=AI_SETTINGS,
        string="Unknown intents applied at most",
        default=0.10,
        help="Share of the emails about something no intent covers that the "
        "trained models may still apply (measured when training, on intents "
        "left out on purpose); the rest go to review. Lower it and more known "
        "emails go to review as well: an unknown intent looks like its "
        "neighbours.",
    )
    hs_ai_lexicon_threshold = fields.Float(
        groups=AI_SETTINGS,
        string="Keyword confidence for no review",
        default=0.6,
        help="Before a model is trained, keyword classifications under this "
        "confidence go to the review queue.",
    )

    # priority from urgency until a priority model is trained
    hs_priority_low = fields.Selection(
        PRIORITIES, string="Low urgency", default="0", groups=AI_SETTINGS
    )
    hs_priority_normal = fields.Selection(
        PRIORITIES, string="Normal urgency", default="1", groups=AI_SETTINGS
    )
    hs_priority_high = fields.Selection(
        PRIORITIES, string="High urgency", default="2", groups=AI_SETTINGS
    )
    hs_priority_critical = fields.Selection(
        PRIORITIES, string="Critical urgency", default="3", groups=AI_SETTINGS
    )
    hs_priority_vip_raise = fields.Boolean(
        string="VIP: one step up", default=True, groups=AI_SETTINGS
    )
    hs_priority_frustrated_raise = fields.Boolean(
        string="Frustrated customer: one step up", default=True, groups=AI_SETTINGS
    )

    # optional OpenAI-compatible endpoint; nothing is sent while it is off
    hs_llm_enabled = fields.Boolean(string="Language model", groups=LLM_SETTINGS)
    hs_llm_url = fields.Char(
        string="Endpoint",
        groups=LLM_SETTINGS,
        help="Base URL of an OpenAI-compatible API, e.g. http://127.0.0.1:8080/v1",
    )
    hs_llm_model = fields.Char(string="Model name", groups=LLM_SETTINGS)
    hs_llm_api_key = fields.Char(string="API key", groups=LLM_SETTINGS)
    hs_llm_timeout = fields.Float(
        string="Timeout (s)", default=10.0, groups=LLM_SETTINGS
    )
    hs_llm_daily_budget = fields.Integer(
        string="Calls a day",
        default=200,
        groups=LLM_SETTINGS,
        help="At most this many requests a day to the language model for this "
        "company; beyond, drafts stay as made and summaries are refused.",
    )
    hs_llm_calls_day = fields.Date(readonly=True, groups=LLM_SETTINGS)
    hs_llm_calls = fields.Integer(
        string="Calls today", readonly=True, groups=LLM_SETTINGS
    )

    _hs_llm_timeout_positive = models.Constraint(
        "CHECK(hs_llm_timeout > 0 AND hs_llm_timeout <= 120)",
        "The language model timeout is between 0 and 120 seconds.",
    )
    _hs_llm_daily_budget_positive = models.Constraint(
        "CHECK(hs_llm_daily_budget >= 0)",
        "The language model's daily budget cannot be negative.",
    )
    _hs_ai_unknown_routed_range = models.Constraint(
        "CHECK(hs_ai_unknown_routed >= 0 AND hs_ai_unknown_routed <= 1)",
        "The share of unknown intents applied is between 0 and 1.",
    )
    _hs_ai_min_training_positive = models.Constraint(
        "CHECK(hs_ai_min_training >= 10)", "Training needs at least 10 cases."
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["hybrid.support.intent"]._ensure_lexicon(companies)
        return companies

    def _hs_priority_mapping(self):
        """The company's mapping from triage to priority (pure object)."""
        self.ensure_one()
        company = self.sudo()  # sudo: settings of managers, read for every email
        return PriorityMapping(
            by_urgency={
                "low": company.hs_priority_low,
                "normal": company.hs_priority_normal,
                "high": company.hs_priority_high,
                "critical": company.hs_priority_critical,
            },
            vip_raise=company.hs_priority_vip_raise,
            frustrated_raise=company.hs_priority_frustrated_raise,
        )

    def _hs_llm_ready(self):
        """Whether a language model is configured for this company."""
        self.ensure_one()
        company = self.sudo()  # sudo: settings of administrators, read to decide
        return bool(
            company.hs_llm_enabled and company.hs_llm_url and company.hs_llm_model
        )

    def _hs_llm_spend(self):
        """Count one call against today's budget; False when it is spent.
        One UPDATE checks and counts, so that parallel jobs cannot overspend."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        self.flush_recordset(
            ["hs_llm_daily_budget", "hs_llm_calls", "hs_llm_calls_day"]
        )
        self.env.cr.execute(
            """
            UPDATE res_company
               SET hs_llm_calls = CASE WHEN hs_llm_calls_day = %(today)s
                                       THEN COALESCE(hs_llm_calls, 0) + 1 ELSE 1 END,
                   hs_llm_calls_day = %(today)s
             WHERE id = %(id)s
               AND (hs_llm_calls_day IS DISTINCT FROM %(today)s
                    OR COALESCE(hs_llm_calls, 0) < hs_llm_daily_budget)
               AND COALESCE(hs_llm_daily_budget, 0) > 0
         RETURNING id
            """,
            {"today": today, "id": self.id},
        )
        spent = not self.env.cr.fetchone()
        self.invalidate_recordset(["hs_llm_calls", "hs_llm_calls_day"])
        return not spent

    def _hs_llm_chat(self, messages):
        """The configured endpoint's answer; LlmError (with a reason safe to
        show) when off, over today's budget or failing."""
        self.ensure_one()
        # sudo: the endpoint and its key are for administrators' eyes only,
        # but agents' actions and the draft job may use them without reading
        company = self.sudo()
        if not self._hs_llm_ready():
            raise llm.LlmError(self.env._("no language model is configured"))
        if not company._hs_llm_spend():
            _logger.warning(
                "Language model not called for %s: its budget of %d calls a day "
                "is spent",
                company.name,
                company.hs_llm_daily_budget,
            )
            raise llm.LlmError(
                self.env._(
                    "the budget of %(count)s calls a day is spent",
                    count=company.hs_llm_daily_budget,
                )
            )
        return llm.chat(
            company.hs_llm_url,
            company.hs_llm_model,
            messages,
            api_key=company.hs_llm_api_key or "",
            timeout=company.hs_llm_timeout or 10.0,
        )
