"""What the benchmarks share, so that a change of schema or set-up is made
once: the repository's paths and banking77, an addon's pure tools loaded
without Odoo, the sentence encoder of the tests, a throw-away database with
Odoo configured in this process, bulk inserts of cases and accounts, an Odoo
server process, and timing with query counts.

Imported by the benchmarks of this folder (``from common import ...``); it
imports Odoo only inside the functions that need it, so the benchmarks of
pure tools run without Odoo installed.
"""

import atexit
import collections
import contextlib
import csv
import importlib.util
import os
import shutil
import signal
import statistics
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))

from run_tests import (  # noqa: E402
    ADDONS,
    LOG_DIR,
    SUITE,
    add_db_options,
    check_odoo,
    check_postgres,
    create_db,
    db_args,
    drop_db,
    free_port,
)

__all__ = [
    "ACCOUNT_OF_CASE",
    "ADDONS",
    "ALIAS_DOMAIN",
    "BANKING77",
    "BODIES",
    "GATEWAY_ALIAS",
    "LOG_DIR",
    "ROOT",
    "SUBJECTS",
    "SUITE",
    "Measured",
    "OdooServer",
    "add_db_options",
    "addons_path",
    "bench_database",
    "check_odoo",
    "check_postgres",
    "close_registry",
    "configure_odoo",
    "create_db",
    "db_args",
    "default_encoder",
    "describe",
    "drop_db",
    "free_port",
    "gateway_team",
    "insert_accounts",
    "insert_cases",
    "load_tools",
    "odoo_launcher",
    "per_intent",
    "percentile",
    "process_cpu_seconds",
    "read_labelled",
    "superuser_env",
]

SHARED = ROOT.parent / "shared"
BANKING77 = SHARED / "data" / "banking77"

# ----------------------------------------------------------------------
# Pure tools and data, without Odoo
# ----------------------------------------------------------------------


def _suite_addons_as_packages():
    """Make ``odoo.addons.hybrid_support_*`` plain packages of their folders
    when Odoo has not loaded them, so that a tools module importing another
    addon's tools (kb's anonymiser imports intake's ``tools.pii``) loads
    that module alone, not the addon's models."""
    import types

    for name in ("odoo", "odoo.addons"):
        if name not in sys.modules:
            try:
                importlib.import_module(name)
            except ImportError:  # no Odoo here: a bare namespace
                sys.modules[name] = types.ModuleType(name)
                sys.modules[name].__path__ = []
    for folder in ADDONS.glob("hybrid_support_*"):
        name = f"odoo.addons.{folder.name}"
        if name not in sys.modules:
            package = types.ModuleType(name)
            package.__path__ = [str(folder)]
            sys.modules[name] = package


def load_tools(addon, package_name=None, folder=None):
    """An addon's ``tools`` folder as a package of its own (its modules
    import their siblings), without loading the addon or Odoo.
    ``folder``: another checkout's tools folder (a baseline)."""
    _suite_addons_as_packages()
    folder = Path(folder or ADDONS / addon / "tools")
    name = package_name or f"hs_{addon.removeprefix('hybrid_support_')}_tools"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    spec.loader.exec_module(package)
    return package


