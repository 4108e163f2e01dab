#!/usr/bin/env python3
"""Mailbox import streams: a large mbox is read message by message.

Writes an mbox of --size-mb megabytes (default 1024) of varied messages to a
temporary folder, then runs the import's reader over it as the dry run does
(every message read and its headers parsed) and prints the time, the
messages per second and the peak resident memory of the process.

    python3 tests/benchmarks/bench_import.py [--size-mb 1024] [--keep]
"""

import argparse
import io
import os
import resource
import struct
import sys
import tempfile
import time
import tracemalloc
import types
import zipfile
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READER = ROOT / "addons" / "hybrid_support_intake" / "tools" / "mailbox_reader.py"


def load_reader():
    """The addon's pure reader module, without loading the addon (no ORM):
    its tools folder as a package of its own (the reader imports siblings)."""
    package = types.ModuleType("hs_intake_tools")
    package.__path__ = [str(READER.parent)]
    sys.modules["hs_intake_tools"] = package
    from hs_intake_tools import mailbox_reader

    return mailbox_reader


def zip_bombs(folder):
    """Hostile archives: a member of 64 MB of zeros (64 KB compressed), one
    that declares 1,000 bytes and holds 64 MB, one that declares 4 GB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in ("bomb.eml", "liar.eml"):
            with archive.open(name, "w") as handle:
                for _index in range(64):
                    handle.write(b"\0" * (1024 * 1024))
        archive.writestr("declares-4gb.eml", b"x" * 1000)
    data = bytearray(buffer.getvalue())
    position = 0
    while (position := data.find(b"PK\x01\x02", position)) >= 0:
        length = struct.unpack_from("<H", data, position + 28)[0]
        name = bytes(data[position + 46 : position + 46 + length])
        forged = {b"liar.eml": 1000, b"declares-4gb.eml": 0xFFFFFFF0}.get(name)
        if forged:
            struct.pack_into("<I", data, position + 24, forged)
        position += 4
    path = os.path.join(folder, "bombs.zip")
    with open(path, "wb") as out:
        out.write(data)
    return path, len(data)


def time_zip_bombs(reader_module, folder):
    path, size = zip_bombs(folder)
    tracemalloc.start()
    started = time.perf_counter()
    try:
        reader_module.open_source("zip", path=path)
        outcome = "read"
    except reader_module.MailboxError as error:
        outcome = f"refused: {error}"
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    os.unlink(path)
    print(
        f"zip bombs ({size / 1024:.0f} KB declaring over 4 GB): {elapsed * 1000:.0f} ms, "
        f"peak {peak:.1f} MB allocated; {outcome}"
    )


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
    parser.add_argument("--smoke", action="store_true", help="CI: a 4 MB mbox")
    args = parser.parse_args()
    if args.smoke:
        args.size_mb = 4
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
    time_zip_bombs(reader_module, folder)
    if not args.keep:
        os.rmdir(folder)


if __name__ == "__main__":
    main()
