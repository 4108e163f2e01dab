"""Outlook ``.msg`` files to RFC 822 messages, for the mailbox import.

A .msg is an OLE compound file of MAPI properties. ``olefile`` reads the
compound file; this module maps the properties an import needs (the original
internet headers when Outlook kept them, sender, recipients, dates, text and
HTML bodies, attachments) onto an ``EmailMessage``. ``extract-msg`` does this
and much more, but cannot be installed next to Odoo 19's pinned
``cryptography`` (see the README).
"""

import email.policy
import struct
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import format_datetime, formataddr

import olefile

# MAPI property ids (MS-OXPROPS) and types (MS-OXCDATA)
SUBJECT, HEADERS, BODY, HTML = 0x0037, 0x007D, 0x1000, 0x1013
SENDER_NAME, SENDER_EMAIL, SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
MESSAGE_ID, REFERENCES, IN_REPLY_TO = 0x1035, 0x1039, 0x1042
SUBMIT_TIME, DELIVERY_TIME = 0x0039, 0x0E06
RECIPIENT_NAME, RECIPIENT_EMAIL, RECIPIENT_SMTP, RECIPIENT_TYPE = (
    0x3001,
    0x3003,
    0x39FE,
    0x0C15,
)
ATTACH_DATA, ATTACH_NAME, ATTACH_LONG_NAME, ATTACH_MIME = 0x3701, 0x3704, 0x3707, 0x370E
UNICODE, STRING8, BINARY, SYSTIME, INT32 = 0x001F, 0x001E, 0x0102, 0x0040, 0x0003
# headers that describe the original body, which is rebuilt here
_BODY_HEADERS = ("content-", "mime-version")
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=UTC)


class MsgError(ValueError):
    """Not a readable Outlook message."""


class _Properties:
    """The properties of one storage: the message, a recipient or an
    attachment (``prefix`` is its path, "" for the message)."""

    def __init__(self, ole, prefix, header_size):
        self.ole, self.prefix = ole, prefix
        self.fixed = {}
        path = f"{prefix}__properties_version1.0"
        if ole.exists(path):
            raw = ole.openstream(path).read()[header_size:]
            for offset in range(0, len(raw) - 15, 16):
                kind, prop, _flags, value = struct.unpack_from("<HHI8s", raw, offset)
                self.fixed[prop] = (kind, value)

    def _stream(self, prop, kind):
        path = f"{self.prefix}__substg1.0_{prop:04X}{kind:04X}"
        return self.ole.openstream(path).read() if self.ole.exists(path) else None

    def text(self, prop):
        data = self._stream(prop, UNICODE)
        if data is not None:
            return data.decode("utf-16-le", "replace").rstrip("\x00")
        data = self._stream(prop, STRING8)
        if data is not None:
            return data.decode("cp1252", "replace").rstrip("\x00")
        return ""

    def binary(self, prop):
        return self._stream(prop, BINARY)

    def time(self, prop):
        kind, value = self.fixed.get(prop, (None, None))
        if kind != SYSTIME:
            return None
        ticks = struct.unpack("<Q", value)[0]
        return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks else None

    def integer(self, prop):
        kind, value = self.fixed.get(prop, (None, None))
        return struct.unpack_from("<i", value)[0] if kind == INT32 else None


def _children(ole, prefix):
    """Names of the storages whose name starts with ``prefix``, in order."""
    return sorted(
        {entry[0] for entry in ole.listdir(streams=True) if entry[0].startswith(prefix)}
    )


def _html(properties):
    data = properties.binary(HTML)
    if data is None:
        return properties.text(HTML)
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding).rstrip("\x00")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _recipients(ole):
    to, cc = [], []
    for name in _children(ole, "__recip_version1.0_"):
        recipient = _Properties(ole, f"{name}/", 8)
        address = recipient.text(RECIPIENT_SMTP) or recipient.text(RECIPIENT_EMAIL)
        if "@" not in address:
            continue  # an Exchange-internal (X.500) address says nothing here
        entry = formataddr((recipient.text(RECIPIENT_NAME), address))
        (cc if recipient.integer(RECIPIENT_TYPE) == 2 else to).append(entry)
    return to, cc


def _attachments(ole, message):
    for name in _children(ole, "__attach_version1.0_"):
        attachment = _Properties(ole, f"{name}/", 8)
        data = attachment.binary(ATTACH_DATA)
        if data is None:
            continue  # an embedded message or OLE object: not imported
        filename = attachment.text(ATTACH_LONG_NAME) or attachment.text(ATTACH_NAME)
        maintype, _slash, subtype = (
            attachment.text(ATTACH_MIME) or "application/octet-stream"
        ).partition("/")
        message.add_attachment(
            data,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=filename or "attachment",
        )


def msg_to_rfc822(data):
    """The RFC 822 bytes of an Outlook .msg; MsgError when it is not one."""
    if not olefile.isOleFile(data=data):
        raise MsgError("not an Outlook .msg file (no OLE compound file header)")
    try:
        ole = olefile.OleFileIO(data)
    except Exception as error:  # olefile raises several kinds on damaged files
        raise MsgError(f"damaged Outlook .msg file: {error}") from error
    with ole:
        try:
            return _convert(ole)
        except (OSError, struct.error) as error:
            raise MsgError(f"damaged Outlook .msg file: {error}") from error


def _convert(ole):
    properties = _Properties(ole, "", 32)
    message = EmailMessage(policy=email.policy.SMTP)
    _set_headers(ole, properties, message)
    if not (message["From"] or message["Subject"] or message["Message-ID"]):
        raise MsgError("an Outlook file without sender, subject or message id")
    text, html = properties.text(BODY), _html(properties)
    if text:
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
    elif html:
        message.set_content(html, subtype="html")
    _attachments(ole, message)
    return message.as_bytes()


def _set_headers(ole, properties, message):
    """The internet headers Outlook kept, completed from MAPI properties."""
    original = HeaderParser().parsestr(properties.text(HEADERS), headersonly=True)
    for name, value in original.items():
        if name.lower().startswith(_BODY_HEADERS):
            continue
        try:
            message[name] = value
        except (ValueError, TypeError, IndexError):
            continue  # one malformed header does not cost the message
    if "Subject" not in message:
        message["Subject"] = properties.text(SUBJECT)
    sender = properties.text(SENDER_SMTP) or properties.text(SENDER_EMAIL)
    if "From" not in message and "@" in sender:
        message["From"] = formataddr((properties.text(SENDER_NAME), sender))
    if "To" not in message:
        to, cc = _recipients(ole)
        if to:
            message["To"] = ", ".join(to)
        if cc:
            message["Cc"] = ", ".join(cc)
    for header, prop in (
        ("Message-ID", MESSAGE_ID),
        ("In-Reply-To", IN_REPLY_TO),
        ("References", REFERENCES),
    ):
        if header not in message and properties.text(prop):
            message[header] = properties.text(prop)
    when = properties.time(SUBMIT_TIME) or properties.time(DELIVERY_TIME)
    if "Date" not in message and when:
        message["Date"] = format_datetime(when)
