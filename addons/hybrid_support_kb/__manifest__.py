# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - Knowledge Base",
    "summary": "Reviewed knowledge base articles, suggested to customers and agents",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "After-Sales",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": ["hybrid_support_intake"],
    "data": [
        "security/hybrid_support_kb_security.xml",
        "security/ir.model.access.csv",
        "views/hybrid_support_kb_article_views.xml",
    ],
    "demo": ["demo/hybrid_support_kb_demo.xml"],
    "installable": True,
}
