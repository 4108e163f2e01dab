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

    intent_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )

    urgency = fields.Selection(
        [
            ("low", "Low"),
            ("normal", "Normal"),
            ("high", "High"),
            ("critical", "Critical"),
        ],
        readonly=True,
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    urgency_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )

    sentiment = fields.Float(
        readonly=True,
        help="From -1 (angry) to 1 (happy).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    sentiment_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )

    sentiment_trend = fields.Float(
        readonly=True,
        digits=(3, 2),
        help="How the customer's tone moved over the thread, from -1 (worse) "
        "to 1 (better).",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    frustrated = fields.Boolean(
        readonly=True,
        index="btree_not_null",
        help="The customer wrote again without an answer, or is angry and waiting.",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    language = fields.Char(
        readonly=True,
        help="ISO 639-1 code of the first email",
        groups="helpdesk_mgmt.group_helpdesk_user_own",
    )

    language_confidence = fields.Float(
        readonly=True, digits=(3, 2), groups="helpdesk_mgmt.group_helpdesk_user_own"
    )
