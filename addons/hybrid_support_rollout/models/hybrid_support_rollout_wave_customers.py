from datetime import timedelta

from odoo import Command, api, fields, models

from ..tools.waves import rank_accounts


class HybridSupportRolloutWaveCustomers(models.AbstractModel):
    """Who a wave reaches: its customers chosen by hand or by criteria, the
    people they cover, and the contact rows the invitation job works on
    (composed into hybrid.support.rollout.wave)."""

    _name = "hybrid.support.rollout.wave.customers"
    _description = "Customers and invitations of a portal rollout wave"

    criteria_category_ids = fields.Many2many(
        "res.partner.category",
        string="With tags",
        help="Accounts with any of these tags (on the company or a contact).",
    )
    criteria_min_cases = fields.Integer(
        string="At least N cases", help="Cases of the account in the period below."
    )
    criteria_case_days = fields.Integer(string="Over the last (days)", default=90)
    criteria_max_health = fields.Integer(
        string="Health at most",
        help="Customer health (0-100) at most this value; 0: any health.",
    )
    criteria_min_health = fields.Integer(
        string="Health at least",
        help="e.g. healthy accounts first for a pilot; 0: any health.",
    )
    criteria_limit = fields.Integer(
        string="At most N accounts",
        help="The accounts with the most cases first; 0: all that match.",
    )

    def action_add_matching_customers(self):
        """Add the accounts matching the criteria to the wave's customers."""
        self._check_manager_fields([{"partner_ids": True}])
        for wave in self:
            accounts = wave._matching_accounts()
            new = accounts - wave.partner_ids
            wave.partner_ids = [Command.link(a.id) for a in new]
            wave.message_post(
                body=self.env._(
                    "%(count)s customers added by the criteria.", count=len(new)
                )
            )
        return True

    def action_invite_now(self):
        """Invite the customers added since the start (the job runs soon)."""
        self._start_invitations()
        return True

    def _customer_contacts(self):
        """The people the wave covers: the chosen contacts and every person
        of the chosen companies (active, not addresses)."""
        partners = self.env["res.partner"]
        for wave in self:
            chosen = wave.partner_ids
            companies = chosen.filtered("is_company")
            partners |= chosen - companies
            if companies:
                partners |= self.env["res.partner"].search(
                    [
                        ("commercial_partner_id", "in", companies.ids),
                        ("is_company", "=", False),
                        ("type", "in", ("contact", "other")),
                    ]
                )
        return partners

    def _customer_accounts(self):
        """The commercial partners (accounts) the wave covers."""
        return self.partner_ids.commercial_partner_id

    @api.model
    def _waves_of_partners(self, partners, states=None):
        """The waves covering ``partners`` (contacts or companies), through
        their account or themselves; optionally in ``states`` only."""
        domain = [
            "|",
            ("partner_ids", "in", partners.ids),
            ("partner_ids", "in", partners.commercial_partner_id.ids),
        ]
        if states:
            domain.append(("state", "in", list(states)))
        return self.search(domain)

    def _matching_accounts(self):
        """The accounts (commercial partners) matching the wave's criteria."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        domain = [
            ("is_company", "=", True),
            ("company_id", "in", [False, self.company_id.id]),
        ]
        if self.criteria_category_ids:
            tagged = Partner.search(
                [("category_id", "in", self.criteria_category_ids.ids)]
            )
            domain.append(("id", "in", tagged.commercial_partner_id.ids))
        if self.criteria_max_health:
            domain.append(("hs_health_score", "<=", self.criteria_max_health))
        if self.criteria_min_health:
            domain.append(("hs_health_score", ">=", self.criteria_min_health))
        accounts = Partner.search(domain)
        since = fields.Datetime.now() - timedelta(days=self.criteria_case_days or 90)
        volume = {
            account.id: count
            for account, count in self.env["helpdesk.ticket"]._read_group(
                [
                    ("commercial_partner_id", "in", accounts.ids),
                    ("create_date", ">=", since),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        }
        return accounts.browse(
            rank_accounts(
                accounts.ids, volume, self.criteria_min_cases, self.criteria_limit
            )
        )

    def _sync_members(self):
        """One contact row per person the wave covers (new ones to invite);
        rows of people no longer covered and never invited are removed."""
        self.check_access("write")
        # sudo: contact rows are the jobs' bookkeeping, kept by whoever may
        # run the wave (checked just above), owners included
        Member = self.env["hybrid.support.rollout.member"].sudo()
        for wave in self:
            contacts = wave._customer_contacts()
            existing = wave.sudo().member_ids
            Member.create(
                [
                    {"wave_id": wave.id, "partner_id": partner.id}
                    for partner in contacts - existing.partner_id
                ]
            )
            existing.filtered(
                lambda m, c=contacts: (
                    m.partner_id not in c and m.invite_state in ("pending", "skipped")
                )
            ).unlink()

    def _start_invitations(self):
        """Make the contact rows and let the invitation job invite them."""
        self._sync_members()
        # sudo: the job is the scheduler's row
        self.env.ref("hybrid_support_rollout.ir_cron_rollout_invite").sudo()._trigger()
