"""Streaming readers of historical mailboxes: an mbox file, a zip of .eml
or Outlook .msg files or an IMAP folder. Messages are read one at a time: a 1 GB mbox is
never in memory, only the offsets of its messages (Python's mailbox module);
an IMAP folder is fetched in small groups of UIDs.

Every source may be hostile: a zip is checked against size, count and
compression caps before a member is read, and a member is read streamed up to
its cap (a zip bomb is refused, never expanded); an IMAP server is reached
with a verified certificate, on the standard ports and public addresses only
unless allowed, at the address that was checked (see ``check_server``)."""

import imaplib
import ipaddress
import mailbox
import re
import socket
import ssl as ssl_lib
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


def _size(count):
    return (
        f"{count / 1024 / 1024:,.0f} MB" if count >= 1024 * 1024 else f"{count:,} bytes"
    )


class ZipReader:
    SUFFIXES = (".eml", ".msg")
    # caps: entries of the archive, declared uncompressed bytes in all and
    # per message, and the compression ratio of a large message (text mail
    # compresses 3 to 10 times; a zip bomb thousands of times)
    MAX_MEMBERS = 50_000
    MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
    MAX_MEMBER_BYTES = 50 * 1024 * 1024
    MAX_RATIO = 100
    RATIO_FROM_BYTES = 1024 * 1024

    def __init__(self, path):
        try:
            with open(path, "rb") as handle:
                # the entry count of the end record, before zipfile builds an
                # object per entry (a million entries: a gigabyte of memory)
                end = zipfile._EndRecData(handle)
            if end and end[zipfile._ECD_ENTRIES_TOTAL] > self.MAX_MEMBERS:
                raise MailboxError(self._too_many(end[zipfile._ECD_ENTRIES_TOTAL]))
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            raise MailboxError(str(error)) from error
        infos = self._zip.infolist()
        if len(infos) > self.MAX_MEMBERS:
            self._zip.close()
            raise MailboxError(self._too_many(len(infos)))
        total = sum(info.file_size for info in infos)
        if total > self.MAX_TOTAL_BYTES:
            self._zip.close()
            raise MailboxError(
                f"the archive expands to {_size(total)}, more than the "
                f"{_size(self.MAX_TOTAL_BYTES)} an import reads: split it"
            )
        self._infos = sorted(
            (
                info
                for info in infos
                if not info.is_dir() and info.filename.lower().endswith(self.SUFFIXES)
            ),
            key=lambda info: info.filename,
        )

    def _too_many(self, count):
        return (
            f"the archive has {count:,} entries, more than the "
            f"{self.MAX_MEMBERS:,} an import reads: split it"
        )

    def count(self):
        return len(self._infos)

    def _refusal(self, info):
        """Why a member is not read, from its declared sizes, or None."""
        if info.file_size > self.MAX_MEMBER_BYTES:
            return (
                f"{info.filename}: {_size(info.file_size)} uncompressed, more "
                f"than the {_size(self.MAX_MEMBER_BYTES)} of a message"
            )
        if (
            info.file_size >= self.RATIO_FROM_BYTES
            and info.file_size > self.MAX_RATIO * max(info.compress_size, 1)
        ):
            return (
                f"{info.filename}: compressed {info.file_size // max(info.compress_size, 1):,}"
                f" times, more than the {self.MAX_RATIO} of a message (a zip bomb?)"
            )
        return None

    def _read(self, info):
        """The member's bytes, read streamed and never past its cap."""
        refusal = self._refusal(info)
        if refusal:
            return Unreadable(refusal)
        chunks, size = [], 0
        try:
            with self._zip.open(info) as handle:
                # in steps of a megabyte (zipfile decompresses no more than
                # asked), never past the declared size (zipfile stops there
                # and checks the CRC) nor past the cap whatever is declared
                while chunk := handle.read(1024 * 1024):
                    size += len(chunk)
                    if size > self.MAX_MEMBER_BYTES:
                        return Unreadable(
                            f"{info.filename}: more than the "
                            f"{_size(self.MAX_MEMBER_BYTES)} of a message"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as error:
            return Unreadable(f"{info.filename}: {error}")
        except (NotImplementedError, RuntimeError, ValueError) as error:
            # unknown compression, encrypted member
            return Unreadable(f"{info.filename}: {error}")
        data = b"".join(chunks)
        return data

    def iter_from(self, start=0):
        for index, info in enumerate(self._infos[start:], start):
            data = self._read(info)
            if info.filename.lower().endswith(".msg") and not isinstance(
                data, Unreadable
            ):
                try:
                    data = msg_to_rfc822(data)
                except MsgError as error:
                    data = Unreadable(f"{info.filename}: {error}")
            yield index, data

    def close(self):
        self._zip.close()


# IMAP and IMAP over TLS: other ports are refused unless allowed.
IMAP_PORTS = (143, 993)


def tls_context(verify=True):
    """The TLS context of an IMAP connection: the system's certificate
    authorities, the host name checked. ``verify=False`` accepts any
    certificate (a man in the middle reads the password): only a system
    administrator may ask for it, for a server with a self-signed one."""
    context = ssl_lib.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl_lib.CERT_NONE
    return context


def parse_networks(text):
    """The networks of a comma-separated list of addresses or CIDR ranges;
    ValueError names a wrong one."""
    networks = []
    for item in re.split(r"[,;\s]+", text or ""):
        if item:
            try:
                networks.append(ipaddress.ip_network(item, strict=False))
            except ValueError as error:
                raise ValueError(f"{item!r} is not an address or network") from error
    return networks


def _is_public(address):
    return address.is_global and not address.is_multicast


def check_server(host, port, allowed_ports=(), allowed_networks=(), resolve=None):
    """The addresses of ``host`` that may be connected to, in order, or
    MailboxError saying why none may: a port other than IMAP's (143, 993)
    and ``allowed_ports``, or a host that resolves to a loopback, private,
    link-local (cloud metadata), reserved or multicast address outside
    ``allowed_networks``. Every address must be allowed, so that a name that
    also resolves to an internal address is refused. Connect to the returned
    address, not to the name: a second resolution could answer otherwise."""
    host = (host or "").strip()
    if not host:
        raise MailboxError("no IMAP server")
    if port not in (*IMAP_PORTS, *allowed_ports):
        raise MailboxError(
            f"port {port} is not an IMAP port (143, 993); a system "
            "administrator may allow it"
        )
    resolve = resolve or socket.getaddrinfo
    try:
        infos = resolve(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise MailboxError(
            f"the IMAP server {host} cannot be found: {error}"
        ) from error
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise MailboxError(f"the IMAP server {host} cannot be found")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        if _is_public(address) or any(address in net for net in allowed_networks):
            continue
        raise MailboxError(
            f"the IMAP server {host} is at {address}, a loopback, private, "
            "link-local or reserved address: an import only reaches public "
            "servers unless a system administrator allows that network"
        )
    return addresses


class _PinnedConnection:
    """imaplib connects to ``self._address`` (the checked one) while naming
    the host for TLS: the certificate is checked against the name."""

    def _create_socket(self, timeout):
        if timeout is not None and not timeout:
            raise ValueError("Non-blocking socket (timeout=0) is not supported")
        sock = socket.create_connection((self._address, self.port), timeout)
        if isinstance(self, imaplib.IMAP4_SSL):
            return self.ssl_context.wrap_socket(sock, server_hostname=self.host)
        return sock


class _IMAP4(_PinnedConnection, imaplib.IMAP4):
    def __init__(self, host, port, address, timeout):
        self._address = address
        super().__init__(host, port, timeout=timeout)


class _IMAP4_SSL(_PinnedConnection, imaplib.IMAP4_SSL):
    def __init__(self, host, port, address, ssl_context, timeout):
        self._address = address
        super().__init__(host, port, ssl_context=ssl_context, timeout=timeout)


class ImapReader:
    """One IMAP folder, read-only (messages stay unread), by UID order."""

    CHUNK = 50
    _UID = re.compile(rb"UID (\d+)")

    def __init__(
        self,
        host,
        port=993,
        ssl=True,
        user="",
        password="",
        folder="INBOX",
        timeout=60,
        address=None,
        ssl_context=None,
        require_tls=True,
    ):
        """``address``: the checked address to connect to (``check_server``);
        ``ssl_context``: ``tls_context()`` unless given. Without ``ssl``, the
        connection is upgraded with STARTTLS when the server offers it, and
        refused before the password is sent when it does not, unless
        ``require_tls`` is off."""
        self.ssl_context = ssl_context or tls_context()
        address = address or check_server(host, port)[0]
        try:
            if ssl:
                self._imap = _IMAP4_SSL(host, port, address, self.ssl_context, timeout)
            else:
                self._imap = _IMAP4(host, port, address, timeout)
                if "STARTTLS" in self._imap.capabilities:
                    self._imap.starttls(self.ssl_context)
                elif require_tls:
                    raise MailboxError(
                        "the server offers no TLS (STARTTLS): the password "
                        "would cross the network in clear; use SSL/TLS"
                    )
            self._imap.login(user, password)
            status, _data = self._imap.select(_quote(folder), readonly=True)
            if status != "OK":
                raise MailboxError(f"no folder {folder!r} on the server")
            status, data = self._imap.uid("search", None, "ALL")
        except ssl_lib.SSLCertVerificationError as error:
            raise MailboxError(
                f"IMAP: the server's certificate is not valid for {host}: "
                f"{error.verify_message}"
            ) from error
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
