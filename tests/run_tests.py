#!/usr/bin/env python3
"""The test command of Hybrid Support.

Checks its preconditions (PostgreSQL answers, Odoo 19 is importable) and fails
loudly when one is missing; installs requirements; creates a throw-away
database; installs the five addons and the end-to-end test addon with demo
data and --test-enable; runs their tests and helpdesk_mgmt's own tests (we must
never break the host); drops the database; prints ``N passed, N failed``.
"""

import argparse
import getpass
import importlib.util
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDONS = ROOT / "addons"
TEST_ADDONS = ROOT / "tests" / "addons"
LOG_DIR = ROOT / ".test-logs"
COVERAGE_DATA = LOG_DIR / ".coverage"
SUITE = [
    "hybrid_support_intake",
    "hybrid_support_ai",
    "hybrid_support_escalation",
    "hybrid_support_kb",
    "hybrid_support_portal",
    "hybrid_support_livechat",
    "hybrid_support_dashboard",
    "hybrid_support_dashboard_kb",
    "hybrid_support_rollout",
    "hybrid_support_rollout_dashboard",
]
E2E = ["hybrid_support_e2e"]
HOST_TESTS = ["helpdesk_mgmt"]

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")
SUMMARY = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests"
)
STATS = re.compile(r"odoo\.tests\.stats: (?P<module>\w+): (?P<count>\d+) tests")
SKIPPED = re.compile(r": skipped ")


def fatal(message):
    print(f"FATAL: {message}", file=sys.stderr)
    print("0 passed, 1 failed")
    sys.exit(2)


def check_postgres(args):
    try:
        import psycopg2
    except ImportError:
        fatal("psycopg2 is not importable: install Odoo 19's requirements first.")
    try:
        conn = psycopg2.connect(
            host=args.db_host,
            port=args.db_port,
            user=args.db_user,
            dbname="postgres",
            connect_timeout=5,
        )
        conn.close()
    except Exception as error:
        fatal(
            f"PostgreSQL does not answer at {args.db_host}:{args.db_port} as user "
            f"{args.db_user!r}: {error}".strip()
        )


def check_odoo():
    try:
        from odoo import release
    except Exception as error:
        fatal(
            f"Odoo is not importable by {sys.executable}: {error}. Install Odoo 19.0 "
            "from source first (see README, 'Running the tests')."
        )
    if release.version_info[0] != 19:
        fatal(f"Odoo 19 is required, found Odoo {release.version}.")
    print(f"Odoo {release.version} from {Path(release.__file__).parent.parent}")


def load_installer():
    """tools/install_requirements.py: the provisioning the README, CI and
    the Docker test image share."""
    spec = importlib.util.spec_from_file_location(
        "install_requirements", ROOT / "tools" / "install_requirements.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pip_install():
    installer = load_installer()
    try:
        installer.install(test=True)
    except installer.InstallError as error:
        print(error, file=sys.stderr)
        fatal("installing the requirements failed (see above).")


def check_browser():
    if not load_installer().install_browser():
        fatal("Chromium is missing: the browser tests (tours) cannot run.")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_db_options(parser):
    parser.add_argument("--db-host", default=os.environ.get("PGHOST", "127.0.0.1"))
    parser.add_argument(
        "--db-port", type=int, default=int(os.environ.get("PGPORT", 5432))
    )
    parser.add_argument(
        "--db-user", default=os.environ.get("PGUSER", getpass.getuser())
    )
    parser.add_argument(
        "--addons-path",
        default=os.environ.get("ODOO_ADDONS_PATH", ""),
        help="extra addons path (Odoo's own addons when not installed with pip)",
    )


def db_args(args):
    return [
        "--db_host",
        args.db_host,
        "--db_port",
        str(args.db_port),
        "--db_user",
        args.db_user,
    ]


def create_db(args, db, modules, log=None):
    """A throw-away database with ``modules`` installed (benchmarks)."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "odoo",
            "-d",
            db,
            *db_args(args),
            "--addons-path",
            ",".join(filter(None, [args.addons_path, str(ADDONS)])),
            "-i",
            ",".join(modules),
            "--stop-after-init",
            "--no-http",
            "--log-level=warn",
        ],
        stdout=log,
        stderr=subprocess.STDOUT if log else None,
        check=True,
    )


def drop_db(args, db, log=None):
    subprocess.run(
        ["dropdb", "-h", args.db_host, "-U", args.db_user, "--if-exists", db],
        check=False,
        stdout=log,
        stderr=log,
    )


def coverage_prefix():
    """``coverage run`` around Odoo, as OCA's CI does: the suite's own code
    (addons/, the e2e test addon), its tests, migrations and Odoo left out."""
    return [
        "-m",
        "coverage",
        "run",
        "--data-file",
        str(COVERAGE_DATA),
        "--source",
        f"{ADDONS},{TEST_ADDONS}",
        "--omit",
        "*/tests/*,*/migrations/*,*/__manifest__.py",
    ]


def coverage_total():
    """The total line coverage in percent, and the per-file report saved
    beside the test log; None when coverage has nothing to say."""
    report = subprocess.run(
        [sys.executable, "-m", "coverage", "report", "--data-file", str(COVERAGE_DATA)],
        capture_output=True,
        text=True,
    )
    if report.returncode:
        return None
    (LOG_DIR / "coverage.txt").write_text(report.stdout)
    total = [line for line in report.stdout.splitlines() if line.startswith("TOTAL")]
    return total[0].split()[-1] if total else None


def odoo_command(args, db, modules, tags):
    addons_path = [str(ADDONS), str(TEST_ADDONS)]
    if args.addons_path:
        addons_path.insert(0, args.addons_path)
    return [
        sys.executable,
        *(coverage_prefix() if args.coverage else []),
        "-m",
        "odoo",
        "--database",
        db,
        *db_args(args),
        "--addons-path",
        ",".join(addons_path),
        "--http-interface",
        "127.0.0.1",
        "--http-port",
        str(free_port()),
        "--init",
        ",".join(modules),
        "--with-demo",
        "--test-enable",
        "--test-tags",
        ",".join(f"/{tag}" for tag in tags),
        "--stop-after-init",
        "--log-level",
        "info",
        "--workers",
        "0",
        "--max-cron-threads",
        "0",
    ]


def run_odoo(command, log_path, echo=True):
    """Runs ``command``, saves its output in ``log_path`` and counts the tests
    run, failed and skipped (and per module); ``echo`` shows the warnings,
    errors and test summaries as they come."""
    counts = {"failed": 0, "errors": 0, "run": 0, "skipped": 0, "error_lines": 0}
    per_module = {}
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        for line in process.stdout:
            log.write(line)
            match = LOG_LINE.match(line)
            level = match["level"] if match else None
            summary = SUMMARY.search(line)
            if summary and "odoo.tests.result" in line:
                for key in ("failed", "errors", "run"):
                    counts[key] += int(summary[key])
            stats = STATS.search(line)
            if stats:
                per_module[stats["module"]] = per_module.get(stats["module"], 0) + int(
                    stats["count"]
                )
            if level == "INFO" and SKIPPED.search(line) and "odoo.tests" not in line:
                counts["skipped"] += 1
            if level in ("ERROR", "CRITICAL"):
                counts["error_lines"] += 1
            if echo and (level in ("ERROR", "CRITICAL", "WARNING") or summary or stats):
                sys.stdout.write(line)
        returncode = process.wait()
    return returncode, counts, per_module


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--skip-install",
        action="store_true",
        help="do not pip install the requirements",
    )
    parser.add_argument(
        "--no-coverage",
        dest="coverage",
        action="store_false",
        help="do not measure line coverage (faster)",
    )
    args = parser.parse_args()
    LOG_DIR.mkdir(exist_ok=True)
    COVERAGE_DATA.unlink(missing_ok=True)
    started = time.monotonic()

    check_postgres(args)
    check_odoo()
    if not args.skip_install:
        pip_install()
    check_browser()

    db = f"hs_test_{int(time.time())}_{os.getpid()}"
    modules = SUITE + E2E
    command = odoo_command(args, db, modules, SUITE + E2E + HOST_TESTS)
    print("Running:", " ".join(command), flush=True)
    try:
        returncode, counts, per_module = run_odoo(command, LOG_DIR / "odoo-test.log")
    finally:
        if not args.keep_db:
            import psycopg2

            conn = psycopg2.connect(
                host=args.db_host,
                port=args.db_port,
                user=args.db_user,
                dbname="postgres",
            )
            conn.autocommit = True
            with conn.cursor() as cr:
                cr.execute(
                    f'DROP DATABASE IF EXISTS "{db}"'
                )  # db is our own generated name
            conn.close()

    problems = []
    if returncode:
        problems.append(f"Odoo exited with code {returncode}")
    for module in SUITE + E2E + HOST_TESTS:
        if not per_module.get(module):
            problems.append(f"no test of {module} ran (import error?)")
    if counts["error_lines"] and not (counts["failed"] or counts["errors"]):
        problems.append(f"{counts['error_lines']} ERROR lines in the log")
    failed = counts["failed"] + counts["errors"] + (1 if problems else 0)
    passed = counts["run"] - counts["failed"] - counts["errors"] - counts["skipped"]
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print(f"Tests per module: {dict(sorted(per_module.items()))}")
    print(
        f"Wall time: {time.monotonic() - started:.0f} s; full log: {LOG_DIR / 'odoo-test.log'}"
    )
    if args.coverage:
        total = coverage_total()
        print(
            f"Coverage of addons/ (lines): {total or 'not measured'}"
            + (f"; per file: {LOG_DIR / 'coverage.txt'}" if total else "")
        )
    print(f"{passed} passed, {failed} failed, {counts['skipped']} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
