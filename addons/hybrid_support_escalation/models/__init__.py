from . import (
    helpdesk_ticket,
    hybrid_support_escalation_log,
    hybrid_support_escalation_rule,
    hybrid_support_sla_policy,
    hybrid_support_ticket_sla,
    res_partner,
    hybrid_support_case_kpi,
    hybrid_support_kpi_report,
    hybrid_support_routing_log,
    helpdesk_ticket_team,
    rating_rating,
    helpdesk_ticket_kpi,
)
