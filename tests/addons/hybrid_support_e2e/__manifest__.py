# Copyright 2026 Hybrid Support
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Hybrid Support - End-to-end tests",
    "summary": "Cross-addon scenarios of the Hybrid Support suite (tests only)",
    "version": "19.0.1.0.0",
    "license": "AGPL-3",
    "category": "Hidden/Tests",
    "author": "Hybrid Support",
    "website": "https://github.com/hybrid-support/hybrid-support",
    "depends": [
        "hybrid_support_intake",
        "hybrid_support_ai",
        "hybrid_support_escalation",
        "hybrid_support_kb",
        "hybrid_support_portal",
    ],
    "data": ["security/ir.model.access.csv"],
    "installable": True,
}
