#!/usr/bin/env python3
"""The adoption measure of a wave of 100,000 contacts, and the Portal adoption
dashboard's reads over them.

Creates a throw-away database with hybrid_support_rollout_dashboard, inserts
in bulk (server-side generate_series: the set-up is not what is measured) a
started wave whose contacts all have access, one case each (a third opened
in the portal), two portal and two email replies by each contact, a
help-center search by every other contact. Then times the measuring job's
batches (``_measure_batch``, 500 contacts each, as the job runs them) and,
as a helpdesk manager (record rules applied), every query of the Portal
adoption dashboard. There is no plain helpdesk_mgmt to compare with: it has
no adoption figure.

    python3 tests/benchmarks/bench_rollout_adoption.py [--contacts 100000] [--smoke]
"""

import argparse
import sys

from common import (
    ADDONS,
    Measured,
    add_db_options,
    bench_database,
    insert_cases,
    superuser_env,
)

BATCH = 500

CONTACTS = """
INSERT INTO res_partner (name, email, active, type, create_date, write_date)
SELECT 'Contact ' || n, 'contact' || n || '@bench.example', TRUE, 'contact',
       now(), now()
FROM generate_series(1, %(contacts)s) AS n;
UPDATE res_partner SET commercial_partner_id = id
 WHERE email LIKE 'contact%%@bench.example';
"""

MEMBERS = """
INSERT INTO hybrid_support_rollout_member
       (wave_id, partner_id, account_id, company_id, invite_state,
        invited_date, invited_count, create_date, write_date)
SELECT %(wave)s, p.id, p.id, %(company)s, 'invited',
       now() - interval '20 days', 1, now(), now()
  FROM res_partner p WHERE p.email LIKE 'contact%%@bench.example';
"""

CASES = {
    "name": "'Case of contact ' || n",
    "company_id": "%(company)s",
    "stage_id": "%(stage)s",
    "partner_id": "p.id",
    "commercial_partner_id": "p.id",
    "hs_origin": "CASE WHEN n %% 3 = 0 THEN 'portal' ELSE 'gateway' END",
    "create_date": "now() - interval '10 days'",
}
CONTACT_OF_CASE = """
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM res_partner
      WHERE email LIKE 'contact%%@bench.example') AS p ON p.rn = n
"""

ACTIVITY = """
INSERT INTO mail_message (model, res_id, message_type, subtype_id, author_id,
                          body, date, create_date, write_date)
SELECT 'helpdesk.ticket', t.id,
       CASE WHEN k < 2 THEN 'comment' ELSE 'email' END, %(comment)s,
       t.partner_id, '<p>Reply ' || k || '</p>',
       now() - k * interval '1 day', now() - k * interval '1 day', now()
  FROM helpdesk_ticket t, generate_series(0, 3) AS k
 WHERE t.name LIKE 'Case of contact %%';
INSERT INTO hybrid_support_kb_search (query, partner_id, company_id, no_result,
                                      outcome, source, create_date, write_date)
SELECT 'how do I ' || p.id, p.id, %(company)s, FALSE, 'found', 'search',
       now() - interval '5 days', now()
  FROM res_partner p
 WHERE p.email LIKE 'contact%%@bench.example' AND p.id %% 2 = 0;
ANALYZE res_partner;
ANALYZE helpdesk_ticket;
ANALYZE mail_message;
ANALYZE hybrid_support_rollout_member;
ANALYZE hybrid_support_kb_search;
"""


def dashboard_reads(env):
    """Every pivot and chart of the Portal adoption dashboard, as the
    dashboard asks them (the period filter left aside)."""
    sys.path.insert(0, str(ADDONS / "hybrid_support_rollout_dashboard" / "tools"))
    import dashboards

    document = dashboards.build()
    count = 0
    for pivot in document["pivots"].values():
        groups = [g["fieldName"] for g in pivot["rows"] + pivot["columns"]]
        env[pivot["model"]]._read_group(
            pivot["domain"],
            groups,
            [
                "__count"
                if m["fieldName"] == "__count"
                else f"{m['fieldName']}:{m['aggregator']}"
                for m in pivot["measures"]
            ],
        )
        count += 1
    for figure in document["sheets"][0]["figures"]:
        data = figure["data"]
        if not data["type"].startswith("odoo_"):
            continue
        meta = data["metaData"]
        measure = meta["measure"]
        env[meta["resModel"]]._read_group(
            data["searchParams"]["domain"],
            meta["groupBy"],
            ["__count" if measure == "__count" else f"{measure}:sum"],
        )
        count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="CI: 1,000 contacts")
    args = parser.parse_args()
    if args.smoke:
        args.contacts = 1_000
    from odoo.tests import new_test_user

    with (
        bench_database(args, "adoption", ["hybrid_support_rollout_dashboard"]) as db,
        superuser_env(db) as env,
    ):
        cr = env.cr
        manager = new_test_user(
            env, login="bench_manager", groups="helpdesk_mgmt.group_helpdesk_manager"
        )
        wave = env["hybrid.support.rollout.wave"].create({"name": "Bench wave"})
        env.flush_all()
        cr.execute(
            "UPDATE hybrid_support_rollout_wave SET state = 'active' WHERE id = %s",
            [wave.id],
        )
        params = {
            "contacts": args.contacts,
            "wave": wave.id,
            "company": env.company.id,
            "stage": env["helpdesk.ticket.stage"].search([], limit=1).id,
            "comment": env.ref("mail.mt_comment").id,
        }
        with Measured() as setup:
            cr.execute(CONTACTS, params)
            cr.execute(MEMBERS, params)
            insert_cases(cr, args.contacts, CASES, params, join=CONTACT_OF_CASE)
            cr.execute(ACTIVITY, params)
        cr.commit()
        print(
            f"{args.contacts} wave contacts (a case, 4 replies, half a search "
            f"each) set up in {setup.seconds:.0f} s",
            flush=True,
        )
        env.invalidate_all()
        Member = env["hybrid.support.rollout.member"]
        batches = 0
        with Measured(cr) as measure:
            while Member.search_count([("measured_date", "=", False)]):
                Member._measure_batch(limit=BATCH)
                env.flush_all()
                batches += 1
        per_thousand = measure.seconds * 1000 / args.contacts
        print(
            f"Measuring job: {args.contacts} contacts in {batches} batches of "
            f"{BATCH}, {measure.seconds:.1f} s ({measure.cpu:.1f} s CPU in "
            f"Odoo), {measure.queries / batches:.0f} queries per batch, "
            f"{per_thousand:.2f} s per 1,000 contacts"
        )
        [(portal, email, searches)] = Member._read_group(
            [("wave_id", "=", wave.id)],
            [],
            [
                "portal_reply_count:sum",
                "email_reply_count:sum",
                "help_search_count:sum",
            ],
        )
        assert (portal, email) == (2 * args.contacts, 2 * args.contacts), (
            portal,
            email,
        )
        assert abs(searches - args.contacts / 2) <= 1, searches
        with Measured(cr) as reading:
            reads = dashboard_reads(env(user=manager))
        print(
            f"Portal adoption dashboard: {reads} reads as a manager in "
            f"{reading.seconds * 1000:.0f} ms, {reading.queries} queries"
        )


if __name__ == "__main__":
    sys.exit(main())
