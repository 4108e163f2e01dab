import random
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

DEMO_SUBJECTS = {
    "billing": "Invoice does not match the order",
    "refund": "Refund not received yet",
    "access": "Cannot sign in since the update",
    "order_status": "Where is my order?",
    "bug": "Export button does nothing",
    "outage": "Site down for our users",
    "cancellation": "Cancel my subscription",
}


class HybridSupportCaseKpi(models.Model):
    _inherit = "hybrid.support.case.kpi"

    @api.model
    def _demo_history(self, weeks=26, per_week=8, seed=15):
        """Demo data: ``weeks`` weeks (two periods of 90 days) of closed and open cases of the demo
        accounts with the KPIs their events would have stored (first
        response, resolution, first-contact resolution, SLA, routing, model
        decisions, drafts, CSAT, CES), so that every dashboard has a history
        and a previous period on first start. Deterministic (``seed``); then
        the accounts' health is computed as the nightly job would."""
        rng = random.Random(seed)
        Ticket = self.env["helpdesk.ticket"]
        # helpdesk_mgmt's demo teams: the suite's Customer Support team keeps
        # only the demo emails' cases (the end-to-end demo test reads them)
        teams = self.env["helpdesk.ticket.team"]
        for number in (1, 2, 3):
            teams |= (
                self.env.ref(
                    f"helpdesk_mgmt.helpdesk_team_{number}", raise_if_not_found=False
                )
                or teams.browse()
            )
        accounts = self.env["res.partner"].search(
            [
                ("is_company", "=", True),
                # demo history of a demo database: every demo case's account
                ("id", "in", Ticket.search([]).partner_id.commercial_partner_id.ids),  # pylint: disable=no-search-all
            ]
        ) or self.env["res.partner"].search([("is_company", "=", True)], limit=5)
        # configuration: a few stages and channels
        stages = self.env["helpdesk.ticket.stage"].search([])  # pylint: disable=no-search-all
        closed, open_ = (
            stages.filtered("closed")[:1],
            stages.filtered(lambda s: not s.closed)[:1],
        )
        channels = self.env["helpdesk.ticket.channel"].search([])  # pylint: disable=no-search-all
        agents = self.env["res.users"].search([("share", "=", False), ("id", "!=", 1)])
        if not (teams and accounts and closed and open_):
            return self.browse()
        origins = ["gateway"] * 6 + ["portal"] * 3 + ["phone", "chat", "api"]
        now = fields.Datetime.now()
        values, facts = [], []
        # the demo subjects' intents in the company's catalogue
        intents = self.env["hybrid.support.intent"]._ensure(
            self.env.company,
            [
                {"code": code, "name": code.replace("_", " ").capitalize()}
                for code in DEMO_SUBJECTS
            ],
        )
        for index in range(weeks * per_week):
            intent = rng.choice(sorted(DEMO_SUBJECTS))
            age = rng.uniform(0, weeks * 7)
            is_closed = age > 3 or rng.random() < 0.5
            account = rng.choice(accounts)
            values.append(
                {
                    "name": f"{DEMO_SUBJECTS[intent]} (#{index + 1})",
                    "description": f"<p>{DEMO_SUBJECTS[intent]}.</p>",
                    "partner_id": account.id,
                    "team_id": rng.choice(teams).id,
                    "user_id": rng.choice(agents).id if agents else False,
                    "channel_id": rng.choice(channels).id if channels else False,
                    "stage_id": open_.id,
                    "hs_intent_id": intents[intent].id,
                    "priority": rng.choice("0112"),
                }
            )
            facts.append((age, is_closed, rng.choice(origins)))
        tickets = Ticket.with_context(
            mail_create_nolog=True, mail_notrack=True, tracking_disable=True
        ).create(values)
        rows = self._for(tickets)
        by_ticket = {row.ticket_id: row for row in rows}
        models_ = ["words v3", "words v4"]
        for ticket, (age, is_closed, origin) in zip(tickets, facts, strict=True):
            created = now - timedelta(days=age)
            first_response = round(rng.lognormvariate(0.9, 0.6), 2)
            ai_decided = rng.random() < 0.6
            model = rng.choice(models_)
            draft_used = rng.random() < 0.45
            replies = 1 if rng.random() < 0.6 else rng.randint(2, 4)
            reopened = 1 if rng.random() < 0.06 else 0
            kpi = {
                "first_response_date": created + timedelta(hours=first_response),
                "first_response_hours": first_response,
                "agent_replies": replies,
                "escalated": rng.random() < 0.05,
                "auto_routed": rng.random() < 0.72,
                "ai_decided": ai_decided,
                "ai_model": model if ai_decided else False,
                "ai_overridden": ai_decided
                and rng.random() < (0.12 if model == "words v3" else 0.06),
            }
            if is_closed:
                resolution = round(first_response + rng.lognormvariate(2.0, 0.7), 2)
                kpi.update(
                    closed_date=min(created + timedelta(hours=resolution * 2), now),
                    resolution_hours=resolution,
                    reopen_count=reopened,
                    first_contact_resolution=replies == 1 and not reopened,
                    sla_result="met" if rng.random() < 0.9 else "breached",
                    draft_used=draft_used,
                    draft_edit_rate=round(rng.uniform(0.0, 0.45), 2)
                    if draft_used
                    else 0.0,
                    reviewed=rng.random() < 0.2,
                )
                if rng.random() < 0.4:
                    kpi.update(
                        rating=rng.choice([5, 5, 5, 4, 4, 3, 1]),
                        effort=rng.choice([7, 6, 6, 5, 5, 4, 2]),
                    )
            by_ticket[ticket].write(kpi)
            # history, not events: no closing hook runs (no rating request,
            # no article draft), the stage is set in SQL like the dates
            self.env.cr.execute(
                SQL(
                    "UPDATE helpdesk_ticket SET create_date = %s, hs_origin = %s,"
                    " stage_id = %s, closed_date = %s WHERE id = %s",
                    created,
                    origin,
                    (closed if is_closed else open_).id,
                    kpi.get("closed_date"),
                    ticket.id,
                )
            )
        self.env.flush_all()
        tickets.invalidate_recordset(
            ["create_date", "hs_origin", "stage_id", "closed_date"]
        )
        accounts._hs_compute_health(now)
        return rows
