"""The methods of kb's own models lost their ``_hs_`` prefix (issue 19):
rewrite the code of the scheduled and server actions that call them. The
knowledge-gaps job is ``noupdate`` data, so ``-u`` alone would leave it
calling ``model._hs_kb_cron_find_gaps()``, a method that no longer exists."""

import re

from odoo import SUPERUSER_ID, api

# old names of the methods of hybrid.support.kb.* models (never defined on a
# shared model, so any call of them is a call of kb's method)
RENAMED = """
    _hs_address_hash _hs_address_slots_used _hs_allowed _hs_check_publish
    _hs_connection _hs_create_in_slot _hs_demo_history _hs_kb_create_draft
    _hs_kb_cron_find_gaps _hs_kb_drafted _hs_kb_feedback_counts
    _hs_kb_find_gaps _hs_kb_period _hs_kb_sentence_vectors
    _hs_kb_source_questions _hs_kb_text _hs_kb_unanswered_searches _hs_log
    _hs_log_within_address _hs_search_changed _hs_search_documents
    _hs_search_encoder _hs_search_index _hs_search_signature _hs_session_hash
    _hs_suggest _hs_team_of _hs_visible_domain _hs_visitor_domain
    _hs_withdraw_deflections""".split()
# a fixed alternation of plain names, anchored on both sides: linear
OLD_NAME = re.compile(
    r"(?<!\w)_hs_(" + "|".join(name[len("_hs_") :] for name in RENAMED) + r")(?!\w)"
)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    # crons are ir.actions.server rows by delegation: one search covers both
    actions = (
        env["ir.actions.server"]
        .with_context(active_test=False)
        .search([("state", "=", "code"), ("code", "like", "_hs_")])
    )
    for action in actions:
        code = OLD_NAME.sub(r"_\1", action.code)
        if code != action.code:
            action.code = code
