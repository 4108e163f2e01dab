#!/usr/bin/env python3
"""Load through the real path: emails delivered over HTTP to two Odoo
servers sharing one database, plain helpdesk_mgmt against the suite.

For each setup (plain: helpdesk_mgmt alone, delivered as the administrator,
who has the rights plain needs; suite: the five addons, delivered as the
documented *Mail gateway* user, an internal user with only base.group_user
and hybrid_support_intake.group_mail_gateway; suite_admin, not run by
default: the five addons delivered as the administrator) this script creates
a throw-away database with a helpdesk team whose alias is on bench.example,
starts TWO Odoo servers on it (``odoo.cli.main()`` as ``python3 -m odoo``
runs it, from a launcher file: see ``odoo_launcher``; prefork ``--workers``,
one cron worker each, loopback ports, ``--smtp`` pointed at a local sink that
accepts every email and counts it), and delivers the emails with
odoo-mailgate.py's own call (``execute_kw(db, uid, password, 'mail.thread',
'message_process', [False, Binary(raw)], {})`` on /xmlrpc/2/object; one
single delivery in ten runs the script itself in a subprocess) from K client
threads, alternating between the two servers.

The emails (seeded, the same for every setup): first emails of known
contacts, new senders and robots (Auto-Submitted), then replies to earlier
emails; some DOUBLED (the same raw email sent at the same moment to both
servers, as an MTA that hands one email to two servers does), some
REDELIVERED once their first delivery is over (an MTA retrying after a
timeout), and BURSTS (one new sender's emails all at once, alternating
servers). Then it waits for the acknowledgements and the mail queue (draft
replies are reported, not waited for) and reports, for each setup: emails
per second (deliveries over the wall time of the feed), p50/p95 latency per
delivery, cases, contacts created, acknowledgements (auto_comment messages
on cases, and those the sink received), quarantined, bounces, lost (a
Message-ID in no case message and not in the quarantine), duplicates (cases
sharing a Message-ID, contacts sharing a normalised address, more than one
acknowledgement per case), RPC errors and concurrency retries logged by the
servers. The setups take turns, ``--rounds`` each (default 2) in ABBA order
(plain, suite, suite, plain), each round with emails of its own (the same
draws, new Message-IDs and senders, known contacts of its own so that no
sender's hourly acknowledgement limit is used up by an earlier round), so
that the machine's load and its drift weigh on both; the ratios are printed
per round and over all rounds, with the load average before each run.
Last, the suite on ONE server with 1, 2, 3 workers, to show how it
scales on this machine. Exits 1 when a suite setup lost or duplicated
anything (the targets: none at K=8).

The addons measured are those of the commit checked out (``git archive
HEAD``), not uncommitted edits of the working tree (``--worktree`` for those).
Run it under the Odoo lock (one Odoo at a time on this machine):

    flock /tmp/odoo-tests.lock python3 tests/benchmarks/bench_load.py --smoke
    flock /tmp/odoo-tests.lock python3 tests/benchmarks/bench_load.py \\
        [--emails 300] [--clients 8] [--workers 2] [--doubles 40] [--bursts 5]
        [--setups plain,suite,suite_admin] [--rounds 2] [--scale-workers 1,2,3]
        [--keep-db]

Server logs: /tmp/bench_load_<db>_<port>.log (kept).
"""

import argparse
import email.parser
import email.policy
import json
import random
import re
import shutil
import signal
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xmlrpc.client
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from common import (
    ALIAS_DOMAIN,
    BODIES,
    ROOT,
    SUBJECTS,
    SUITE,
    OdooServer,
    add_db_options,
    check_odoo,
    check_postgres,
    close_registry,
    configure_odoo,
    create_db,
    drop_db,
    percentile,
    process_cpu_seconds,
    superuser_env,
)
from common import GATEWAY_ALIAS as ALIAS

MAILGATE = "/opt/odoo19/addons/mail/static/scripts/odoo-mailgate.py"
GATEWAY_LOGIN, GATEWAY_PASSWORD = "bench_mail_gateway", "bench-gateway-Pw-13"
ADMIN_PASSWORD = "bench-admin-Pw-13"
COMPANIES, EXISTING = 20, 60  # customer companies, contacts known beforehand
# suite_admin (not run by default): the suite delivered as the administrator,
# as plain is, to tell what depends on the delivering user's rights
SETUPS = {"plain": ["helpdesk_mgmt"], "suite": SUITE, "suite_admin": SUITE}
SCRIPT_SHARE = 10  # one single delivery in ten through odoo-mailgate.py itself

RETRY_LINE = re.compile(r"tries left|maximum number of tries")
JOB_FAILED = re.compile(r"ir_cron: Job '([^']+)' \(\d+\) failed")


# ----------------------------------------------------------------------
# The emails
# ----------------------------------------------------------------------


@dataclass
class Mail:
    msgid: str
    raw: bytes
    sender: str  # normalised address
    kind: str  # first, robot, reply, burst


@dataclass
class MailSet:
    tag: str
    phases: list  # lists of tasks: ("single"|"double", Mail) or ("burst", [Mail])
    mails: list = field(default_factory=list)

    @property
    def deliveries(self):
        return sum(
            len(m) if kind == "burst" else 2 if kind == "double" else 1
            for phase in self.phases
            for kind, m in phase
        )

    def expected(self, ack_limit, acked_before):
        """Cases, contacts and acknowledgements the suite should make: one
        case per first email (robots too), one contact per new human sender,
        one acknowledgement per human case up to the hourly limit per sender
        (``acked_before``: the sender's acknowledgements of the last hour)."""
        firsts = [m for m in self.mails if m.kind != "reply"]
        humans = Counter(m.sender for m in firsts if m.kind != "robot")
        new = {
            m.sender
            for m in firsts
            if m.kind != "robot" and not m.sender.startswith("customer")
        }
        acks = sum(
            min(n, max(ack_limit - acked_before.get(sender, 0), 0)) if ack_limit else n
            for sender, n in humans.items()
        )
        return len(firsts), len(new), acks


def build_email(msgid, sender_name, sender, subject, body, n, extra=()):
    msg = EmailMessage()
    msg["From"] = f"{sender_name} <{sender}>"
    msg["To"] = f"{ALIAS}@{ALIAS_DOMAIN}"
    msg["Date"] = format_datetime(datetime(2026, 11, 2, 9, n % 60, tzinfo=UTC))
    msg["Message-ID"] = msgid
    msg["Subject"] = subject
    for key, value in extra:
        msg[key] = value
    msg.set_content(body)
    if n % 3 == 0:
        msg.add_alternative(f"<p>{body.replace(chr(10), '<br>')}</p>", subtype="html")
        msg.set_boundary(f"=_bench_{n}_=")  # the same bytes on every run
    return bytes(msg)


def make_mail_set(
    emails,
    doubles,
    bursts,
    burst_size,
    seed,
    tag,
    existing=True,
    redeliveries=0,
    customers=0,
):
    """Deterministic for a seed; ``tag`` makes Message-IDs and new senders
    unique when one database takes several runs; without ``existing``, no
    email from the contacts known beforehand; ``redeliveries``: first emails
    delivered again once their first delivery is over (an MTA that retries
    after a timeout, a message left unread in a mailbox); ``customers``: the
    first of the EXISTING known contacts this set writes from (each round its
    own, so that no round finds its senders' hourly acknowledgement limit
    used up by an earlier one and does less work)."""
    rng = random.Random(seed)
    replies = round(emails * 0.15)
    firsts, new_senders = [], []

    def mail(kind, sender, name, subject, body, extra=()):
        n = len(all_mails)
        msgid = f"<bench-{tag}-{n}@load.example>"
        raw = build_email(msgid, name, sender, subject, body, n, extra)
        created = Mail(msgid, raw, sender, kind)
        all_mails.append(created)
        return created

    all_mails = []
    for n in range(emails - replies):
        draw = rng.random()
        subject = rng.choice(SUBJECTS).format(n=n)
        if draw < 0.05:  # a robot: a case, never an answer
            sender = f"alerts-{tag}-{n}@monitor.example"
            created = mail(
                "robot",
                sender,
                "Monitoring",
                f"[ALERT] {subject}",
                "Automated alert.",
                [("Auto-Submitted", "auto-generated")],
            )
        else:
            if draw < 0.50 and existing:
                index = customers + rng.randrange(EXISTING)
                sender = f"customer{index}@company{index % COMPANIES}.example"
                name = f"Customer {index}"
            elif new_senders and draw < 0.62:  # a new sender writing again
                sender = rng.choice(new_senders)
                name = sender.split("@")[0].title()
            else:
                domain = (
                    f"company{rng.randrange(COMPANIES)}.example"
                    if rng.random() < 0.5
                    else f"mail{rng.randrange(50)}.example"
                )
                sender = f"new-{tag}-{len(new_senders)}@{domain}"
                new_senders.append(sender)
                name = sender.split("@")[0].title()
            body = rng.choice(BODIES).format(n=n, name=name)
            created = mail("first", sender, name, subject, body)
        firsts.append(created)
    humans = [m for m in firsts if m.kind == "first"]
    reply_mails = []
    for _n in range(replies):
        parent = rng.choice(humans)
        name = parent.sender.split("@")[0].title()
        subject = "Re: " + email.message_from_bytes(parent.raw)["Subject"]
        reply_mails.append(
            mail(
                "reply",
                parent.sender,
                name,
                subject,
                "Any news? This is still a problem for us.",
                [("In-Reply-To", parent.msgid), ("References", parent.msgid)],
            )
        )
    doubled = {m.msgid for m in rng.sample(firsts + reply_mails, doubles)}
    burst_tasks = []
    for b in range(bursts):
        sender = f"burst-{tag}-{b}@company{b % COMPANIES}.example"
        burst_tasks.append(
            (
                "burst",
                [
                    mail(
                        "burst",
                        sender,
                        f"Burst {b}",
                        f"{SUBJECTS[i % len(SUBJECTS)].format(n=i)} ({i + 1}/{burst_size})",
                        BODIES[i % len(BODIES)].format(n=i, name=f"Burst {b}"),
                    )
                    for i in range(burst_size)
                ],
            )
        )

    def task(m):
        return ("double" if m.msgid in doubled else "single", m)

    phase_a = [task(m) for m in firsts]
    for burst in burst_tasks:
        phase_a.insert(rng.randrange(len(phase_a) + 1), burst)
    # replies come once their cases exist (a second phase): a reply racing
    # its own first email is a different test; so do the redeliveries
    phase_b = [task(m) for m in reply_mails] + [
        ("single", m) for m in rng.sample(humans, min(redeliveries, len(humans)))
    ]
    rng.shuffle(phase_b)
    return MailSet(tag, [phase_a, phase_b], all_mails)


# ----------------------------------------------------------------------
# An SMTP sink on loopback: accepts everything, remembers headers
# ----------------------------------------------------------------------


class SmtpSink:
    def __init__(self):
        self.received = []  # (Message-ID, X-Odoo-Objects, recipients, References)
        self.lock = threading.Lock()
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")

            def handle(self):
                self.reply("220 bench-sink ESMTP")
                recipients = []
                while line := self.rfile.readline():
                    command = line.strip().upper()
                    if command.startswith(b"EHLO"):
                        self.reply(
                            "250-bench-sink\r\n250-8BITMIME\r\n250 SIZE 104857600"
                        )
                    elif command.startswith(b"RCPT"):
                        recipients.append(line.split(b":", 1)[1].strip().decode())
                        self.reply("250 OK")
                    elif command == b"DATA":
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        sink.store(self.read_data(), recipients)
                        recipients = []
                        self.reply("250 OK queued")
                    elif command == b"QUIT":
                        self.reply("221 Bye")
                        return
                    elif command.startswith(b"RSET"):
                        recipients = []
                        self.reply("250 OK")
                    else:  # HELO, MAIL FROM, NOOP...
                        self.reply("250 OK")

            def read_data(self):
                lines = []
                while (line := self.rfile.readline()) and line not in (
                    b".\r\n",
                    b".\n",
                ):
                    lines.append(line[1:] if line.startswith(b"..") else line)
                return b"".join(lines)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def store(self, data, recipients):
        headers = email.parser.BytesHeaderParser(
            policy=email.policy.compat32
        ).parsebytes(data)
        with self.lock:
            self.received.append(
                (
                    (headers["Message-ID"] or "").strip(),
                    (headers["X-Odoo-Objects"] or "").strip(),
                    tuple(recipients),
                    (headers["References"] or "").strip(),
                )
            )

    def close(self):
        self.server.shutdown()
        self.server.server_close()


# ----------------------------------------------------------------------
# Databases and servers
# ----------------------------------------------------------------------


def prepare_db(db, suite, as_admin=False, rounds=1):
    """Team with an alias on bench.example, three agents, 20 customer
    companies and 60 known contacts per round; the delivering user. Returns
    its id and password."""
    from odoo import Command

    try:
        with superuser_env(db, {"no_reset_password": True}) as env:
            cr = env.cr
            domain = env["mail.alias.domain"].create({"name": ALIAS_DOMAIN})
            env.company.alias_domain_id = domain
            env.company.email = f"support@{ALIAS_DOMAIN}"
            agents = env["res.users"].create(
                [
                    {
                        "name": f"Agent {i}",
                        "login": f"bench_agent{i}",
                        "email": f"agent{i}@ours.example",
                        "password": f"bench-agent-Pw-{i}",
                        "group_ids": [
                            Command.set(
                                [env.ref("helpdesk_mgmt.group_helpdesk_user").id]
                            )
                        ],
                    }
                    for i in range(3)
                ]
            )
            team_values = {
                "name": "Bench",
                "alias_name": ALIAS,
                "alias_domain_id": domain.id,
                "user_ids": [Command.set(agents.ids)],
            }
            companies = env["res.partner"].create(
                [
                    {
                        "name": f"Company {j}",
                        "is_company": True,
                        "email": f"info@company{j}.example",
                        "website": f"https://company{j}.example",
                    }
                    for j in range(COMPANIES)
                ]
            )
            env["res.partner"].create(
                [
                    {
                        "name": f"Customer {i}",
                        "email": f"customer{i}@company{i % COMPANIES}.example",
                        "parent_id": companies[i % COMPANIES].id,
                    }
                    for i in range(EXISTING * rounds)
                ]
            )
            admin = env.ref("base.user_admin")
            admin.password = ADMIN_PASSWORD
            if suite:
                team_values["hs_assign_method"] = "round_robin"
                # the hourly limit for the whole company (default 300) would
                # stop acknowledgements within this run; the per-sender one
                # (default 5) stays and is counted in the expected figure
                env.company.hs_ack_global_rate_limit = 0
                # the README's recipe: an internal user with the Mail gateway
                # group, nothing else
                user = env["res.users"].create(
                    {
                        "name": "Mail gateway",
                        "login": GATEWAY_LOGIN,
                        "password": GATEWAY_PASSWORD,
                        "group_ids": [
                            Command.set(
                                [
                                    env.ref("base.group_user").id,
                                    env.ref(
                                        "hybrid_support_intake.group_mail_gateway"
                                    ).id,
                                ]
                            )
                        ],
                    }
                )
                credentials = (user.id, GATEWAY_PASSWORD)
                if as_admin:
                    credentials = (admin.id, ADMIN_PASSWORD)
            else:
                credentials = (admin.id, ADMIN_PASSWORD)
            env["helpdesk.ticket.team"].create(team_values)
            cr.commit()
    finally:
        close_registry(db)
    return credentials


class Server(OdooServer):
    """One Odoo server process: prefork ``workers``, one cron worker, mail
    to the SMTP sink."""

    def __init__(self, args, db, workers, smtp_port):
        super().__init__(
            args,
            db,
            args.tmp,
            extra=[
                f"--workers={workers}",
                "--max-cron-threads=1",
                "--limit-time-real=600",
                "--limit-time-cpu=300",
                "--smtp=127.0.0.1",
                f"--smtp-port={smtp_port}",
                "--log-level=info",
            ],
            log_prefix="bench_load",
        )

    def log_counts(self):
        counts = Counter()
        with open(self.log_path, errors="replace") as handle:
            for line in handle:
                if RETRY_LINE.search(line):
                    counts["retries"] += 1
                if "maximum number of tries" in line:
                    counts["gave up"] += 1
                if " ERROR " in line or " CRITICAL " in line:
                    # odoo.sql_db logs each statement that failed, retried or not
                    counts["bad query" if "bad query" in line else "errors"] += 1
                if "Traceback" in line:
                    counts["tracebacks"] += 1
                if failed := JOB_FAILED.search(line):
                    counts[f"job failed: {failed[1]}"] += 1
                if "quarantined" in line:
                    counts["quarantine lines"] += 1
        return counts


# ----------------------------------------------------------------------
# Delivery
# ----------------------------------------------------------------------


class TimeoutTransport(xmlrpc.client.Transport):
    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = 900
        return connection


@dataclass
class Delivery:
    msgid: str
    server: int
    seconds: float
    ok: bool
    detail: str


class Feeder:
    def __init__(self, db, credentials, servers):
        self.db, (self.uid, self.password) = db, credentials
        self.servers = servers
        self.results = []
        self.lock = threading.Lock()

    def deliver(self, mail, server, script=False):
        url = self.servers[server].url
        started = time.perf_counter()
        try:
            if script:
                done = subprocess.run(
                    [
                        sys.executable,
                        MAILGATE,
                        "--host=127.0.0.1",
                        f"--port={url.rsplit(':', 1)[1]}",
                        "-d",
                        self.db,
                        "-u",
                        str(self.uid),
                        "-p",
                        self.password,
                    ],
                    input=mail.raw,
                    capture_output=True,
                    timeout=900,
                    check=False,
                )
                ok, detail = done.returncode == 0, f"exit {done.returncode}"
            else:
                proxy = xmlrpc.client.ServerProxy(
                    f"{url}/xmlrpc/2/object",
                    allow_none=True,
                    transport=TimeoutTransport(),
                )
                # odoo-mailgate.py line 87
                result = proxy.execute_kw(
                    self.db,
                    self.uid,
                    self.password,
                    "mail.thread",
                    "message_process",
                    [False, xmlrpc.client.Binary(mail.raw)],
                    {},
                )
                ok, detail = True, repr(result)
        except xmlrpc.client.Fault as fault:
            lines = [x for x in fault.faultString.splitlines() if x.strip()]
            ok, detail = False, (lines[-1] if lines else str(fault))[:300]
        except Exception as error:
            ok, detail = False, repr(error)[:300]
        with self.lock:
            self.results.append(
                Delivery(mail.msgid, server, time.perf_counter() - started, ok, detail)
            )

    def at_once(self, pairs):
        """Deliveries started together (a barrier): doubles and bursts."""
        barrier = threading.Barrier(len(pairs))

        def run(mail, server):
            barrier.wait()
            self.deliver(mail, server)

        threads = [
            threading.Thread(target=run, args=pair, daemon=True) for pair in pairs
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def run_task(self, index, task):
        kind, payload = task
        count = len(self.servers)
        if kind == "single":
            script = index % SCRIPT_SHARE == SCRIPT_SHARE // 2
            self.deliver(payload, index % count, script=script)
        elif kind == "double":
            self.at_once([(payload, 0), (payload, 1 % count)])
        else:
            self.at_once([(m, (index + i) % count) for i, m in enumerate(payload)])

    def run_phase(self, tasks, clients, start_index=0):
        queue = list(enumerate(tasks, start_index))
        queue.reverse()
        lock = threading.Lock()

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    index, task = queue.pop()
                self.run_task(index, task)

        threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return start_index + len(tasks)


# ----------------------------------------------------------------------
# Counting, in the database
# ----------------------------------------------------------------------


def connect(args, db):
    import psycopg2

    conn = psycopg2.connect(
        host=args.db_host, port=args.db_port, user=args.db_user, dbname=db
    )
    conn.autocommit = True
    return conn


def scalar(conn, query, params=()):
    with conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchone()[0]


def rows(conn, query, params=()):
    with conn.cursor() as cr:
        cr.execute(query, params)
        return cr.fetchall()


def has_column(conn, table, column):
    return bool(
        scalar(
            conn,
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = %s",
            (table, column),
        )
    )


def has_table(conn, table):
    return bool(
        scalar(conn, "SELECT count(*) FROM pg_class WHERE relname = %s", (table,))
    )


def baseline(conn):
    quarantine = (
        scalar(conn, "SELECT coalesce(max(id), 0) FROM hybrid_support_mail_quarantine")
        if has_table(conn, "hybrid_support_mail_quarantine")
        else None
    )
    acked = {}
    if has_column(conn, "helpdesk_ticket", "hs_ack_sent"):
        # earlier runs on this database count in a sender's hourly limit
        acked = dict(
            rows(
                conn,
                "SELECT p.email_normalized, count(*) FROM helpdesk_ticket t "
                "JOIN res_partner p ON p.id = t.partner_id WHERE t.hs_ack_sent "
                "AND t.create_date >= (now() at time zone 'UTC') - interval '1 hour' "
                "GROUP BY p.email_normalized",
            )
        )
    return {
        "mail": scalar(conn, "SELECT coalesce(max(id), 0) FROM mail_mail"),
        "acked": acked,
        "ticket": scalar(conn, "SELECT coalesce(max(id), 0) FROM helpdesk_ticket"),
        "partner": scalar(conn, "SELECT coalesce(max(id), 0) FROM res_partner"),
        "quarantine": quarantine,
    }


def pending_jobs(conn):
    pending = {
        "mail queue": scalar(
            conn,
            "SELECT count(*) FROM mail_mail WHERE state = 'outgoing' AND "
            "(scheduled_date IS NULL OR scheduled_date <= now() at time zone 'UTC')",
        )
    }
    for column, label in (
        ("hs_ack_pending", "acknowledgements"),
        ("hs_draft_pending", "draft replies"),
    ):
        if has_column(conn, "helpdesk_ticket", column):
            pending[label] = scalar(
                conn, f"SELECT count(*) FROM helpdesk_ticket WHERE {column}"
            )
    if has_table(conn, "hybrid_support_mail_quarantine"):
        # emails kept aside while another worker delivered the same email or
        # sender, waiting for the job that processes them again
        pending["busy emails"] = scalar(
            conn,
            "SELECT count(*) FROM hybrid_support_mail_quarantine "
            "WHERE reason = 'busy' AND state = 'new'",
        )
    return pending


def wait_for_jobs(conn, timeout):
    """Until no acknowledgement and no outgoing email is pending, twice in
    a row (cron workers wake at least once a minute); draft replies are
    reported, not waited for (their job's safety net is hourly)."""
    started, calm = time.monotonic(), 0
    while time.monotonic() - started < timeout:
        pending = pending_jobs(conn)
        waited = {k: v for k, v in pending.items() if k != "draft replies"}
        calm = calm + 1 if not any(waited.values()) else 0
        if calm >= 2:
            return time.monotonic() - started, {}
        time.sleep(2)
    return time.monotonic() - started, {k: v for k, v in pending.items() if v}


def count_results(conn, base, mailset, sink, ack_limit):
    ids = [m.msgid for m in mailset.mails]
    on_cases = defaultdict(list)
    for msgid, res_id in rows(
        conn,
        "SELECT message_id, res_id FROM mail_message "
        "WHERE model = 'helpdesk.ticket' AND message_id = ANY(%s)",
        (ids,),
    ):
        on_cases[msgid].append(res_id)
    quarantined, quarantine_rows = {}, []
    if base["quarantine"] is not None:
        quarantine_rows = rows(
            conn,
            "SELECT message_id, error, reason, state "
            "FROM hybrid_support_mail_quarantine WHERE id > %s",
            (base["quarantine"],),
        )
        # an email kept aside and processed again since is in a case too
        quarantined = {msgid: error for msgid, error, _r, _s in quarantine_rows}
    lost = [i for i in ids if not on_cases.get(i) and i not in quarantined]
    acks = rows(
        conn,
        "SELECT res_id, message_id FROM mail_message WHERE model = 'helpdesk.ticket' "
        "AND message_type = 'auto_comment' AND res_id > %s",
        (base["ticket"],),
    )
    ack_ids = {msgid for _res, msgid in acks}
    sink_acks = Counter(
        (msgid, rcpts)
        for msgid, _objects, rcpts, _refs in sink.received
        if msgid in ack_ids
    )
    # Odoo's bounce emails ("your email could not be delivered"), sent to the
    # sender of one of our emails and tied to no case
    ours = set(ids)
    bounces = sum(
        1
        for _msgid, objects, _rcpts, refs in sink.received
        if not objects.startswith("helpdesk.ticket") and ours & set(refs.split())
    )
    cases_objects = {
        f"helpdesk.ticket-{res}"
        for (res,) in rows(
            conn, "SELECT id FROM helpdesk_ticket WHERE id > %s", (base["ticket"],)
        )
    }
    cases, contacts, expected_acks = mailset.expected(ack_limit, base["acked"])
    # the later cases of one Message-ID: their acknowledgements are a second
    # one for the same email
    extra_cases = {
        res for r in on_cases.values() for res in sorted(set(r))[1:] if len(set(r)) > 1
    }
    return {
        "cases": scalar(
            conn,
            "SELECT count(*) FROM helpdesk_ticket WHERE id > %s",
            (base["ticket"],),
        ),
        "cases expected": cases,
        "contacts": scalar(
            conn, "SELECT count(*) FROM res_partner WHERE id > %s", (base["partner"],)
        ),
        "contacts expected": contacts,
        "acks": len(acks),
        "acks expected": expected_acks,
        "ack mails": sum(sink_acks.values()),
        "mails out": sum(
            1 for _m, objects, _r, _refs in sink.received if objects in cases_objects
        ),
        "bounces": bounces,
        # still to be looked at by a person (state new)
        "quarantined": sum(1 for *_rest, state in quarantine_rows if state == "new")
        if base["quarantine"] is not None
        else None,
        "quarantine reasons": Counter(
            f"{reason}/{state}: {(error or '').splitlines()[0][:100]}"
            for _m, error, reason, state in quarantine_rows
        ),
        "lost": lost,
        "dup messages": sum(len(r) - 1 for r in on_cases.values() if len(r) > 1),
        "dup cases": sum(len(set(r)) - 1 for r in on_cases.values() if len(set(r)) > 1),
        "dup contacts": scalar(
            conn,
            """SELECT coalesce(sum(n - 1), 0)::int FROM (
                   SELECT count(*) AS n FROM res_partner
                   WHERE email_normalized IN (
                       SELECT email_normalized FROM res_partner
                       WHERE id > %s AND email_normalized IS NOT NULL)
                   GROUP BY email_normalized HAVING count(*) > 1) AS d""",
            (base["partner"],),
        ),
        "acks on dup cases": sum(1 for res, _m in acks if res in extra_cases),
        "dup acks": sum(n - 1 for n in Counter(r for r, _m in acks).values() if n > 1)
        + sum(n - 1 for n in sink_acks.values() if n > 1),
        "mail exceptions": dict(
            rows(
                conn,
                "SELECT left(coalesce(failure_reason, '?'), 100), count(*) "
                "FROM mail_mail WHERE state = 'exception' AND id > %s GROUP BY 1",
                (base["mail"],),
            )
        ),
        "drafts pending": pending_jobs(conn).get("draft replies"),
    }


# ----------------------------------------------------------------------
# One run: servers up, warm-up, feed, jobs, counts, servers down
# ----------------------------------------------------------------------


def warm_up(feeder, workers, tag):
    """Each worker's first emails load what a long-running worker keeps
    (lexicons, ORM caches); not counted. New senders only, so that no known
    contact's hourly acknowledgement limit is used up."""
    warm = make_mail_set(
        3 * workers * len(feeder.servers), 0, 0, 0, 7, f"warm{tag}", existing=False
    )
    tasks = [t for phase in warm.phases for t in phase]
    feeder.run_phase(tasks, clients=2 * workers * len(feeder.servers))
    feeder.results = []


def cpu_seconds(conn, db, servers):
    """(CPU seconds of the servers' processes, of the PostgreSQL backends
    connected to ``db`` but this script's); the backends live as long as
    Odoo's connection pool keeps them."""
    backends = rows(
        conn,
        "SELECT pid FROM pg_stat_activity WHERE datname = %s "
        "AND pid <> pg_backend_pid()",
        (db,),
    )
    return (
        sum(server.cpu_seconds() for server in servers),
        sum(process_cpu_seconds(pid) for (pid,) in backends),
    )


def run_setup(args, label, db, credentials, mailset, servers_count, workers, sink):
    servers = []
    with sink.lock:
        sink.received = []  # the previous run's servers are stopped
    conn = connect(args, db)
    try:
        for _ in range(servers_count):
            servers.append(Server(args, db, workers, sink.port))
        for server in servers:
            server.wait_ready()
        feeder = Feeder(db, credentials, servers)
        warm_up(feeder, workers, mailset.tag)
        # the warm-up's cases are acknowledged by the next cron pass, not
        # counted: only the cases made from here on are
        base = baseline(conn)
        cpu_before = cpu_seconds(conn, db, servers)
        started = time.perf_counter()
        index = 0
        for phase in mailset.phases:
            index = feeder.run_phase(phase, args.clients, index)
        wall = time.perf_counter() - started
        jobs_seconds, still_pending = wait_for_jobs(conn, args.jobs_timeout)
        cpu_after = cpu_seconds(conn, db, servers)
        ack_limit = (
            scalar(
                conn, "SELECT hs_ack_rate_limit FROM res_company ORDER BY id LIMIT 1"
            )
            if has_column(conn, "res_company", "hs_ack_rate_limit")
            else 0
        )
        counts = count_results(conn, base, mailset, sink, ack_limit)
    finally:
        conn.close()
        for server in servers:
            server.stop()
    logs = Counter()
    for server in servers:
        logs.update(server.log_counts())
    latencies = sorted(d.seconds for d in feeder.results)
    failures = [d for d in feeder.results if not d.ok]
    return {
        "label": label,
        "servers": servers_count,
        "workers": workers,
        "deliveries": len(feeder.results),
        "rate": len(feeder.results) / wall,
        "wall": wall,
        # CPU of the servers and of their database connections, from the
        # feed's start until the jobs are done, per delivery: what the
        # machine's load does not change (unlike emails/s)
        "odoo cpu ms": (cpu_after[0] - cpu_before[0]) * 1000 / len(feeder.results),
        "db cpu ms": (cpu_after[1] - cpu_before[1]) * 1000 / len(feeder.results),
        "p50": statistics.median(latencies) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "rpc errors": len(failures),
        "failure details": Counter(d.detail for d in failures),
        "jobs seconds": jobs_seconds,
        "still pending": still_pending,
        "logs": logs,
        "log files": [s.log_path for s in servers],
        "suite": label.startswith("suite"),
        **counts,
    }


# ----------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------


def name(r):
    """A row's name: its setup, and its round when the setups took turns."""
    return f"{r['label']} r{r['round']}" if r.get("round") else r["label"]


def cpu_ms(r):
    return r["odoo cpu ms"] + r["db cpu ms"]


def overall(rows_):
    """One setup's rounds together: deliveries over the summed wall time
    of the feeds, CPU per delivery weighted by deliveries."""
    deliveries = sum(r["deliveries"] for r in rows_)
    return (
        deliveries / sum(r["wall"] for r in rows_),
        sum(cpu_ms(r) * r["deliveries"] for r in rows_) / deliveries,
    )


def print_ratios(results):
    """Each suite setup against plain: round by round (the two ran one
    right after the other, so that the machine's load weighs on both), then
    all rounds together."""
    plain = {r.get("round"): r for r in results if r["label"] == "plain"}
    if not plain:
        return
    for label in ("suite", "suite_admin"):
        rows_ = [r for r in results if r["label"] == label]
        if not rows_:
            continue
        for r in rows_:
            base = plain.get(r.get("round"))
            if base and len(rows_) > 1:
                print(
                    f"round {r['round']}: {label} / plain throughput "
                    f"x{r['rate'] / base['rate']:.2f} ({r['rate']:.1f} / "
                    f"{base['rate']:.1f} deliveries/s), CPU per delivery "
                    f"x{cpu_ms(r) / cpu_ms(base):.2f} ({cpu_ms(r):.0f} / "
                    f"{cpu_ms(base):.0f} ms)"
                )
        rate, cost = overall(rows_)
        base_rate, base_cost = overall(list(plain.values()))
        print(
            f"{label} / plain throughput: x{rate / base_rate:.2f} ({rate:.1f} / "
            f"{base_rate:.1f} deliveries/s over {len(rows_)} round(s))"
        )
        print(
            f"{label} / plain CPU per delivery (servers and their database "
            f"connections, feed and jobs): x{cost / base_cost:.2f} ({cost:.0f} / "
            f"{base_cost:.0f} ms); plain / {label}: x{base_cost / cost:.2f}, the "
            "throughput ratio of a machine that does nothing else"
        )


def fmt_expected(value, expected, show):
    return f"{value} ({expected})" if show else str(value)


def print_table(results):
    header = (
        f"{'setup':22} {'deliv.':>6} {'emails/s':>8} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'cases (exp)':>12} {'contacts (exp)':>14} {'acks (exp)':>11} "
        f"{'ack mails':>9} {'quar.':>5} {'bounces':>7} {'lost':>4} {'dup cases':>9} "
        f"{'dup contacts':>12} {'dup acks':>8} {'rpc err':>7} {'retries':>7} "
        f"{'jobs s':>6} {'cpu ms/deliv. (odoo+db)':>23}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        suite = r["suite"]
        quarantined = "-" if r["quarantined"] is None else str(r["quarantined"])
        print(
            f"{name(r):22} {r['deliveries']:6d} {r['rate']:8.1f} {r['p50']:7.0f} "
            f"{r['p95']:7.0f} "
            f"{fmt_expected(r['cases'], r['cases expected'], True):>12} "
            f"{fmt_expected(r['contacts'], r['contacts expected'], suite):>14} "
            f"{fmt_expected(r['acks'], r['acks expected'], suite):>11} "
            f"{r['ack mails']:9d} {quarantined:>5} {r['bounces']:7d} {len(r['lost']):4d} "
            f"{r['dup cases']:9d} {r['dup contacts']:12d} {r['dup acks']:8d} "
            f"{r['rpc errors']:7d} {r['logs']['retries']:7d} {r['jobs seconds']:6.0f} "
            f"{r['odoo cpu ms'] + r['db cpu ms']:8.0f} ({r['odoo cpu ms']:.0f}+"
            f"{r['db cpu ms']:.0f})"
        )


def print_details(results):
    for r in results:
        notes = []
        if r["lost"]:
            notes.append(f"lost Message-IDs (first 10): {r['lost'][:10]}")
        if r["failure details"]:
            notes.append(f"RPC errors: {dict(r['failure details'])}")
        if r["quarantine reasons"]:
            notes.append(
                f"quarantine rows (reason/state: error): {dict(r['quarantine reasons'])}"
            )
        if r["still pending"]:
            notes.append(f"jobs still pending at the timeout: {r['still pending']}")
        if r["drafts pending"]:
            notes.append(
                f"cases still waiting for a draft reply: {r['drafts pending']}"
            )
        if r["mail exceptions"]:
            notes.append(f"outgoing mails in exception: {r['mail exceptions']}")
        if r["acks on dup cases"]:
            notes.append(
                "acknowledgements of duplicate cases (a second one for the same "
                f"email): {r['acks on dup cases']}"
            )
        if r["dup messages"] != r["dup cases"]:
            notes.append(
                f"the same email posted twice on one case: "
                f"{r['dup messages'] - r['dup cases']}"
            )
        logs = {k: v for k, v in r["logs"].items() if v}
        notes.append(
            f"server logs: {logs or 'clean'}; other mails to the sink for "
            f"these cases: {r['mails out'] - r['ack mails']}; "
            f"files: {' '.join(r['log files'])}"
        )
        for note in notes:
            print(f"  {name(r)}: {note}")


def print_report(args, results, scaling, mailset, started):
    print()
    print(
        f"{mailset.deliveries} deliveries per setup and round: {len(mailset.mails)} distinct "
        f"emails ({sum(m.kind == 'reply' for m in mailset.mails)} replies, "
        f"{sum(m.kind == 'robot' for m in mailset.mails)} robots), "
        f"{args.rounds} round(s) per setup, the setups taking turns; "
        f"{args.doubles} doubled to both servers at once, {args.redeliveries} "
        f"delivered again after their first delivery, {args.bursts} bursts of "
        f"{args.burst_size} from new senders; K={args.clients} clients, "
        f"{args.workers} workers x 2 servers, 1 in {SCRIPT_SHARE} single deliveries "
        f"through odoo-mailgate.py; addons of {args.commit}"
    )
    print_table(results)
    print_details(results)
    print_ratios(results)
    if scaling:
        print()
        print(
            f"suite on ONE server, K={args.clients} clients, {args.scale_emails} emails:"
        )
        print_table(scaling)
        print_details(scaling)
        first = scaling[0]["rate"]
        print(
            "throughput relative to 1 worker: "
            + ", ".join(
                f"{r['workers']} workers x{r['rate'] / first:.2f}" for r in scaling
            )
        )
    print(
        f"total time {time.monotonic() - started:.0f} s; load average at the end "
        f"{load_average()}"
    )


# ----------------------------------------------------------------------


def snapshot_addons(args):
    """The committed addons (git archive HEAD), ahead of the working tree's
    in the addons path, so that the figures belong to a commit."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if args.worktree:
        return None, f"the working tree (HEAD {commit} + uncommitted changes)"
    folder = args.tmp
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "HEAD", "addons"],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return f"{folder}/addons", f"commit {commit}"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--emails", type=int, default=300, help="distinct emails")
    parser.add_argument("--clients", type=int, default=8, help="K client threads")
    parser.add_argument("--workers", type=int, default=2, help="per server")
    parser.add_argument("--doubles", type=int, default=40)
    parser.add_argument(
        "--redeliveries",
        type=int,
        default=10,
        help="emails delivered again after their first delivery is over",
    )
    parser.add_argument("--bursts", type=int, default=5)
    parser.add_argument("--burst-size", type=int, default=6)
    parser.add_argument("--setups", default="plain,suite")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="rounds of each setup, taking turns in ABBA order (plain, suite, "
        "suite, plain...) so that the machine's load and its drift weigh on both",
    )
    parser.add_argument(
        "--scale-workers",
        default="1,2,3",
        help="workers of the one-server scaling runs of the suite ('' for none)",
    )
    parser.add_argument("--scale-emails", type=int, default=150)
    parser.add_argument(
        "--jobs-timeout",
        type=int,
        default=180,
        help="seconds to wait after the feed for acknowledgements and the mail queue",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--worktree",
        action="store_true",
        help="measure the working tree's addons instead of HEAD's",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="tiny sizes (both setups, two servers of one worker, no scaling runs)",
    )
    args = parser.parse_args()
    if args.smoke:
        args.emails, args.clients, args.workers = 12, 4, 1
        args.doubles, args.bursts, args.burst_size = 2, 1, 3
        args.redeliveries = 1
        args.scale_workers, args.jobs_timeout = "", 90
    return args


def load_average():
    with open("/proc/loadavg") as handle:
        return " ".join(handle.read().split()[:3])


def stop_on_signal(signum, _frame):
    """SIGTERM or SIGHUP: leave through the ``finally`` blocks, which stop
    the servers (their own process groups, out of reach of a signal to ours)
    and drop the databases."""
    raise SystemExit(128 + signum)


def main():
    started = time.monotonic()
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    args = parse_args()
    check_postgres(args)
    check_odoo()
    args.tmp = tempfile.mkdtemp(prefix="bench_load_")
    snapshot, args.commit = snapshot_addons(args)
    args.addons_path = ",".join(filter(None, [snapshot, args.addons_path]))
    configure_odoo(args)
    labels = [label for label in args.setups.split(",") if label]
    stamp = int(time.time())
    dbs = {label: f"hs_bench_load_{label}_{stamp}" for label in labels}
    # the same emails every round (new Message-IDs, new senders and known
    # contacts of their own), so that each round does the same work
    mailsets = [
        make_mail_set(
            args.emails,
            args.doubles,
            args.bursts,
            args.burst_size,
            args.seed,
            "main" if round_ == 1 else f"main{round_}",
            redeliveries=args.redeliveries,
            customers=(round_ - 1) * EXISTING,
        )
        for round_ in range(1, args.rounds + 1)
    ]
    mailset = mailsets[0]
    sink = SmtpSink()
    results, scaling = [], []
    setup_log = open(f"/tmp/bench_load_setup_{stamp}.log", "w")
    stopped = None
    try:
        creators = [
            threading.Thread(
                target=create_db, args=(args, db, SETUPS[label], setup_log)
            )
            for label, db in dbs.items()
        ]
        for thread in creators:
            thread.start()
        for thread in creators:
            thread.join()
        print(f"databases created in {time.monotonic() - started:.0f} s", flush=True)
        credentials = {
            label: prepare_db(
                db,
                label != "plain",
                as_admin=label == "suite_admin",
                rounds=args.rounds,
            )
            for label, db in dbs.items()
        }
        for round_, round_set in enumerate(mailsets, 1):
            # ABBA: every other round in the reverse order, so that a load
            # that grows or fades during the run weighs on both setups
            order = list(dbs.items())
            if round_ % 2 == 0:
                order.reverse()
            for label, db in order:
                print(
                    f"round {round_}, {label}: feeding {round_set.deliveries} "
                    f"deliveries (load average {load_average()})...",
                    flush=True,
                )
                result = run_setup(
                    args,
                    label,
                    db,
                    credentials[label],
                    round_set,
                    2,
                    args.workers,
                    sink,
                )
                result["round"] = round_ if args.rounds > 1 else None
                results.append(result)
        if "suite" in dbs:
            for workers in [int(w) for w in args.scale_workers.split(",") if w]:
                print(f"suite, one server, {workers} workers...", flush=True)
                scale_set = make_mail_set(
                    args.scale_emails, 0, 0, 0, args.seed, f"scale{workers}"
                )
                scaling.append(
                    run_setup(
                        args,
                        f"suite 1 server {workers}w",
                        dbs["suite"],
                        credentials["suite"],
                        scale_set,
                        1,
                        workers,
                        sink,
                    )
                )
    except SystemExit as stop:  # a signal: report what was measured
        stopped = stop
    finally:
        sink.close()
        if args.keep_db:
            print(f"kept databases: {', '.join(dbs.values())}")
        else:
            for db in dbs.values():
                drop_db(args, db, setup_log)
        setup_log.close()
        shutil.rmtree(args.tmp, ignore_errors=True)
    with open(f"/tmp/bench_load_{stamp}.json", "w") as handle:
        json.dump({"results": results, "scaling": scaling}, handle, default=str)
    print_report(args, results, scaling, mailset, started)
    if stopped:
        print(f"STOPPED by a signal (exit {stopped.code}): the runs above only")
        return stopped.code
    bad = [
        r["label"]
        for r in results + scaling
        if r["suite"]
        and (r["lost"] or r["dup cases"] or r["dup contacts"] or r["dup acks"])
    ]
    if bad:
        print(f"TARGETS NOT MET (lost or duplicated): {', '.join(bad)}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
