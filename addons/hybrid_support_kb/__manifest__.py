# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Knowledge Base",
    "summary": "Reviewed knowledge base articles, suggested to customers and agents",
    "version": "19.0.1.3.1",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": ["hybrid_support_intake", "portal"],
    "external_dependencies": {
        "python": ["scikit-learn", "rapidfuzz", "numpy", "phonenumbers"]
    },
    "data": [
        "security/hybrid_support_kb_security.xml",
        "security/ir.model.access.csv",
        "data/hybrid_support_kb_cron.xml",
        "views/hybrid_support_kb_article_views.xml",
        "views/hybrid_support_kb_event_views.xml",
        "views/hybrid_support_kb_self_service_report_views.xml",
        "views/hybrid_support_kb_gap_views.xml",
        "views/helpdesk_ticket_views.xml",
        "wizards/hybrid_support_kb_draft_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/help_templates.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "hybrid_support_kb/static/src/interactions/*.js",
        ],
        "web.assets_tests": [
            "hybrid_support_kb/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/hybrid_support_kb_demo.xml",
        "demo/hybrid_support_kb_drafts_demo.xml",
        "demo/hybrid_support_kb_events_demo.xml",
    ],
    "installable": True,
}
