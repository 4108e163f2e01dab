# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Portal adoption dashboard",
    "summary": "Portal adoption dashboard of the rollout waves: activation, time "
    "to first value, portal vs email replies, CSAT, goals",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Productivity/Dashboard",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "hybrid_support_dashboard",
        "hybrid_support_rollout",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/hybrid_support_rollout_adoption_report_security.xml",
        "data/dashboards.xml",
    ],
    "demo": [
        "demo/hybrid_support_rollout_dashboard_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
}
