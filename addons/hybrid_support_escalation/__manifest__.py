# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - SLA and Escalation",
    "summary": "SLA policies on working calendars; the promise made to the customer",
    "version": "19.0.1.1.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": ["hybrid_support_intake", "resource", "rating"],
    "data": [
        "security/hybrid_support_escalation_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/hybrid_support_sla_policy_views.xml",
        "views/hybrid_support_ticket_sla_views.xml",
        "views/hybrid_support_escalation_rule_views.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_views.xml",
    ],
    "demo": ["demo/hybrid_support_sla_demo.xml"],
    "installable": True,
}
