"""The reader of an IMAP folder, fetched in small groups of UIDs. The server
is reached with a verified certificate, on the standard ports and public
addresses only unless allowed, at the address that was checked (see
``check_server``)."""

import imaplib
import ipaddress
import re
import socket
import ssl as ssl_lib

from .mailbox_errors import MailboxError

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
        # the messages are read already: a server gone at logout loses nothing
        except (imaplib.IMAP4.error, OSError):  # pylint: disable=except-pass
            pass


def _quote(folder):
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'
