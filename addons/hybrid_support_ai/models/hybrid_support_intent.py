from odoo import api, models

from ..tools.drafts import NEVER_AUTO
from ..tools.lexicon import INTENT_LEXICONS

# what the keyword lexicon's intents cover, for the agents who review
LEXICON_DESCRIPTIONS = {
    "billing": "Invoices, charges and payments.",
    "refund": "Money back for an order or a charge.",
    "access": "Login, password, locked or missing accounts.",
    "order_status": "Where an order or a delivery is.",
    "bug": "Something does not work as it should.",
    "outage": "The service is down or unreachable for many users.",
    "cancellation": "Ending a subscription or an order.",
    "feature_request": "Something the product does not do yet.",
    "legal": "Lawyers, contracts, GDPR and other legal matters: always answered "
    "by a person.",
    "security": "Breaches, vulnerabilities, suspicious access: always answered "
    "by a person.",
}


class HybridSupportIntent(models.Model):
    _inherit = "hybrid.support.intent"

    @api.model
    def _ensure_lexicon(self, companies):
        """Every intent the keyword lexicon can name (it triages until a model
        is trained), and the catch-all, in the catalogue of ``companies``;
        an intent an administrator archived stays archived."""
        for company in companies:
            self._other(company)
            self._ensure(
                company,
                [
                    {
                        "code": code,
                        "name": code.replace("_", " ").capitalize(),
                        "description": LEXICON_DESCRIPTIONS.get(code, ""),
                        "never_automate": code in NEVER_AUTO,
                    }
                    for code in INTENT_LEXICONS
                ],
            )

    @api.model
    def _demo_catalogue(self):
        """Demo: the catalogue of the demo company, before its cases are
        triaged (the module's hook makes it for every company afterwards)."""
        self._ensure_lexicon(self.env.company)
