from . import (
    helpdesk_ticket,
    hybrid_support_mail_quarantine,
    hybrid_support_reference_pattern,
    hybrid_support_ticket_reference,
    mail_thread,
    res_company,
    res_config_settings,
    res_partner,
)
