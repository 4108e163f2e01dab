#!/usr/bin/env python3
"""The rollout baseline over 100,000 email threads.

Creates a throw-away database with hybrid_support_rollout, inserts a year of
imported cases with four public messages each (customer, agent, customer
follow-up, a second agent; one follow-up in five asks "any news?") in bulk
(server-side generate_series: the set-up is not what is measured), then, as
a helpdesk manager (record rules applied), times the baseline wizard: the
batched reads, the pure analysis and the saving. Beside it, the working
hours of a sample of threads counted by Odoo's own
``resource.calendar.get_work_hours_count`` (one call per thread), the
per-thread alternative, extrapolated to all threads.

    python3 tests/benchmarks/bench_rollout_baseline.py [--cases 100000] [--smoke]
"""

import argparse
import sys
import time
from datetime import date
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

SAMPLE = 1000

SETUP = """
INSERT INTO res_partner (name, email, active, type, create_date, write_date)
SELECT 'Customer ' || n, 'customer' || n || '@bench.example', TRUE, 'contact',
       now(), now()
FROM generate_series(1, 2000) AS n;

INSERT INTO helpdesk_ticket (
    name, description, number, active, company_id, stage_id, team_id,
    partner_id, commercial_partner_id, create_date, write_date, hs_received_date,
    closed_date, hs_origin, intent, rating_status)
SELECT (ARRAY['Invoice missing', 'Printer broken', 'Password reset',
              'Delivery late', 'Refund request'])[1 + n %% 5] || ' ' || n,
       '<p>x</p>', 'B' || n, TRUE, %(company)s, %(closed_stage)s, %(team)s,
       p.id, p.id, now(), now(),
       %(start)s::timestamp + (n %% 365) * interval '1 day'
           + (n %% 24) * interval '1 hour' + (n %% 60) * interval '1 minute',
       now(), 'import',
       CASE WHEN n %% 3 = 0 THEN 'billing' END, 'stage_change'
FROM generate_series(1, %(cases)s) AS n
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM res_partner
      WHERE email LIKE 'customer%%@bench.example') AS p ON p.rn = 1 + (n %% 2000);

INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id,
                          email_from, body, date, create_date, write_date)
SELECT 'helpdesk.ticket', t.id, 'email', %(comment)s,
       CASE WHEN k %% 2 = 0 THEN t.partner_id
            WHEN k = 1 THEN %(agent_a)s ELSE %(agent_b)s END,
       CASE WHEN k %% 2 = 0 THEN 'customer@bench.example'
            ELSE 'agent@ourdesk.example' END,
       CASE WHEN k = 2 AND t.id %% 5 = 0
            THEN '<p>Hello, any news?</p><blockquote>On Monday you wrote: '
                 || repeat('quoted history ', 40) || '</blockquote>'
            WHEN k = 2 THEN '<p>Here is the screenshot you asked for.</p>'
            ELSE '<p>' || repeat('Some text of the message. ', 20) || '</p>' END,
       t.hs_received_date + k * (1 + t.id %% 30) * interval '1 hour',
       now(), now()
FROM helpdesk_ticket t, generate_series(0, 3) AS k
WHERE t.number LIKE 'B%%' AND (k < 3 OR t.id %% 2 = 0);
ANALYZE helpdesk_ticket;
ANALYZE mail_message;
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="CI: 2,000 threads")
    args = parser.parse_args()
    if args.smoke:
        args.cases = 2_000
    check_postgres(args)
    check_odoo()
    import odoo
    from odoo.modules.registry import Registry
    from odoo.tests import new_test_user
    from odoo.tools import config

    addons = ",".join(filter(None, [args.addons_path, str(ADDONS)]))
    db = f"hs_bench_rollout_{int(time.time())}"
    create_db(args, db, ["hybrid_support_rollout"])
    config.parse_config([*db_args(args), "--addons-path", addons, "--log-level=warn"])
    try:
        registry = Registry(db)
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            team = env["helpdesk.ticket.team"].create({"name": "Bench team"})
            agents = [
                new_test_user(
                    env,
                    login=f"bench_agent_{n}",
                    groups="helpdesk_mgmt.group_helpdesk_user",
                )
                for n in range(2)
            ]
            manager = new_test_user(
                env,
                login="bench_manager",
                groups="helpdesk_mgmt.group_helpdesk_manager",
            )
            calendar = env.ref("resource.resource_calendar_std")
            env.flush_all()
            started = time.perf_counter()
            cr.execute(
                SETUP,
                {
                    "cases": args.cases,
                    "company": env.company.id,
                    "closed_stage": env["helpdesk.ticket.stage"]
                    .search([("closed", "=", True)], limit=1)
                    .id,
                    "team": team.id,
                    "start": "2024-01-01",
                    "comment": env.ref("mail.mt_comment").id,
                    "agent_a": agents[0].partner_id.id,
                    "agent_b": agents[1].partner_id.id,
                },
            )
            cr.commit()
            print(
                f"{args.cases} imported threads (3-4 messages each) set up in "
                f"{time.perf_counter() - started:.0f} s",
                flush=True,
            )
            env.invalidate_all()
            wizard = (
                env(user=manager)["hybrid.support.rollout.baseline.wizard"]
                .with_company(env.company)
                .create(
                    {
                        "source": "import",
                        "date_from": date(2024, 1, 1),
                        "date_to": date(2025, 1, 31),
                        "team_ids": [(6, 0, team.ids)],
                        "calendar_id": calendar.id,
                    }
                )
            )
            before = cr.sql_log_count
            started, cpu = time.perf_counter(), time.process_time()
            action = wizard.action_measure()
            env.flush_all()
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            baseline = env["hybrid.support.rollout.baseline"].browse(action["res_id"])
            print(
                f"Baseline wizard: {baseline.thread_count} threads in "
                f"{seconds:.1f} s ({cpu:.1f} s CPU in Odoo), "
                f"{cr.sql_log_count - before} queries; FRT avg "
                f"{baseline.first_response_avg:.2f} h, status chasers "
                f"{baseline.status_chaser_percent:.1f}%, several agents "
                f"{baseline.multi_agent_percent:.1f}%"
            )
            assert baseline.thread_count == args.cases
            # Odoo's per-thread count, on a sample, extrapolated
            cr.execute(
                """SELECT hs_received_date, hs_received_date + (1 + id %% 30)
                          * interval '1 hour'
                     FROM helpdesk_ticket WHERE number LIKE 'B%%' LIMIT %s""",
                [SAMPLE],
            )
            pairs = cr.fetchall()
            started = time.perf_counter()
            for begin, end in pairs:
                calendar.get_work_hours_count(begin, end)
            per_call = (time.perf_counter() - started) / len(pairs)
            print(
                f"Odoo's get_work_hours_count: {per_call * 1000:.2f} ms per "
                f"thread, {per_call * args.cases:.0f} s for {args.cases} threads "
                "(first responses only)"
            )
    finally:
        Registry.delete(db)
        odoo.sql_db.close_db(db)
        drop_db(args, db)


if __name__ == "__main__":
    main()
