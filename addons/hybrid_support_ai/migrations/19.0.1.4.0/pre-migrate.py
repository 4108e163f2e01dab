from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Free-text intents of the automation tiers and drafts become records of
    the catalogue, before the tiers' intent is required."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Intent = env["hybrid.support.intent"]
    Intent._migrate_column("hybrid_support_intent_automation", "intent", "intent_id")
    Intent._migrate_column("hybrid_support_draft", "intent", "intent_id")
