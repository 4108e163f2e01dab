# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Dashboards",
    "summary": "Support, customer and automation dashboards; KPIs in the digest",
    "version": "19.0.1.2.0",
    "license": "AGPL-3",
    "category": "Productivity/Dashboard",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "spreadsheet_dashboard",
        "digest",
        "onboarding",
        "hybrid_support_escalation",
        "hybrid_support_ai",
    ],
    "data": [
        "security/ir.model.access.csv",
        "data/dashboards.xml",
        "data/onboarding_data.xml",
        "data/digest_data.xml",
        "views/helpdesk_ticket_views.xml",
        "wizards/hybrid_support_onboarding_views.xml",
    ],
    "demo": [
        "demo/hybrid_support_dashboard_demo.xml",
    ],
    "installable": True,
    # with the dashboards' app and the suite; digest and onboarding follow
    "auto_install": [
        "spreadsheet_dashboard",
        "hybrid_support_escalation",
        "hybrid_support_ai",
    ],
}
