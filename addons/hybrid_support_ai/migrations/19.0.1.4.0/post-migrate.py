from odoo import SUPERUSER_ID, api

from odoo.addons.hybrid_support_ai.models.hybrid_support_intent import (
    LEXICON_DESCRIPTIONS,
)
from odoo.addons.hybrid_support_ai.tools.drafts import NEVER_AUTO


def migrate(cr, version):
    """The lexicon's intents join every catalogue (the migrated ones get its
    names and descriptions); legal and security, never auto-sent by name
    before, are marked never-automate; the intent models retrain on the
    catalogue's codes (their catch-all label changed)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Intent = env["hybrid.support.intent"].with_context(active_test=False)
    for intent in Intent.search([("code", "in", list(LEXICON_DESCRIPTIONS))]):
        if intent.name == intent.code:  # as the migration spelt it
            intent.name = intent.code.replace("_", " ").capitalize()
        intent.description = intent.description or LEXICON_DESCRIPTIONS[intent.code]
    Intent.search([("code", "in", list(NEVER_AUTO))]).never_automate = True
    Intent._ensure_lexicon(env["res.company"].search([]))
    trained = env["hybrid.support.ai.model"].search(
        [("target", "=", "intent"), ("state", "in", ("active", "shadow"))]
    )
    trained.company_id.write({"hs_ai_train_requested": True})
