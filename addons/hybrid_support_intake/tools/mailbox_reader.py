"""Streaming readers of historical mailboxes: an mbox file, a zip of .eml
or Outlook .msg files or an IMAP folder. Messages are read one at a time: a 1 GB mbox is
never in memory, only the offsets of its messages (Python's mailbox module);
an IMAP folder is fetched in small groups of UIDs.

Every source may be hostile: a zip is checked against size, count and
compression caps before a member is read, and a member is read streamed up to
its cap (a zip bomb is refused, never expanded); an IMAP server is reached
with a verified certificate, on the standard ports and public addresses only
unless allowed, at the address that was checked (see ``check_server``).

This module opens a source (``open_source``), reads an mbox and summarises a
message for the dry run; the zip reader is in mailbox_zip.py, the IMAP reader
and its server checks in mailbox_imap.py."""

import mailbox
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from odoo.tools.mail import email_normalize

# the readers of each format and what they raise live in modules of their own;
# they are imported here too because callers import them from mailbox_reader
from .mailbox_errors import MailboxError, Unreadable
from .mailbox_imap import (
    IMAP_PORTS,
    ImapReader,
    check_server,
    parse_networks,
    tls_context,
)
from .mailbox_zip import ZipReader

__all__ = [
    "IMAP_PORTS",
    "ImapReader",
    "MailboxError",
    "MboxReader",
    "Unreadable",
    "ZipReader",
    "check_server",
    "open_source",
    "parse_networks",
    "summary",
    "tls_context",
]

_HEADERS = BytesHeaderParser()


def open_source(kind, path=None, imap=None):
    """A reader with ``count()`` and ``iter_from(index)`` yielding
    ``(index, raw bytes)``; raises MailboxError when the source is unreadable.
    ``imap`` is a dict of ImapReader's arguments."""
    if kind == "mbox":
        return MboxReader(path)
    if kind == "zip":
        return ZipReader(path)
    if kind == "imap":
        return ImapReader(**(imap or {}))
    raise MailboxError(f"unknown mailbox kind {kind!r}")


class MboxReader:
    def __init__(self, path):
        with open(path, "rb") as handle:
            head = handle.read(5)
        if head and head != b"From ":
            raise MailboxError("an mbox file starts with a 'From ' line")
        self._box = mailbox.mbox(path, create=False)
        self._keys = None

    def _all_keys(self):
        if self._keys is None:
            self._keys = sorted(self._box.iterkeys())  # scans once, offsets only
        return self._keys

    def count(self):
        return len(self._all_keys())

    def iter_from(self, start=0):
        for index, key in enumerate(self._all_keys()[start:], start):
            yield index, self._box.get_bytes(key)

    def close(self):
        self._box.close()


def summary(raw):
    """Header facts of one raw message for the dry run, or ValueError."""
    if isinstance(raw, Unreadable):
        raise ValueError(raw.reason)
    try:
        headers = _HEADERS.parsebytes(raw)
    except Exception as error:  # the email package raises many kinds
        raise ValueError(f"unreadable headers: {error}") from error
    if not any(headers.get(name) for name in ("From", "Message-ID", "Subject")):
        raise ValueError("no From, Message-ID or Subject header")
    message_id = (headers.get("Message-ID") or "").strip()
    references = (headers.get("References") or "").split()
    in_reply_to = (headers.get("In-Reply-To") or "").strip()
    date = None
    try:
        date = (
            parsedate_to_datetime(headers.get("Date")) if headers.get("Date") else None
        )
    except (TypeError, ValueError, IndexError):
        date = None
    senders = [
        email_normalize(addr) for _name, addr in getaddresses([headers.get("From", "")])
    ]
    return {
        "message_id": message_id,
        "thread_root": (references[0] if references else in_reply_to) or message_id,
        "date": date,
        "sender": next((s for s in senders if s), ""),
    }
