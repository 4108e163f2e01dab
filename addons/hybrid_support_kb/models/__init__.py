from . import (
    hybrid_support_kb_address_ceiling,
    hybrid_support_kb_case_mixin,
    helpdesk_ticket,
    hybrid_support_kb_article,
    hybrid_support_kb_event,
    hybrid_support_kb_gap,
    hybrid_support_kb_search,
    hybrid_support_kb_self_service_report,
    res_company,
    res_config_settings,
)
