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
from datetime import date

from common import Measured, add_db_options, bench_database, insert_cases, superuser_env

SAMPLE = 1000

CUSTOMERS = """
INSERT INTO res_partner (name, email, active, type, create_date, write_date)
SELECT 'Customer ' || n, 'customer' || n || '@bench.example', TRUE, 'contact',
       now(), now()
FROM generate_series(1, 2000) AS n;
"""

CASES = {
    "name": "(ARRAY['Invoice missing', 'Printer broken', 'Password reset', "
    "'Delivery late', 'Refund request'])[1 + n %% 5] || ' ' || n",
    "company_id": "%(company)s",
    "stage_id": "%(closed_stage)s",
    "team_id": "%(team)s",
    "partner_id": "p.id",
    "commercial_partner_id": "p.id",
    "hs_received_date": "%(start)s::timestamp + (n %% 365) * interval '1 day' "
    "+ (n %% 24) * interval '1 hour' + (n %% 60) * interval '1 minute'",
    "closed_date": "now()",
    "hs_origin": "'import'",
    "hs_intent_id": "CASE WHEN n %% 3 = 0 THEN %(billing)s END",
}
CUSTOMER_OF_CASE = """
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM res_partner
      WHERE email LIKE 'customer%%@bench.example') AS p ON p.rn = 1 + (n %% 2000)
"""

MESSAGES = """
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
    from odoo.tests import new_test_user

    with bench_database(args, "rollout", ["hybrid_support_rollout"]) as db:
        with superuser_env(db) as env:
            cr = env.cr
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
            billing = env["hybrid.support.intent"]._ensure(
                env.company, [{"code": "billing"}]
            )["billing"]
            params = {
                "company": env.company.id,
                "closed_stage": env["helpdesk.ticket.stage"]
                .search([("closed", "=", True)], limit=1)
                .id,
                "team": team.id,
                "start": "2024-01-01",
                "billing": billing.id,
                "comment": env.ref("mail.mt_comment").id,
                "agent_a": agents[0].partner_id.id,
                "agent_b": agents[1].partner_id.id,
            }
            with Measured() as setup:
                cr.execute(CUSTOMERS)
                insert_cases(cr, args.cases, CASES, params, join=CUSTOMER_OF_CASE)
                cr.execute(MESSAGES, params)
            cr.commit()
            print(
                f"{args.cases} imported threads (3-4 messages each) set up in "
                f"{setup.seconds:.0f} s",
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
            with Measured(cr) as measure:
                action = wizard.action_measure()
                env.flush_all()
            baseline = env["hybrid.support.rollout.baseline"].browse(action["res_id"])
            print(
                f"Baseline wizard: {baseline.thread_count} threads in "
                f"{measure.seconds:.1f} s ({measure.cpu:.1f} s CPU in Odoo), "
                f"{measure.queries} queries; FRT avg "
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
            with Measured() as counting:
                for begin, end in pairs:
                    calendar.get_work_hours_count(begin, end)
            per_call = counting.seconds / len(pairs)
            print(
                f"Odoo's get_work_hours_count: {per_call * 1000:.2f} ms per "
                f"thread, {per_call * args.cases:.0f} s for {args.cases} threads "
                "(first responses only)"
            )


if __name__ == "__main__":
    main()
