from . import (
    test_attacks,
    test_attacks_company_move,
    test_escalation,
    test_sla,
    test_sla_concurrency,
    test_sla_policies,
    test_sla_channels,
    test_health_tools,
    test_kpi,
    test_kpi_backfill,
    test_csat,
    test_workspace,
)
