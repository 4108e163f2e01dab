# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Customer Portal",
    "summary": "Customers follow their email cases in the portal: SLA, status, articles",
    "version": "19.0.1.3.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "hybrid_support_intake",
        "hybrid_support_escalation",
        "hybrid_support_kb",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/hybrid_support_portal_security.xml",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "views/helpdesk_ticket_templates.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/portal_action_templates.xml",
        "views/portal_my_tickets_templates.xml",
        "views/hybrid_support_escalation_rule_views.xml",
        "views/portal_team_templates.xml",
        "views/res_partner_views.xml",
    ],
    "demo": [
        "demo/helpdesk_ticket_team_demo.xml",
        "demo/hybrid_support_portal_team_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "hybrid_support_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
