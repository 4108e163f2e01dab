# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Self-service and ROI dashboards",
    "summary": "Self-service and ROI dashboards from the help center's deflections "
    "and the drafts' edit rates",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Productivity/Dashboard",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "hybrid_support_dashboard",
        "hybrid_support_kb",
    ],
    "data": [
        "security/hybrid_support_roi_security.xml",
        "security/ir.model.access.csv",
        "data/dashboards.xml",
        "views/res_config_settings_views.xml",
        "views/hybrid_support_roi_report_views.xml",
    ],
    "demo": [
        "demo/res_company_demo.xml",
    ],
    "installable": True,
    "auto_install": True,
}
