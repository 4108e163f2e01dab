from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Free-text intents become records of the catalogue: the case's and the
    routing rules' (see ``hybrid.support.intent._migrate_column``)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Intent = env["hybrid.support.intent"]
    Intent._migrate_column("helpdesk_ticket", "intent", "hs_intent_id")
    Intent._migrate_column("hybrid_support_routing_rule", "intent", "intent_id")
