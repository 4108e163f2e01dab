# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - AI Triage",
    "summary": "Classify intent, urgency and sentiment of incoming cases",
    "version": "19.0.1.6.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": ["hybrid_support_intake"],
    "external_dependencies": {
        "python": [
            "scikit-learn",
            "skops",
            "vaderSentiment",
            "langid",
            "rapidfuzz",
        ]
    },
    "data": [
        "security/hybrid_support_ai_security.xml",
        "security/ir.model.access.csv",
        "data/ir_cron_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/hybrid_support_ai_model_views.xml",
        "views/hybrid_support_draft_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/hybrid_support_ai_demo.xml",
        "demo/hybrid_support_ai_automation_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "hybrid_support_ai/static/tests/tours/*.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
