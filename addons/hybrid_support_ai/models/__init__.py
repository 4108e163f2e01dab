from . import (
    helpdesk_ticket,
    hybrid_support_ai_model,
    mail_message,
    res_company,
    res_config_settings,
    res_partner,
)
