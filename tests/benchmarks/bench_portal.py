#!/usr/bin/env python3
"""The customer's case list (/my/tickets) for accounts of 100 and 10,000 cases.

Creates a throw-away database with hybrid_support_portal, inserts two customer
accounts with a portal contact each and their cases in bulk (server-side
generate_series, with SLA deadlines, a third of them in a pausing stage: the
set-up is not what is measured), then renders /my/tickets in-process through
Odoo's WSGI application with a real portal session (record rules, QWeb, the
portal layout), for each account: the first page, the "waiting on me" filter,
a text search and the last page. Prints SQL queries and time per page; the
query count must not depend on the number of cases (exit 1 when it does).

    python3 tests/benchmarks/bench_portal.py [--small 100] [--large 10000]
"""

import argparse
import statistics
import sys
import threading
import time

from common import add_db_options, bench_database, insert_cases, superuser_env

CASES = {
    "name": "'Case ' || n || ' of ' || %(account_name)s",
    "hs_clean_body": "'Printer number ' || n || ' is broken.'",
    "number": "%(prefix)s || n",
    "company_id": "%(company)s",
    "stage_id": "CASE WHEN n %% 3 = 0 THEN %(waiting)s ELSE %(stage)s END",
    "team_id": "%(team)s",
    "partner_id": "%(partner)s",
    "commercial_partner_id": "%(account)s",
    "create_date": "now() - n * interval '1 minute'",
    "hs_sla_status": "'ongoing'",
    "hs_sla_start_date": "now() at time zone 'UTC'",
    "hs_sla_deadline": "(now() at time zone 'UTC') + n * interval '1 minute'",
    "hs_sla_first_response_deadline": "(now() at time zone 'UTC') + n * interval '1 minute'",
    "hs_last_activity_date": "(now() at time zone 'UTC') - n * interval '1 minute'",
    "last_stage_update": "now()",
}

PAGES = (
    ("first page", "/my/tickets"),
    ("waiting on me", "/my/tickets?filterby=waiting"),
    ("search text", "/my/tickets?search=broken"),
    ("my cases", "/my/tickets?scope=mine&filterby=open"),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument("--large", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5, help="renders per page")
    parser.add_argument(
        "--smoke", action="store_true", help="CI: accounts of 20 and 200 cases"
    )
    args = parser.parse_args()
    if args.smoke:
        args.small, args.large, args.runs = 20, 200, 2
    failed = False
    with bench_database(args, "portal", ["hybrid_support_portal"]) as db:
        from werkzeug.test import Client

        import odoo
        from odoo import http
        from odoo.service import security

        sessions = {}
        with superuser_env(db) as env:
            cr = env.cr
            team = env["helpdesk.ticket.team"].create({"name": "Bench"})
            stages = env["helpdesk.ticket.stage"].search([("closed", "=", False)])
            stage, waiting = stages[0], stages[-1]
            env["hybrid.support.sla.policy"].create(
                {
                    "name": "Bench",
                    "calendar_id": env.ref("resource.resource_calendar_std").id,
                    "first_response_hours": 4,
                    "resolution_hours": 16,
                    "pause_stage_ids": [(4, waiting.id)],
                }
            )
            portal = env.ref("base.group_portal")
            for size in (args.small, args.large):
                account = env["res.partner"].create(
                    {"name": f"Account of {size}", "is_company": True}
                )
                user = (
                    env["res.users"]
                    .with_context(no_reset_password=True)
                    .create(
                        {
                            "name": f"Customer of {size}",
                            "login": f"bench_portal_{size}",
                            "email": f"customer{size}@bench.example",
                            "group_ids": [(6, 0, [portal.id])],
                        }
                    )
                )
                user.partner_id.parent_id = account
                env.flush_all()
                insert_cases(
                    cr,
                    size,
                    CASES,
                    {
                        "account_name": account.name,
                        "prefix": f"P{size}-",
                        "company": env.company.id,
                        "stage": stage.id,
                        "waiting": waiting.id,
                        "team": team.id,
                        "partner": user.partner_id.id,
                        "account": account.id,
                    },
                )
                sessions[size] = user
            cr.commit()
            for size, user in sessions.items():
                session = http.root.session_store.new()
                session.update(http.get_default_session(), db=db, _trace_disable=True)
                user_env = odoo.api.Environment(cr, user.id, {})
                session.uid = user.id
                session.login = user.login
                session.session_token = security.compute_session_token(
                    session, user_env
                )
                session.context = dict(user_env["res.users"].context_get())
                http.root.session_store.save(session)
                sessions[size] = session.sid
        thread = threading.current_thread()
        results = {}
        for size, sid in sessions.items():
            client = Client(http.root)
            client.set_cookie("localhost", "session_id", sid)
            for label, url in PAGES:
                client.get(url)  # warm-up: templates compiled, caches filled
                queries, seconds = [], []
                for _run in range(args.runs):
                    started = time.perf_counter()
                    response = client.get(url)
                    seconds.append(time.perf_counter() - started)
                    queries.append(thread.query_count)
                    body = response.get_data(as_text=True)
                    if response.status_code != 200 or "o_hs_ticket_row" not in body:
                        print(f"{size} cases, {label}: HTTP {response.status_code}")
                        failed = True
                results[(size, label)] = (max(queries), statistics.median(seconds))
        print(
            f"/my/tickets rendered in-process, {args.runs} runs per page (median time)"
        )
        print(f"{'page':16s} {'cases':>7s} {'queries':>8s} {'ms':>8s}")
        for (size, label), (queries, seconds) in results.items():
            print(f"{label:16s} {size:7d} {queries:8d} {seconds * 1000:8.0f}")
        for label, _url in PAGES:
            small = results[(args.small, label)][0]
            large = results[(args.large, label)][0]
            if large != small:
                failed = True
                print(
                    f"FAIL {label}: {small} queries for {args.small} cases, "
                    f"{large} for {args.large}"
                )
        if not failed:
            print("query count independent of the number of cases: yes")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
