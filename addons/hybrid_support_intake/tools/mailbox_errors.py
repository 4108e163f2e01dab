"""What a mailbox reader raises or yields when it cannot read: shared by the
readers of every format (mailbox_reader, mailbox_zip, mailbox_imap)."""


class MailboxError(ValueError):
    """The file is not a mailbox of the announced kind."""


class Unreadable(bytes):
    """An entry that could not be turned into a message, with the reason:
    the import lists it instead of dropping it."""

    def __new__(cls, reason):
        entry = super().__new__(cls, b"")
        entry.reason = reason
        return entry
