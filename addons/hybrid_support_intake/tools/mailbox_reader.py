"""Streaming readers of historical mailboxes: an mbox file or a zip of .eml
files. Messages are read one at a time: a 1 GB mbox is never in memory,
only the offsets of its messages (Python's mailbox module)."""

import mailbox
import zipfile
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from odoo.tools.mail import email_normalize

_HEADERS = BytesHeaderParser()


class MailboxError(ValueError):
    """The file is not a mailbox of the announced kind."""


def open_source(path, kind):
    """A reader with ``count()`` and ``iter_from(index)`` yielding
    ``(index, raw bytes)``; raises MailboxError when the file is unreadable."""
    if kind == "mbox":
        return MboxReader(path)
    if kind == "zip":
        return ZipReader(path)
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


class ZipReader:
    SUFFIXES = (".eml",)

    def __init__(self, path):
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            raise MailboxError(str(error)) from error
        self._names = sorted(
            info.filename
            for info in self._zip.infolist()
            if not info.is_dir() and info.filename.lower().endswith(self.SUFFIXES)
        )

    def count(self):
        return len(self._names)

    def iter_from(self, start=0):
        for index, name in enumerate(self._names[start:], start):
            yield index, self._zip.read(name)

    def close(self):
        self._zip.close()


def summary(raw):
    """Header facts of one raw message for the dry run, or ValueError."""
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
