#!/usr/bin/env python3
"""A database installed at an older commit upgrades to this checkout with
``-u`` and keeps its data (issue 19: the hs_ renames of helpdesk.ticket's
fields).

    python3 tests/check_upgrade.py                    # from 1a50f21, installs it
    python3 tests/check_upgrade.py --from REF
    python3 tests/check_upgrade.py --template hs_dev  # copy a database instead

Installs the suite with demo data from REF (a ``git worktree`` of it, or a copy
of --template, which must be at REF), fingerprints every renamed column (row
count, non-null count and an md5 of its values in id order), upgrades every
suite addon with this checkout's code, then checks: Odoo logged no ERROR or
CRITICAL, each old column is gone and the new one holds the same fingerprint,
no field row or xml id of an old name is left, no duplicate index, every
routing-log row that changed a field refers to it by field_id, and no
scheduled or server action calls a method its model does not have (issue 19:
the methods of the suite's own models lost their ``_hs_`` prefix, and
``noupdate`` crons keep the code they were installed with). Prints the
figures and ``N passed, N failed``; exits non-zero on any failure.
Preconditions are those of tests/run_tests.py (PostgreSQL, Odoo importable).
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg2
from run_tests import (
    ADDONS,
    LOG_DIR,
    LOG_LINE,
    ROOT,
    SUITE,
    add_db_options,
    check_odoo,
    check_postgres,
    db_args,
)

# main before the hs_ renames, with the intent catalogue; --from 2511abe (before
# the catalogue too) passes as well
DEFAULT_FROM = "1a50f21"
# (addon, old name) of every renamed column of helpdesk_ticket
RENAMED = {
    "hybrid_support_intake": """
        clean_body source_message_id automated_reason received_date
        phone_numbers is_vip writer_text reopen_count followup_of_id
        intent_confidence urgency urgency_confidence sentiment
        sentiment_confidence sentiment_trend frustrated language
        language_confidence probable_duplicate_id probable_duplicate_score
        ack_sent ack_pending""".split(),
    "hybrid_support_ai": """
        intent_source intent_needs_review intent_unknown intent_reviewed
        team_suggestion_id team_confidence priority_suggestion
        priority_confidence summary unanswered_count""".split(),
    "hybrid_support_escalation": """
        sla_policy_id sla_first_response_deadline sla_deadline
        sla_first_response_date sla_status sla_paused sla_start_date
        escalation_level""".split(),
}
# non-stored or one2many fields: only their metadata moves
METADATA_ONLY = """reference_ids routing_log_ids routing_log_count
    ack_suggestions_html ack_case_actions_html response_promise
    ack_portal_button ack_signature sla_ids sla_at_risk_date sla_reached_date
    customer_health escalation_log_ids""".split()


def connect(args, db):
    conn = psycopg2.connect(
        host=args.db_host, port=args.db_port, user=args.db_user, dbname=db
    )
    conn.autocommit = True
    return conn


def query(args, db, sql, params=()):
    conn = connect(args, db)
    try:
        with conn.cursor() as cr:
            cr.execute(sql, params)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def columns(args, db):
    return {
        row[0]
        for row in query(
            args,
            db,
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = 'helpdesk_ticket'",
        )
    }


def fingerprint(args, db, column):
    # the names are our own constants above, not user input
    return query(
        args,
        db,
        f'SELECT count(*), count("{column}"), '
        f"md5(string_agg(\"{column}\"::text, '|' ORDER BY id)) FROM helpdesk_ticket",
    )[0]


# run in ``odoo shell`` on the upgraded database: the methods that the code of
# every scheduled/server action calls on its model (``model.``, ``record.``,
# ``records.``, through sudo()/with_context() chains) or on ``env["model"]``,
# that the model does not have
MISSING_METHODS = r"""
import re
CHAIN = r"((?:\.\w+\([^()]*\))*)\.(\w+)\s*\("
ON_MODEL = re.compile(r"\b(?:model|records?)" + CHAIN)
ON_ENV = re.compile(r"\benv\[[\"']([\w.]+)[\"']\]" + CHAIN)
CALLED = re.compile(r"\.(\w+)\(")
Action = env["ir.actions.server"].with_context(active_test=False)
checked = 0
for action in Action.search([("state", "=", "code")]):
    checked += 1
    calls = [(action.model_id.model, m) for m in ON_MODEL.finditer(action.code or "")]
    calls += [(m[1], m) for m in ON_ENV.finditer(action.code or "")]
    for model, match in calls:
        chain, name = match.group(match.re.groups - 1, match.re.groups)
        names = CALLED.findall(chain) + [name]
        for name in names:
            if model not in env or not hasattr(env[model], name):
                print("MISSING-METHOD", action.id, repr(action.name), f"{model}.{name}")
