"""The fields intake adds to helpdesk.ticket carry the suite's hs_ prefix
(issue 19): rename columns and metadata before the new code loads, so the
data stays and nothing is dropped."""

from odoo.addons.hybrid_support_intake.tools.field_rename import rename_fields

TICKET = """
clean_body source_message_id automated_reason received_date phone_numbers
reference_ids is_vip writer_text reopen_count followup_of_id routing_log_ids
routing_log_count
""".split()
MIXINS = {
    "hybrid.support.triage.mixin": """
        intent_confidence urgency urgency_confidence sentiment
        sentiment_confidence sentiment_trend frustrated language
        language_confidence""".split(),
    "hybrid.support.duplicate.mixin": [
        "probable_duplicate_id",
        "probable_duplicate_score",
    ],
    "hybrid.support.acknowledgement.mixin": """
        ack_sent ack_pending ack_suggestions_html ack_case_actions_html
        response_promise ack_portal_button ack_signature""".split(),
}


def migrate(cr, version):
    if not version:
        return
    rename_fields(cr, "helpdesk.ticket", {name: f"hs_{name}" for name in TICKET})
    for mixin, names in MIXINS.items():
        rename_fields(
            cr,
            "helpdesk.ticket",
            {name: f"hs_{name}" for name in names},
            mixins=(mixin,),
        )
