from . import (
    helpdesk_ticket,
    hybrid_support_escalation_log,
    hybrid_support_escalation_rule,
    hybrid_support_sla_policy,
    hybrid_support_ticket_sla,
    res_partner,
)
