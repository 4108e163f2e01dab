from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The SLA policies' comma-separated intents become records of the
    catalogue (see ``hybrid.support.intent._migrate_column``)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["hybrid.support.intent"]._migrate_column(
        "hybrid_support_sla_policy",
        "intents",
        None,
        relation=("hs_sla_policy_intent_rel", "policy_id", "intent_id"),
    )
