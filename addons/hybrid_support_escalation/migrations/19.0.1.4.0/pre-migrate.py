"""The fields escalation adds to helpdesk.ticket carry the suite's hs_ prefix
(issue 19; sla_deadline collided with OCA helpdesk_mgmt_sla): rename columns
and metadata before the new code loads, so the data stays and nothing is
dropped."""

from odoo.addons.hybrid_support_intake.tools.field_rename import rename_fields

TICKET = """
sla_ids sla_policy_id sla_first_response_deadline sla_deadline
sla_at_risk_date sla_first_response_date sla_status sla_reached_date
sla_paused sla_start_date customer_health escalation_level escalation_log_ids
""".split()


def migrate(cr, version):
    if not version:
        return
    rename_fields(cr, "helpdesk.ticket", {name: f"hs_{name}" for name in TICKET})