def default_encoder():
    """The MiniLM folder the tests use, when requirements-test-models.txt is
    installed (removed at exit); else None."""
    spec = importlib.util.spec_from_file_location(
        "hs_minilm", ADDONS / "hybrid_support_ai" / "tests" / "minilm.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    try:
        folder = module.minilm_directory()
    except ImportError:
        return None
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def read_labelled(path):
    """``(texts, labels)`` of a CSV with ``text`` and ``category`` columns
    (banking77's split files)."""
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [row["text"] for row in rows], [row["category"] for row in rows]


def per_intent(texts, labels, limit=None):
    """{label: its texts}, at most ``limit`` each, in the order read."""
    grouped = collections.defaultdict(list)
    for text, label in zip(texts, labels, strict=True):
        if limit is None or len(grouped[label]) < limit:
            grouped[label].append(text)
    return grouped


# ----------------------------------------------------------------------
# Emails to the gateway
# ----------------------------------------------------------------------

ALIAS_DOMAIN = "bench.example"
GATEWAY_ALIAS = "bench-help"
SUBJECTS = [
    "Invoice INV/2026/{n:05d} charged twice",
    "Cannot log in",
    "Order S{n:05d} late",
    "Export crashes with error 500",
    "Refund please",
    "URGENT: API down",
    "Feature request: dark mode",
    "Cancel my subscription",
    "Password reset link expired",
    "Wrong item delivered for order S{n:05d}",
]
BODIES = [
    "Hello,\n\nOur card was charged twice for invoice INV/2026/{n:05d}. Please "
    "refund.\n\nThanks,\n{name}\n+44 20 7946 {n:04d}",
    "Hi,\n\nI cannot log in since this morning.\n\nSent from my iPhone",
    "The export fails again.\n\nOn Mon, 2 Nov 2026 at 09:30, Support "
    "<help@bench.example> wrote:\n> We are looking into it.\n> Regards",
    "Where is my parcel? Tracking has not moved for a week.\n\n-- \n{name}\nACME Ltd",
]


def gateway_team(env, **values):
    """The helpdesk team whose alias (bench-help@bench.example) receives the
    benchmarks' emails; ``values``: more of the team's values."""
    domain = env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
    team = env["helpdesk.ticket.team"].create(
        {
            "name": "Bench",
            "alias_name": GATEWAY_ALIAS,
            "alias_domain_id": domain.id,
            **values,
        }
    )
    env.flush_all()
    return team


# ----------------------------------------------------------------------
# Timing
# ----------------------------------------------------------------------


def percentile(values, share):
    """The value below which ``share`` (0-1) of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def describe(times_ms):
    """``median … ms, p95 … ms (n queries)`` of millisecond timings."""
    return (
        f"median {statistics.median(times_ms):.1f} ms, "
        f"p95 {percentile(times_ms, 0.95):.1f} ms ({len(times_ms)} queries)"
    )


class Measured:
    """Wall seconds, CPU seconds of this process and SQL queries of ``cr``
    (when given) spent in a ``with`` block::

        with Measured(cr) as spent:
            ...
        spent.seconds, spent.cpu, spent.queries
    """

    def __init__(self, cr=None):
        self.cr = cr
        self.seconds = self.cpu = 0.0
        self.queries = 0

    def __enter__(self):
        self._queries = self.cr.sql_log_count if self.cr else 0
        self._cpu = time.process_time()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *_exc):
        self.seconds = time.perf_counter() - self._started
        self.cpu = time.process_time() - self._cpu
        if self.cr:
            self.queries = self.cr.sql_log_count - self._queries
        return False


# ----------------------------------------------------------------------
# A throw-away database, Odoo in this process
# ----------------------------------------------------------------------


def addons_path(args):
    return ",".join(filter(None, [args.addons_path, str(ADDONS)]))


def configure_odoo(args):
    """Odoo's configuration for this process: the database server of
    ``args``, the suite's addons, warnings only."""
    from odoo.tools import config

    config.parse_config(
        [*db_args(args), "--addons-path", addons_path(args), "--log-level=warn"]
    )


def close_registry(db):
    """Forget ``db``'s registry and close this process's connections to it
    (or dropdb cannot remove the database)."""
    import odoo
    from odoo.modules.registry import Registry

    Registry.delete(db)
    odoo.sql_db.close_db(db)


@contextlib.contextmanager
def bench_database(args, name, modules, log=None, keep=False):
    """``hs_bench_<name>_<time>`` with ``modules`` installed, Odoo configured
    on it in this process; dropped on the way out (unless ``keep``), however
    the benchmark ended. Yields the database's name."""
    check_postgres(args)
    check_odoo()
    db = f"hs_bench_{name}_{int(time.time())}"
    try:
        create_db(args, db, modules, log)
        configure_odoo(args)
        yield db
    finally:
        with contextlib.suppress(Exception):  # Odoo may not be loaded yet
            close_registry(db)
        if not keep:
            drop_db(args, db, log)


@contextlib.contextmanager
def superuser_env(db, context=None):
    """An environment of the superuser on a new cursor of ``db``; the
    caller commits (nothing is committed on the way out)."""
    import odoo
    from odoo.modules.registry import Registry

    with Registry(db).cursor() as cr:
        yield odoo.api.Environment(cr, odoo.SUPERUSER_ID, dict(context or {}))


# ----------------------------------------------------------------------
# Bulk inserts
# ----------------------------------------------------------------------

# Columns every bulk-inserted case gets unless the benchmark gives its own
# (SQL expressions over the series number ``n``): helpdesk_mgmt's NOT NULL
# columns without a database default, and those of the addons installed
# (helpdesk_mgmt_rating's rating_status). A new required column goes here.
CASE_DEFAULTS = {
    "name": "'Case ' || n",
    "description": "'<p>x</p>'",
    "number": "'B' || n",
    "active": "TRUE",
    "create_date": "now()",
    "write_date": "now()",
    "rating_status": "'stage_change'",
}


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s",
        (table,),
    )
    return {row[0] for row in cr.fetchall()}


def insert_cases(cr, count, values, params=None, join="", where=""):
    """INSERT ``count`` cases in one statement: ``values`` are {column: SQL
    expression} over the series number ``n`` (and what ``join`` brings),
    with ``%(name)s`` placeholders filled from ``params``; CASE_DEFAULTS
    fill the rest, those of addons not installed left out. Returns how many
    rows were inserted."""
    existing = _columns(cr, "helpdesk_ticket")
    columns = {
        **{k: v for k, v in CASE_DEFAULTS.items() if k in existing},
        **values,
    }
    cr.execute(
        f"INSERT INTO helpdesk_ticket ({', '.join(columns)}) "
        f"SELECT {', '.join(columns.values())} "
        f"FROM generate_series(1, %(hs_count)s) AS n {join} {where}",
        {**(params or {}), "hs_count": count},
    )
    return cr.rowcount


def insert_accounts(cr, count, values=None, params=None):
    """INSERT ``count`` customer companies named ``Account <n>`` (``values``:
    more {column: SQL expression} over ``n``). Returns how many."""
    columns = {
        "name": "'Account ' || n",
        "is_company": "TRUE",
        "active": "TRUE",
        "type": "'contact'",
        "create_date": "now()",
        "write_date": "now()",
        **(values or {}),
    }
    cr.execute(
        f"INSERT INTO res_partner ({', '.join(columns)}) "
        f"SELECT {', '.join(columns.values())} "
        "FROM generate_series(1, %(hs_count)s) AS n",
        {**(params or {}), "hs_count": count},
    )
    return cr.rowcount


# the accounts of insert_accounts, numbered from 1, to join cases to:
# ``p.id`` is the account of case ``n`` (``accounts``: their number)
ACCOUNT_OF_CASE = """
JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn FROM res_partner
      WHERE name LIKE 'Account %%') AS p ON p.rn = 1 + (n %% %(accounts)s)
"""

# ----------------------------------------------------------------------
# An Odoo server process
# ----------------------------------------------------------------------

LAUNCHER = """\
import sys
import time

if sys.argv[1:2] == ["gevent"]:
    # the prefork master's websocket process: no browser here (and gevent may
    # not start: on this machine zope.interface is missing); idle, it stands in
    # for it so that the master does not start it again every second
    while True:
        time.sleep(3600)
import odoo.cli

odoo.cli.main()
"""


def odoo_launcher(folder):
    """``python3 <launcher>``: ``odoo.cli.main()`` as ``python3 -m odoo`` and
    odoo-bin run it. A file, because the prefork master starts its websocket
    process as ``sys.executable sys.argv[0] gevent``: under ``-m`` that is
    odoo/__main__.py, which fails its relative import, and the master starts
    it again every second for the whole run."""
    launcher = Path(folder) / "odoo_launcher.py"
    if not launcher.exists():
        launcher.write_text(LAUNCHER)
    return [sys.executable, str(launcher)]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat_fields(pid):
    """Fields of /proc/<pid>/stat after the command name, or None."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_group(pgid):
    """Process ids of the live processes of group ``pgid``."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _stat_fields(entry)
            if stat and int(stat[2]) == pgid:  # the fifth field: pgrp
                pids.append(int(entry))
    return pids


def process_cpu_seconds(pid, children=False):
    """User + system CPU seconds of process ``pid`` (and of its ended
    children with ``children``); 0 when it is gone."""
    stat = _stat_fields(pid)
    if not stat:
        return 0.0
    # utime, stime, cutime, cstime: fields 14-17 of stat, 12-15 after ")"
    ticks = int(stat[11]) + int(stat[12])
    if children:
        ticks += int(stat[13]) + int(stat[14])
    return ticks / CLOCK_TICKS


class OdooServer:
    """One Odoo server process (prefork when ``workers``) on a loopback port,
    in its own process group, logging to /tmp/<log_prefix>_<db>_<port>.log."""

    def __init__(self, args, db, folder, extra=(), log_prefix="bench"):
        self.port = free_port()
        self.log_path = f"/tmp/{log_prefix}_{db}_{self.port}.log"
        self.log = open(self.log_path, "w")
        command = [
            *odoo_launcher(folder),
            "-d",
            db,
            "--db-filter",
            f"^{db}$",
            *db_args(args),
            "--addons-path",
            addons_path(args),
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(free_port()),
            *extra,
        ]
        self.process = subprocess.Popen(
            command,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its workers share its process group
        )
        self.url = f"http://127.0.0.1:{self.port}"

    def cpu_seconds(self):
        """CPU seconds (user + system) used so far by this server: its master
        and the live processes of its group (workers, cron), plus the
        workers that ended (their time is counted in the master's
        children's). Linux /proc; load-independent, unlike wall time."""
        return sum(
            process_cpu_seconds(pid, children=pid == self.process.pid)
            for pid in process_group(self.process.pid)
        )

    def wait_ready(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited early, see {self.log_path}")
            try:
                xmlrpc.client.ServerProxy(f"{self.url}/xmlrpc/2/common").version()
                return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Odoo did not answer in {timeout} s, see {self.log_path}")

    def stop(self):
        """The master and every process of its group (workers, cron,
        gevent), by the group id of the process this script started."""
        for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                break
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                self.process.poll()
                try:
                    os.killpg(self.process.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.2)
            else:
                continue
            break
        self.process.wait()
        self.log.close()
