"""The reader of a zip of .eml or Outlook .msg files. The archive may be
hostile: it is checked against size, count and compression caps before a
member is read, and a member is read streamed up to its cap (a zip bomb is
refused, never expanded)."""

import zipfile

from .mailbox_errors import MailboxError, Unreadable
from .outlook_msg import MsgError, msg_to_rfc822


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
