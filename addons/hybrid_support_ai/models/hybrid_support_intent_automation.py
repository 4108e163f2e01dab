from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.drafts import MAX_AUTO_EDIT_RATE, auto_send_refusal

TIERS = [
    ("manual", "Manual: no draft"),
    ("draft", "Draft for review"),
    ("auto", "Auto-send"),
]


class HybridSupportIntentAutomation(models.Model):
    """How far the suite may go for one intent. Drafts start in review; an
    intent earns auto-send when agents barely change its drafts."""

    _name = "hybrid.support.intent.automation"
    _description = "Automation tier of an intent"
    _order = "intent_id"
    _check_company_auto = True

    intent_id = fields.Many2one(
        "hybrid.support.intent",
        required=True,
        ondelete="cascade",
        check_company=True,
        domain="[('is_other', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    tier = fields.Selection(TIERS, required=True, default="draft")
    sample_size = fields.Integer(
        string="Drafts judged",
        default=20,
        help="Auto-send needs this many answered drafts, edited under 30% on average.",
    )
    edit_rate = fields.Float(
        string="Edit rate",
        compute="_compute_edit_rate",
        digits=(3, 2),
        help="Average share of the last drafts that agents changed.",
    )
    sent_count = fields.Integer(string="Drafts answered", compute="_compute_edit_rate")
    auto_refusal = fields.Char(
        string="Auto-send", compute="_compute_edit_rate", help="Why not, if not."
    )

    _intent_unique = models.Constraint(
        "UNIQUE(company_id, intent_id)", "Each intent has one automation tier."
    )
    _sample_positive = models.Constraint(
        "CHECK(sample_size >= 5)", "Judge auto-send on at least 5 drafts."
    )

    @api.depends("intent_id.never_automate", "sample_size")
    def _compute_edit_rate(self):
        Draft = self.env["hybrid.support.draft"]
        for company in self.company_id:
            mine = self.filtered(lambda a, c=company: a.company_id == c)
            needed = max(mine.mapped("sample_size") or [20])
            rates = Draft._edit_rates(company, set(mine.intent_id.ids), needed)
            for automation in mine:
                last = rates.get(automation.intent_id.id, [])[: automation.sample_size]
                automation.sent_count = len(last)
                automation.edit_rate = sum(last) / len(last) if last else 0.0
                automation.auto_refusal = auto_send_refusal(
                    automation.intent_id.never_automate, last, automation.sample_size
                ) or self.env._("allowed")
        (self - self.filtered("company_id")).update(
            {"sent_count": 0, "edit_rate": 0.0, "auto_refusal": False}
        )

    @api.constrains("tier", "intent_id", "sample_size")
    def _check_auto_is_earned(self):
        for automation in self.filtered(lambda a: a.tier == "auto"):
            rates = self.env["hybrid.support.draft"]._edit_rates(
                automation.company_id, {automation.intent_id.id}, automation.sample_size
            )[automation.intent_id.id]
            refusal = auto_send_refusal(
                automation.intent_id.never_automate, rates, automation.sample_size
            )
            if refusal:
                raise ValidationError(
                    self.env._(
                        "Auto-send cannot be switched on for %(intent)s: %(why)s. "
                        "Drafts must be edited under %(max)s%% on average.",
                        intent=automation.intent_id.name,
                        why=refusal,
                        max=int(MAX_AUTO_EDIT_RATE * 100),
                    )
                )

    @api.model
    def _tiers(self, company):
        """{intent id: tier} of a company; intents not listed get drafts."""
        return {
            a.intent_id.id: a.tier
            for a in self.search_fetch(
                [("company_id", "=", company.id)], ["intent_id", "tier"]
            )
        }

    @api.model
    def _demo_tiers(self):
        """Demo: outages are answered by a person (no draft), order-status
        questions get a draft for review; the other intents keep the
        default (a draft)."""
        company = self.env.company
        intents = self.env["hybrid.support.intent"].search(
            [
                ("company_id", "=", company.id),
                ("code", "in", ("outage", "order_status")),
            ]
        )
        tiers = {"outage": "manual", "order_status": "draft"}
        existing = set(self._tiers(company))
        self.create(
            [
                {
                    "company_id": company.id,
                    "intent_id": intent.id,
                    "tier": tiers[intent.code],
                }
                for intent in intents
                if intent.id not in existing
            ]
        )
