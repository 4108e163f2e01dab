#!/usr/bin/env python3
"""Mailbox import streams: a large mbox is read message by message.

Writes an mbox of --size-mb megabytes (default 1024) of varied messages to a
temporary folder, then runs the import's reader over it as the dry run does
(every message read and its headers parsed) and prints the time, the
messages per second and the peak resident memory of the process.

    python3 tests/benchmarks/bench_import.py [--size-mb 1024] [--keep]
"""

import argparse
import importlib.util
import os
import resource
import tempfile
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READER = ROOT / "addons" / "hybrid_support_intake" / "tools" / "mailbox_reader.py"


def load_reader():
    """The addon's pure reader module, without loading the addon (no ORM)."""
    spec = importlib.util.spec_from_file_location("mailbox_reader", READER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_mbox(path, size_mb):
    target = size_mb * 1024 * 1024
    filler = (
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 40 + "\n"
    ) * 3
    written = count = 0
    with open(path, "wb") as out:
        while written < target:
            msg = EmailMessage()
            msg["From"] = (
                f"Customer {count % 997} <c{count % 997}@example{count % 50}.com>"
            )
            msg["To"] = "support@ourdesk.example"
            msg["Subject"] = f"Question {count}"
            msg["Date"] = "Mon, 04 Mar 2024 09:30:00 +0000"
            msg["Message-ID"] = make_msgid(domain="bench.example")
            msg.set_content(f"Message {count}\n{filler}")
            chunk = (
                b"From MAILER-DAEMON Mon Mar  4 09:30:00 2024\n" + bytes(msg) + b"\n"
            )
            out.write(chunk)
            written += len(chunk)
            count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--keep", action="store_true", help="keep the mbox file")
    args = parser.parse_args()
    reader_module = load_reader()
    open_source, summary = reader_module.open_source, reader_module.summary

    folder = tempfile.mkdtemp(prefix="hs_bench_import_")
    path = os.path.join(folder, "big.mbox")
    written = write_mbox(path, args.size_mb)
    size = os.path.getsize(path) / 1024 / 1024
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    reader = open_source("mbox", path=path)
    total = reader.count()
    read = senders = 0
    for _index, raw in reader.iter_from(0):
        facts = summary(raw)
        read += 1
        senders += bool(facts["sender"])
    reader.close()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"mbox of {size:.0f} MB, {written} messages written, {total} found, {read} read"
    )
    print(f"dry-run read: {elapsed:.1f} s, {read / elapsed:.0f} messages/s")
    print(
        f"peak resident memory: {peak:.0f} MB (before reading: {rss_before:.0f} MB); "
        f"the file is {size:.0f} MB"
    )
    if not args.keep:
        os.unlink(path)
        os.rmdir(folder)


if __name__ == "__main__":
    main()
