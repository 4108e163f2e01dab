from odoo import fields, models


class HybridSupportTriageMixin(models.AbstractModel):
    """What triage says of a case: intent, urgency, sentiment, frustration
    and language, each with its confidence. Filled by hybrid_support_ai when
    installed (in the case's INSERT, through ``_hs_new_case_values``); read by
    routing rules, SLA policies and escalation here. Internal: agents only.
    Composed into ``helpdesk.ticket``."""

    _name = "hybrid.support.triage.mixin"
    _description = "Triage of a case"

    # Filled by hybrid_support_ai when installed; read by routing and escalation.
    hs_intent_id = fields.Many2one(
        "hybrid.support.intent",
        string="Intent",
        readonly=True,
        index=True,
        ondelete="restrict",
        domain="[('company_id', '=', company_id), ('is_other', '=', False)]",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_intent_confidence = fields.Float(
        string="Intent Confidence",
        readonly=True,
        digits=(3, 2),
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_urgency = fields.Selection(
        [
            ("low", "Low"),
            ("normal", "Normal"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        string="Urgency",
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_urgency_confidence = fields.Float(
        string="Urgency Confidence",
        readonly=True,
        digits=(3, 2),
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_sentiment = fields.Float(
        string="Sentiment",
        readonly=True,
        help="From -1 (angry) to 1 (happy).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_sentiment_confidence = fields.Float(
        string="Sentiment Confidence",
        readonly=True,
        digits=(3, 2),
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_sentiment_trend = fields.Float(
        string="Sentiment Trend",
        readonly=True,
        digits=(3, 2),
        help="How the customer's tone moved over the thread, from -1 (worse) "
        "to 1 (better).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_frustrated = fields.Boolean(
        string="Frustrated",
        readonly=True,
        index="btree_not_null",
        help="The customer wrote again without an answer, or is angry and waiting.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_language = fields.Char(
        string="Language",
        readonly=True,
        help="ISO 639-1 code of the first email",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    hs_language_confidence = fields.Float(
        string="Language Confidence",
        readonly=True,
        digits=(3, 2),
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )
