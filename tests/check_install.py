#!/usr/bin/env python3
"""Each addon installs on its own (with its dependencies and demo data) and
uninstalls cleanly, on a throw-away copy of a database holding helpdesk_mgmt.

Prints ``N passed, N failed`` (one check per addon) and exits non-zero on any
failure. Preconditions are those of tests/run_tests.py.
"""

import argparse
import subprocess
import sys
import tempfile
import time

import psycopg2
from run_tests import (
    ADDONS,
    LOG_DIR,
    LOG_LINE,
    SUITE,
    add_db_options,
    check_odoo,
    check_postgres,
    db_args,
    pip_install,
)


def odoo(args, *extra, log):
    command = [sys.executable, "-m", "odoo", *extra]
    result = subprocess.run(command, capture_output=True, text=True, errors="replace")
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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--skip-install", action="store_true")
    args = parser.parse_args()
    LOG_DIR.mkdir(exist_ok=True)
    check_postgres(args)
    check_odoo()
    if not args.skip_install:
        pip_install()
    stamp = f"{int(time.time())}"
    template = f"hs_tpl_{stamp}"
    addons_path = ",".join(filter(None, [args.addons_path, str(ADDONS)]))
    passed, failed = 0, 0
    with (
        open(LOG_DIR / "check-install.log", "w") as log,
        tempfile.NamedTemporaryFile("w", suffix=".conf") as conf,
    ):
        conf.write(
            f"[options]\ndb_host = {args.db_host}\ndb_port = {args.db_port}\n"
            f"db_user = {args.db_user}\naddons_path = {addons_path}\n"
        )
        conf.flush()
        base = [
            *db_args(args),
            "--addons-path",
            addons_path,
            "--stop-after-init",
            "--no-http",
        ]
        code, errors = odoo(
            args, "-d", template, *base, "-i", "helpdesk_mgmt", "--with-demo", log=log
        )
        if code or errors:
            print(f"FAIL: helpdesk_mgmt does not install: {errors[:3]}")
            print("0 passed, 1 failed")
            return 1
        for addon in SUITE:
            db = f"hs_inst_{addon}_{stamp}"
            # "quote_ident" is not available: the names are our own generated ones.
            sql(args, f'CREATE DATABASE "{db}" TEMPLATE "{template}"')
            try:
                problems = []
                code, errors = odoo(args, "-d", db, *base, "-i", addon, log=log)
                state = sql(
                    args,
                    "SELECT state FROM ir_module_module WHERE name=%s",
                    (addon,),
                    db,
                )
                if code or errors or state != [("installed",)]:
                    problems.append(
                        f"install: exit {code}, state {state}, {errors[:2]}"
                    )
                else:
                    code, errors = odoo(
                        args,
                        "module",
                        "uninstall",
                        "-c",
                        conf.name,
                        "-d",
                        db,
                        addon,
                        log=log,
                    )
                    state = sql(
                        args,
                        "SELECT state FROM ir_module_module WHERE name=%s",
                        (addon,),
                        db,
                    )
                    left = sql(
                        args,
                        "SELECT count(*) FROM ir_model_data WHERE module=%s",
                        (addon,),
                        db,
                    )
                    if code or errors or state != [("uninstalled",)] or left != [(0,)]:
                        problems.append(
                            f"uninstall: exit {code}, state {state}, {left[0][0]} records left, {errors[:2]}"
                        )
            finally:
                sql(args, f'DROP DATABASE IF EXISTS "{db}"')
            if problems:
                failed += 1
                print(f"FAIL {addon}: {'; '.join(problems)}")
            else:
                passed += 1
                print(
                    f"ok   {addon}: installs alone with demo data, uninstalls cleanly"
                )
        sql(args, f'DROP DATABASE IF EXISTS "{template}"')
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
