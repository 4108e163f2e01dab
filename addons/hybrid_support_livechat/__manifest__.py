# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Live Chat Cases",
    "summary": "Operators turn a live chat into a case with /case or a button",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": ["hybrid_support_intake", "im_livechat"],
    "data": [
        "data/helpdesk_ticket_channel_data.xml",
        "views/helpdesk_ticket_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "hybrid_support_livechat/static/src/**/*",
        ],
    },
    "auto_install": True,
    "installable": True,
}