print("ACTIONS-CHECKED", checked)
"""


def missing_methods(args, db, addons_path, log):
    """Lines ``MISSING-METHOD id name model.method``, and how many actions."""
    command = [
        sys.executable,
        "-m",
        "odoo",
        "shell",
        "-d",
        db,
        *db_args(args),
        "--addons-path",
        addons_path,
        "--no-http",
        "--log-level",
        "warn",
    ]
    result = subprocess.run(
        command, input=MISSING_METHODS, capture_output=True, text=True, errors="replace"
    )
    log.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}")
    lines = result.stdout.splitlines()
    missing = [line for line in lines if line.startswith("MISSING-METHOD")]
    checked = [
        int(line.split()[1]) for line in lines if line.startswith("ACTIONS-CHECKED")
    ]
    return missing, checked[0] if checked else None


def odoo(args, db, addons_path, *extra, log):
    command = [
        sys.executable,
        "-m",
        "odoo",
        "-d",
        db,
        *db_args(args),
        "--addons-path",
        addons_path,
        "--stop-after-init",
        "--no-http",
        *extra,
    ]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
    log.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}")
    errors = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if (m := LOG_LINE.match(line)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    return result.returncode, errors, time.monotonic() - started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--from", dest="ref", default=DEFAULT_FROM)
    parser.add_argument("--template", help="copy this database (at --from)")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    LOG_DIR.mkdir(exist_ok=True)
    check_postgres(args)
    check_odoo()
    db = f"hs_upgrade_{int(time.time())}"
    failures = []
    with (
        open(LOG_DIR / "check-upgrade.log", "w") as log,
        tempfile.TemporaryDirectory() as tmp,
    ):
        old_tree = Path(tmp) / "from"
        subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "worktree",
                "add",
                "--detach",
                str(old_tree),
                args.ref,
            ],
            check=True,
            capture_output=True,
        )
        try:
            extra = [args.addons_path] if args.addons_path else []
            old_path = ",".join(
                [*extra, str(old_tree / "addons"), str(old_tree / "tests" / "addons")]
            )
            if args.template:
                query(
                    args,
                    "postgres",
                    f'CREATE DATABASE "{db}" TEMPLATE "{args.template}"',
                )
                installed_in = 0.0
            else:
                addons = [a for a in SUITE if (old_tree / "addons" / a).is_dir()]
                code, errors, installed_in = odoo(
                    args, db, old_path, "-i", ",".join(addons), "--with-demo", log=log
                )
                if code or errors:
                    print(
                        f"FAIL: the suite does not install at {args.ref}: {errors[:3]}"
                    )
                    return 1
            installed = [
                row[0]
                for row in query(
                    args,
                    db,
                    "SELECT name FROM ir_module_module WHERE state = 'installed' "
                    "AND name LIKE 'hybrid_support_%%'",
                )
            ]
            before_columns = columns(args, db)
            before = {
                old: fingerprint(args, db, old)
                for addon, names in RENAMED.items()
                if addon in installed
                for old in names
                if old in before_columns
            }
            new_path = ",".join([*extra, str(ADDONS), str(ROOT / "tests" / "addons")])
            code, errors, upgraded_in = odoo(
                args, db, new_path, "-u", ",".join(sorted(installed)), log=log
            )
            if code or errors:
                failures.append(f"upgrade: exit {code}, {errors[:3]}")
            after_columns = columns(args, db)
            kept = 0
            for old, print_before in before.items():
                new = f"hs_{old}"
                if old in after_columns:
                    failures.append(f"column {old} still there")
                if new not in after_columns:
                    failures.append(f"column {new} missing")
                    continue
                print_after = fingerprint(args, db, new)
                if print_after != print_before:
                    failures.append(f"{old} -> {new}: {print_before} != {print_after}")
                else:
                    kept += print_after[1]
            old_names = list(before) + METADATA_ONLY
            left = query(
                args,
                db,
                "SELECT name FROM ir_model_fields WHERE model = 'helpdesk.ticket' "
                "AND name = ANY(%s)",
                (old_names,),
            )
            if left:
                failures.append(f"field rows of old names left: {left}")
            xmlids = query(
                args,
                db,
                "SELECT module || '.' || name FROM ir_model_data "
                "WHERE model IN ('ir.model.fields', 'ir.model.fields.selection') "
                "AND name ~ ('^(field|selection)_helpdesk_ticket__(' || %s || ')(__|$)')",
                ("|".join(old_names),),
            )
            if xmlids:
                failures.append(f"xml ids of old names left: {xmlids[:5]}")
            duplicates = query(
                args,
                db,
                "SELECT indexdef FROM pg_indexes WHERE tablename = 'helpdesk_ticket' "
                "AND indexname ~ ('__(' || %s || ')_index$')",
                ("|".join(old_names),),
            )
            if duplicates:
                failures.append(f"indexes of old names left: {duplicates}")
            # routing-log rows refer to the field they changed (issue 19)
            [(logged, typed)] = query(
                args,
                db,
                "SELECT count(*), count(field_id) FROM hybrid_support_routing_log "
                "WHERE field_name != ''",
            )
            if typed != logged:
                failures.append(f"routing log: {logged - typed} rows without field_id")
            missing, actions = missing_methods(args, db, new_path, log)
            if actions is None:
                failures.append("actions: the odoo shell check did not run")
            failures.extend(f"action calls a missing method: {m}" for m in missing)
            print(
                f"scheduled and server actions: {actions} with code checked, "
                f"{len(missing)} calling a missing method"
            )
            print(
                f"routing log: {typed} of {logged} rows that changed a field "
                "refer to it by field_id"
            )
            print(
                f"from {args.ref}: install {installed_in:.0f} s, upgrade of "
                f"{len(installed)} addons {upgraded_in:.0f} s; {len(before)} renamed "
                f"columns checked, {kept} non-empty values kept"
            )
        finally:
            subprocess.run(
                [
                    "git",
                    "-C",
                    str(ROOT),
                    "worktree",
                    "remove",
                    "--force",
                    str(old_tree),
                ],
                capture_output=True,
            )
            if not args.keep:
                query(args, "postgres", f'DROP DATABASE IF EXISTS "{db}"')
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{0 if failures else 1} passed, {1 if failures else 0} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
