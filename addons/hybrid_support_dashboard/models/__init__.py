from . import (
    digest_digest,
    helpdesk_ticket,
    helpdesk_ticket_team,
    hybrid_support_case_kpi,
    onboarding_onboarding_step,
)
