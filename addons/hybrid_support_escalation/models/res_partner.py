from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.hybrid_support_intake.models.ir_cron import retry_soon_on_conflict

from ..tools import health

# the score and its reasons are the support team's view of an account
AGENTS = "helpdesk_mgmt.group_helpdesk_user_own"


class ResPartner(models.Model):
    _inherit = "res.partner"

    hs_health_score = fields.Integer(
        string="Customer health",
        readonly=True,
        index="btree_not_null",
        help="0-100 from the account's last 30 days of support (see the explanation).",
        groups=AGENTS,
    )
    hs_health_previous = fields.Integer(
        string="Previous health", readonly=True, groups=AGENTS
    )
    hs_health_trend = fields.Integer(
        string="Health trend", compute="_compute_hs_health_trend", groups=AGENTS
    )
    hs_health_explanation = fields.Text(
        string="Why this health", readonly=True, groups=AGENTS
    )
    hs_health_date = fields.Datetime(
        string="Health computed on", readonly=True, groups=AGENTS
    )

    @api.depends("hs_health_score", "hs_health_previous")
    def _compute_hs_health_trend(self):
        for partner in self:
            partner.hs_health_trend = (
                partner.hs_health_score - partner.hs_health_previous
                if partner.hs_health_date and partner.hs_health_previous
                else 0
            )

    @api.model
    def _hs_health_facts(self, accounts, now):
        """{account: health.Facts}; six grouped queries for all ``accounts``."""
        Ticket = self.env["helpdesk.ticket"].with_context(active_test=False)
        month, quarter = now - timedelta(days=30), now - timedelta(days=120)
        base = [("commercial_partner_id", "in", accounts.ids)]

        def counts(domain):
            return dict(
                Ticket._read_group(
                    base + domain, ["commercial_partner_id"], ["__count"]
                )
            )

        recent = counts([("create_date", ">=", month)])
        before = counts([("create_date", ">=", quarter), ("create_date", "<", month)])
        negative = counts([("create_date", ">=", month), ("hs_sentiment", "<", 0)])
        breached = counts(
            [("create_date", ">=", month), ("hs_sla_status", "=", "breached")]
        )
        reopened = counts([("create_date", ">=", month), ("hs_reopen_count", ">", 0)])
        waiting = counts(
            [
                ("stage_id.closed", "=", False),
                ("hs_sla_policy_id", "!=", False),
                ("hs_sla_first_response_date", "=", False),
            ]
        )
        csat = self._hs_csat(accounts, now - timedelta(days=90))
        return {
            account: health.Facts(
                recent=recent.get(account, 0),
                usual=before.get(account, 0) / 3.0,
                negative=negative.get(account, 0),
                breached=breached.get(account, 0),
                reopened=reopened.get(account, 0),
                waiting=waiting.get(account, 0),
                csat=csat[account][0] / csat[account][1] if account in csat else None,
                ratings=csat[account][1] if account in csat else 0,
            )
            for account in accounts
        }

    @api.model
    def _hs_csat(self, accounts, since):
        """{account: (sum of ratings, count)} of the customers' ratings of
        their cases since ``since``; one grouped query."""
        groups = self.env["rating.rating"]._read_group(
            [
                ("res_model", "=", "helpdesk.ticket"),
                ("consumed", "=", True),
                ("rating", ">", 0),
                ("partner_id.commercial_partner_id", "in", accounts.ids),
                ("create_date", ">=", since),
            ],
            ["partner_id"],
            ["rating:sum", "__count"],
        )
        totals = {}
        for partner, total, count in groups:
            account = partner.commercial_partner_id
            previous = totals.get(account, (0.0, 0))
            totals[account] = (previous[0] + total, previous[1] + count)
        return totals

    def _hs_compute_health(self, now=None):
        """Score the accounts of ``self``: a handful of queries per call."""
        now = now or fields.Datetime.now()
        # accounts being written elsewhere (a contact edited) wait for the next pass
        accounts = self.try_lock_for_update(allow_referencing=True)
        facts = self._hs_health_facts(accounts, now)
        for account in accounts:
            value, parts = health.score(facts[account])
            account.write(
                {
                    "hs_health_previous": (
                        account.hs_health_score if account.hs_health_date else value
                    ),
                    "hs_health_score": value,
                    "hs_health_explanation": health.explain(facts[account], parts),
                    "hs_health_date": now,
                }
            )

    @api.model
    @retry_soon_on_conflict
    def _cron_health(self, batch_size=500):
        """Accounts with cases in the last four months, in batches."""
        now = fields.Datetime.now()
        accounts = self.browse(
            [
                account.id
                for (account,) in self.env["helpdesk.ticket"]._read_group(
                    [
                        ("create_date", ">=", now - timedelta(days=120)),
                        ("commercial_partner_id", "!=", False),
                    ],
                    ["commercial_partner_id"],
                )
            ]
        )
        cron = self.env["ir.cron"]
        for start in range(0, len(accounts), batch_size):
            accounts[start : start + batch_size]._hs_compute_health(now)
            if (
                cron._commit_progress(
                    batch_size, remaining=max(len(accounts) - start - batch_size, 0)
                )
                <= 0
            ):
                break
