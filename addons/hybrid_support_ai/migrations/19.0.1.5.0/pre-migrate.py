"""The fields ai adds to helpdesk.ticket carry the suite's hs_ prefix
(issue 19): rename columns and metadata before the new code loads, so the
data stays and nothing is dropped."""

from odoo.addons.hybrid_support_intake.tools.field_rename import rename_fields

TICKET = """
intent_source intent_needs_review intent_unknown intent_reviewed
team_suggestion_id team_confidence priority_suggestion priority_confidence
summary unanswered_count
""".split()


def migrate(cr, version):
    if not version:
        return
    rename_fields(cr, "helpdesk.ticket", {name: f"hs_{name}" for name in TICKET})
