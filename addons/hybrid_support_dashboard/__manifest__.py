# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Dashboards",
    "summary": "Support, customer and automation dashboards; KPIs in the digest",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Productivity/Dashboard",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "spreadsheet_dashboard",
        "digest",
        "hybrid_support_escalation",
        "hybrid_support_ai",
    ],
    "data": [
        "data/dashboards.xml",
        "data/digest_data.xml",
        "views/helpdesk_ticket_views.xml",
    ],
    "installable": True,
    "auto_install": True,
}
