from . import (
    helpdesk_ticket,
    helpdesk_ticket_draft,
    helpdesk_ticket_team,
    hybrid_support_ai_model,
    hybrid_support_draft,
    hybrid_support_intent,
    hybrid_support_intent_automation,
    mail_message,
    mail_template,
    res_company,
    res_config_settings,
    res_partner,
)
