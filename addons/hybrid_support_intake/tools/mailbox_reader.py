"""Streaming readers of historical mailboxes: an mbox file, a zip of .eml
or Outlook .msg files or an IMAP folder. Messages are read one at a time: a 1 GB mbox is
never in memory, only the offsets of its messages (Python's mailbox module);
an IMAP folder is fetched in small groups of UIDs."""

import imaplib
import mailbox
import re
import zipfile
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parsedate_to_datetime

from odoo.tools.mail import email_normalize

from .outlook_msg import MsgError, msg_to_rfc822

_HEADERS = BytesHeaderParser()


class MailboxError(ValueError):
    """The file is not a mailbox of the announced kind."""


class Unreadable(bytes):
    """An entry that could not be turned into a message, with the reason:
    the import lists it instead of dropping it."""

    def __new__(cls, reason):
        entry = super().__new__(cls, b"")
        entry.reason = reason
        return entry


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


class ZipReader:
    SUFFIXES = (".eml", ".msg")

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
            data = self._zip.read(name)
            if name.lower().endswith(".msg"):
                try:
                    data = msg_to_rfc822(data)
                except MsgError as error:
                    data = Unreadable(f"{name}: {error}")
            yield index, data

    def close(self):
        self._zip.close()


class ImapReader:
    """One IMAP folder, read-only (messages stay unread), by UID order."""

    CHUNK = 50
    _UID = re.compile(rb"UID (\d+)")

    def __init__(
        self, host, port=993, ssl=True, user="", password="", folder="INBOX", timeout=60
    ):
        try:
            client = imaplib.IMAP4_SSL if ssl else imaplib.IMAP4
            self._imap = client(host, port, timeout=timeout)
            self._imap.login(user, password)
            status, _data = self._imap.select(_quote(folder), readonly=True)
            if status != "OK":
                raise MailboxError(f"no folder {folder!r} on the server")
            status, data = self._imap.uid("search", None, "ALL")
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailboxError(f"IMAP: {error}") from error
        self._uids = sorted(int(uid) for uid in (data[0] or b"").split())

    def count(self):
        return len(self._uids)

    def iter_from(self, start=0):
        for chunk_start in range(start, len(self._uids), self.CHUNK):
            uids = self._uids[chunk_start : chunk_start + self.CHUNK]
            status, data = self._imap.uid(
                "fetch", ",".join(map(str, uids)), "(UID BODY.PEEK[])"
            )
            if status != "OK":
                raise MailboxError(f"IMAP fetch failed: {status}")
            by_uid = {}
            for item in data:
                if isinstance(item, tuple):
                    found = self._UID.search(item[0])
                    if found:
                        by_uid[int(found.group(1))] = item[1]
            for offset, uid in enumerate(uids):
                # a message deleted meanwhile reads as empty: listed, not lost
                yield chunk_start + offset, by_uid.get(uid, b"")

    def close(self):
        try:
            self._imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def _quote(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
