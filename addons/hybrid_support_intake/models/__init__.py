from . import (
    helpdesk_ticket,
    hybrid_support_mail_quarantine,
    mail_thread,
    res_company,
    res_config_settings,
    res_partner,
)
