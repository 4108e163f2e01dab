from . import helpdesk_ticket, hybrid_support_ai_model, res_company, res_config_settings
