from . import helpdesk_ticket, hybrid_support_sla_policy
