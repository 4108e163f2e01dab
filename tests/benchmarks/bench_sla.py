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
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from run_tests import (  # noqa: E402
    ADDONS,
    add_db_options,
    check_odoo,
    check_postgres,
    create_db,
    db_args,
    drop_db,
)

SETUP = """
INSERT INTO res_partner (name, is_company, active, type, create_date, write_date)
SELECT 'Account ' || n, TRUE, TRUE, 'contact', now(), now()
FROM generate_series(1, %(accounts)s) AS n;

INSERT INTO helpdesk_ticket (
    name, description, number, active, company_id, stage_id, team_id,
    partner_id, commercial_partner_id, create_date, write_date,
    hs_sla_status, hs_sla_start_date, hs_sla_policy_id, rating_status)
SELECT 'Case ' || n, '<p>x</p>', 'B' || n, TRUE, %(company)s, %(stage)s, %(team)s,
       p.id, p.id, now(), now(), 'ongoing', now() at time zone 'UTC', %(policy)s,
       'stage_change'
FROM generate_series(1, %(cases)s) AS n
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM res_partner
      WHERE name LIKE 'Account %%') AS p ON p.rn = 1 + (n %% %(accounts)s);

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
    check_postgres(args)
    check_odoo()
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tools import config

    addons = ",".join(filter(None, [args.addons_path, str(ADDONS)]))
    db = f"hs_bench_sla_{int(time.time())}"
    create_db(args, db, ["hybrid_support_escalation"])
    config.parse_config([*db_args(args), "--addons-path", addons, "--log-level=warn"])
    try:
        registry = Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
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
            cr.execute(
                SETUP,
                {
                    "accounts": args.accounts,
                    "cases": args.cases,
                    "company": env.company.id,
                    "stage": stage.id,
                    "team": team.id,
                    "policy": policy.id,
                },
            )
            cr.commit()
            env.invalidate_all()
            tickets = env["helpdesk.ticket"]
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            before, started = cr.sql_log_count, time.perf_counter()
            now = odoo.fields.Datetime.now()
            moved = batches = 0
            while True:
                done = tickets._hs_sla_transitions(now, 5000)
                env.flush_all()
                env.invalidate_all()  # as _commit_progress does between batches
                batches += 1
                moved += done
                if not done:
                    break
            elapsed = time.perf_counter() - started
            queries = cr.sql_log_count - before
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            counts = dict(
                env["helpdesk.ticket"]._read_group([], ["hs_sla_status"], ["__count"])
            )
            # health of every account, in the cron's batches of 500
            before, started = cr.sql_log_count, time.perf_counter()
            accounts = env["res.partner"].search([("name", "like", "Account %")])
            for start in range(0, len(accounts), 500):
                accounts[start : start + 500]._hs_compute_health()
                env.flush_all()
                env.invalidate_all()
            health_seconds = time.perf_counter() - started
            health_queries = cr.sql_log_count - before
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
            before, started = cr.sql_log_count, time.perf_counter()
            escalated = 0
            while done := env["hybrid.support.escalation.rule"]._hs_escalate():
                escalated += done
                env.flush_all()
                env.invalidate_all()
            escalate_seconds = time.perf_counter() - started
            escalate_queries = cr.sql_log_count - before
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            cr.rollback()
        print(f"{args.cases} open cases over {args.accounts} accounts")
        print(
            f"SLA status pass: {elapsed:.1f} s, {queries} SQL queries in {batches} "
            f"batches of up to 5,000, {moved} targets moved (targets: under 60 s, 1 GB)"
        )
        print(
            f"peak memory of the process: {peak:.0f} MB (before the pass {rss_before:.0f} MB)"
        )
        print("statuses after the pass:", counts)
        print(
            f"health pass: {len(accounts)} accounts in {health_seconds:.1f} s, "
            f"{health_queries} SQL queries"
        )
        print(
            f"escalation pass: {escalated} cases escalated (1%) in {escalate_seconds:.1f} s, "
            f"{escalate_queries} SQL queries (each case gets an internal note)"
        )
    finally:
        Registry.delete(db)
        odoo.sql_db.close_db(db)
        drop_db(args, db)


if __name__ == "__main__":
    main()
