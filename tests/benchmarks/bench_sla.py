#!/usr/bin/env python3
"""SLA, health and escalation crons at scale: 100,000 open cases, 2,000 accounts.

Creates a throw-away database with hybrid_support_escalation, inserts the
accounts and cases in bulk (server-side generate_series: the set-up is not
what is measured), with first-response and resolution targets (200,000 clocks) spread around now, then
times one full pass of each cron's work (SLA statuses, customer health,
escalation of the 1% of cases that match a keyword rule) and prints their
duration, SQL queries and the process's peak memory.

    python3 tests/benchmarks/bench_sla.py [--cases 100000] [--accounts 2000]
"""

import argparse
import resource

from common import (
    ACCOUNT_OF_CASE,
    Measured,
    add_db_options,
    bench_database,
    insert_accounts,
    insert_cases,
    superuser_env,
)

CASES = {
    "company_id": "%(company)s",
    "stage_id": "%(stage)s",
    "team_id": "%(team)s",
    "partner_id": "p.id",
    "commercial_partner_id": "p.id",
    "hs_sla_status": "'ongoing'",
    "hs_sla_start_date": "now() at time zone 'UTC'",
    "hs_sla_policy_id": "%(policy)s",
}

TARGETS = """
-- two targets per case (first response, resolution), deadlines spread around now
INSERT INTO hybrid_support_ticket_sla (
    ticket_id, company_id, policy_id, target, start_date, deadline,
    at_risk_date, status, reached_date, create_date, write_date)
SELECT t.id, t.company_id, %(policy)s, tg.target, now() at time zone 'UTC', d.deadline,
       d.deadline - interval '50 minutes', 'ongoing', now() at time zone 'UTC',
       now(), now()
FROM helpdesk_ticket t
CROSS JOIN (VALUES ('first_response', 0), ('resolution', 1)) AS tg(target, k)
CROSS JOIN LATERAL (
    SELECT (now() at time zone 'UTC')
           + ((t.id %% 200) - 100 + tg.k * 60) * interval '1 minute' AS deadline
) AS d
WHERE t.name LIKE 'Case %%';
UPDATE helpdesk_ticket t SET hs_sla_deadline = l.deadline,
       hs_sla_first_response_deadline = l.deadline
FROM hybrid_support_ticket_sla l
WHERE l.ticket_id = t.id AND l.target = 'first_response';
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=2_000)
    parser.add_argument(
        "--smoke", action="store_true", help="CI: 2,000 cases of 50 accounts"
    )
    args = parser.parse_args()
    if args.smoke:
        args.cases, args.accounts = 2_000, 50
    import odoo

    with bench_database(args, "sla", ["hybrid_support_escalation"]) as db:
        with superuser_env(db) as env:
            cr = env.cr
            team = env["helpdesk.ticket.team"].create({"name": "Bench"})
            stage = env["helpdesk.ticket.stage"].search(
                [("closed", "=", False)], limit=1
            )
            policy = env["hybrid.support.sla.policy"].create(
                {
                    "name": "Bench",
                    "calendar_id": env.ref("resource.resource_calendar_std").id,
                    "first_response_hours": 4,
                    "resolution_hours": 16,
                }
            )
            env.flush_all()
            params = {
                "accounts": args.accounts,
                "company": env.company.id,
                "stage": stage.id,
                "team": team.id,
                "policy": policy.id,
            }
            insert_accounts(cr, args.accounts)
            insert_cases(cr, args.cases, CASES, params, join=ACCOUNT_OF_CASE)
            cr.execute(TARGETS, params)
            cr.commit()
            env.invalidate_all()
            tickets = env["helpdesk.ticket"]
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            now = odoo.fields.Datetime.now()
            moved = batches = 0
            with Measured(cr) as sla_pass:
                while True:
                    done = tickets._hs_sla_transitions(now, 5000)
                    env.flush_all()
                    env.invalidate_all()  # as _commit_progress does between batches
                    batches += 1
                    moved += done
                    if not done:
                        break
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            counts = dict(
                env["helpdesk.ticket"]._read_group([], ["hs_sla_status"], ["__count"])
            )
            # health of every account, in the cron's batches of 500
            with Measured(cr) as health:
                accounts = env["res.partner"].search([("name", "like", "Account %")])
                for start in range(0, len(accounts), 500):
                    accounts[start : start + 500]._hs_compute_health()
                    env.flush_all()
                    env.invalidate_all()
            # escalation: a rule on 1% of the cases (their subject), batches of 500
            cr.execute(
                "UPDATE helpdesk_ticket SET name = 'GDPR ' || name WHERE id % 100 = 0"
            )
            env.invalidate_all()
            env["hybrid.support.escalation.rule"].create(
                {
                    "name": "GDPR",
                    "level": 1,
                    "trigger": "keyword",
                    "keywords": "GDPR",
                    "set_priority": "3",
                }
            )
            escalated = 0
            with Measured(cr) as escalation:
                while done := env["hybrid.support.escalation.rule"]._escalate():
                    escalated += done
                    env.flush_all()
                    env.invalidate_all()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            cr.rollback()
        print(f"{args.cases} open cases over {args.accounts} accounts")
        print(
            f"SLA status pass: {sla_pass.seconds:.1f} s, {sla_pass.queries} SQL queries "
            f"in {batches} "
            f"batches of up to 5,000, {moved} targets moved (targets: under 60 s, 1 GB)"
        )
        print(
            f"peak memory of the process: {peak:.0f} MB (before the pass {rss_before:.0f} MB)"
        )
        print("statuses after the pass:", counts)
        print(
            f"health pass: {len(accounts)} accounts in {health.seconds:.1f} s, "
            f"{health.queries} SQL queries"
        )
        print(
            f"escalation pass: {escalated} cases escalated (1%) in "
            f"{escalation.seconds:.1f} s, {escalation.queries} SQL queries (each case "
            "gets an internal note)"
        )


if __name__ == "__main__":
    main()
