# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - SLA and Escalation",
    "summary": "SLA policies on working calendars; the promise made to the customer",
    "version": "19.0.1.4.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "hybrid_support_intake",
        "resource",
        "rating",
        "helpdesk_mgmt_rating",
    ],
    "data": [
        "security/hybrid_support_escalation_security.xml",
        "security/hybrid_support_kpi_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "data/ir_cron_csat_data.xml",
        "data/ir_cron_kpi_backfill_data.xml",
        "views/hybrid_support_sla_policy_views.xml",
        "views/hybrid_support_ticket_sla_views.xml",
        "views/hybrid_support_escalation_rule_views.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/hybrid_support_kpi_report_views.xml",
        "views/rating_templates.xml",
        "views/helpdesk_ticket_workspace_views.xml",
    ],
    "demo": [
        "demo/hybrid_support_sla_demo.xml",
        "demo/hybrid_support_csat_demo.xml",
    ],
    "installable": True,
}
