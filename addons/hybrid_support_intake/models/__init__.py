from . import (
    helpdesk_ticket,
    helpdesk_ticket_team,
    hybrid_support_mail_quarantine,
    hybrid_support_reference_pattern,
    hybrid_support_routing_log,
    hybrid_support_routing_rule,
    hybrid_support_ticket_reference,
    mail_thread,
    res_company,
    res_config_settings,
    res_partner,
)
