#!/usr/bin/env python3
"""Each addon installs on its own (with its dependencies and demo data), its
own tests pass there, and it uninstalls cleanly, on a throw-away copy of a
database holding helpdesk_mgmt.

Per addon, one Odoo run installs it with ``--test-enable --test-tags /<addon>``
(its at_install tests right after its install, its post_install tests at the
end), so that a test leaning on a sibling addon that the addon does not depend
on fails here rather than only in tests/run_tests.py, where all are installed.
Prints the tests run and failed per addon and ``N passed, N failed`` (one check
per addon: an addon that ran no test fails) and exits non-zero on any failure.
Preconditions are those of tests/run_tests.py; it runs its own databases, so
take the machine's test lock around it where others run tests too.
"""

import argparse
import subprocess
import sys
import time

import psycopg2
from run_tests import (
    ADDONS,
    LOG_DIR,
    LOG_LINE,
    SUITE,
    add_db_options,
    check_browser,
    check_odoo,
    check_postgres,
    db_args,
    odoo_command,
    pip_install,
    run_odoo,
)

# Uninstalled from Odoo's shell: ``odoo module uninstall`` loads the registry
# before it reads the addons path of its -c file (Odoo 19.0), and logs an
# ERROR for the addon it then uninstalls.
UNINSTALL = """
env["ir.module.module"].search([("name", "=", {addon!r})]).button_immediate_uninstall()
"""


def odoo(args, *extra, log, stdin=None):
    command = [sys.executable, "-m", "odoo", *extra]
    result = subprocess.run(
        command, input=stdin, capture_output=True, text=True, errors="replace"
    )
    log.write(f"$ {' '.join(command)}\n{result.stdout}{result.stderr}")
    errors = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if (m := LOG_LINE.match(line)) and m["level"] in ("ERROR", "CRITICAL")
    ]
    return result.returncode, errors


def sql(args, query, params=(), db="postgres"):
    conn = psycopg2.connect(
        host=args.db_host, port=args.db_port, user=args.db_user, dbname=db
    )
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            cr.execute(query, params)
            return cr.fetchall() if cr.description else None
    finally:
        conn.close()


def install_and_test(args, db, addon):
    """Installs ``addon`` in ``db`` and runs its own tests in the same Odoo
    run; returns the problems and the figures (tests run, failed)."""
    log_path = LOG_DIR / f"check-install-{addon}.log"
    code, counts, per_module = run_odoo(
        odoo_command(args, db, [addon], [addon]), log_path, echo=False
    )
    state = sql(args, "SELECT state FROM ir_module_module WHERE name=%s", (addon,), db)
    ran = per_module.get(addon, 0)
    failed = counts["failed"] + counts["errors"]
    problems = []
    # a failing test makes Odoo exit 1 too: said below
    if state != [("installed",)] or (code and not failed):
        problems.append(f"install: exit {code}, state {state}")
    if not ran:
        problems.append("no test ran")
    if failed:
        problems.append(f"{failed} of {counts['run']} tests failed")
    elif counts["error_lines"]:
        problems.append(f"{counts['error_lines']} ERROR lines")
    if problems:
        problems[-1] += f" (log: {log_path})"
    return problems, counts["run"], failed, counts["skipped"]


def uninstall(args, db, addon, log):
    addons_path = ",".join(filter(None, [args.addons_path, str(ADDONS)]))
    code, errors = odoo(
        args,
        "shell",
        "-d",
        db,
        *db_args(args),
        "--addons-path",
        addons_path,
        "--no-http",
        "--log-level",
        "warn",
        log=log,
        stdin=UNINSTALL.format(addon=addon),
    )
    state = sql(args, "SELECT state FROM ir_module_module WHERE name=%s", (addon,), db)
    left = sql(args, "SELECT count(*) FROM ir_model_data WHERE module=%s", (addon,), db)
    if code or errors or state != [("uninstalled",)] or left != [(0,)]:
        return [
            f"uninstall: exit {code}, state {state}, {left[0][0]} records left, "
            f"{errors[:2]}"
        ]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--skip-install", action="store_true")
    parser.add_argument(
        "addons", nargs="*", help="these suite addons only (default: all)"
    )
    args = parser.parse_args()
    args.coverage = False  # for run_tests.odoo_command
    addons = args.addons or SUITE
    unknown = set(addons) - set(SUITE)
    if unknown:
        parser.error(f"not suite addons: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    LOG_DIR.mkdir(exist_ok=True)
    check_postgres(args)
    check_odoo()
    if not args.skip_install:
        pip_install()
    check_browser()
    stamp = f"{int(time.time())}"
    template = f"hs_tpl_{stamp}"
    addons_path = ",".join(filter(None, [args.addons_path, str(ADDONS)]))
    passed, failed = 0, 0
    with open(LOG_DIR / "check-install.log", "w") as log:
        base = [*db_args(args), "--addons-path", addons_path]
        code, errors = odoo(
            args,
            "-d",
            template,
            *base,
            "--stop-after-init",
            "--no-http",
            "-i",
            "helpdesk_mgmt",
            "--with-demo",
            log=log,
        )
        if code or errors:
            print(f"FAIL: helpdesk_mgmt does not install: {errors[:3]}")
            print("0 passed, 1 failed")
            return 1
        for addon in addons:
            db = f"hs_inst_{addon}_{stamp}"
            addon_started = time.monotonic()
            # "quote_ident" is not available: the names are our own generated ones.
            sql(args, f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
            try:
                problems, ran, broken, skipped = install_and_test(args, db, addon)
                if not problems or ran:
                    # a failed test leaves nothing behind: uninstall anyway
                    problems += uninstall(args, db, addon, log)
            finally:
                sql(args, f'DROP DATABASE IF EXISTS "{db}"')
            figures = (
                f"{ran} tests, {broken} failed, {skipped} skipped, "
                f"{time.monotonic() - addon_started:.0f} s"
            )
            if problems:
                failed += 1
                print(f"FAIL {addon}: {figures}; {'; '.join(problems)}", flush=True)
            else:
                passed += 1
                print(
                    f"ok   {addon}: installs alone with demo data, {figures}, "
                    "uninstalls cleanly",
                    flush=True,
                )
        sql(args, f'DROP DATABASE IF EXISTS "{template}"')
    print(f"Wall time: {time.monotonic() - started:.0f} s")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
