"""The text of an email's MIME parts: declared charsets Python does not know
replaced by a bounded guess from the bytes, the first inline text/plain part
decoded."""

import codecs

import chardet


def _decode_part(part):
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


# Guessing a charset with chardet is pure Python (a 64 KB part took a quarter
# of a second, 25 MB of mislabelled parts minutes): it reads at most this many
# bytes of a part, and this many of all the parts of one email; the other
# parts are read as UTF-8 when they are, else as Windows-1252 (which decodes
# any byte; core decodes with replacement).
GUESS_PART_BYTES = 4096
GUESS_MESSAGE_BYTES = 16384


def _guess_charset(payload, budget=GUESS_PART_BYTES):
    """The charset of ``payload``, from at most ``budget`` bytes of it."""
    try:
        payload.decode("utf-8")  # C speed, whatever the size
        return "utf-8"
    # not UTF-8: the sample below is guessed, nothing lost
    except UnicodeDecodeError:  # pylint: disable=except-pass
        pass
    sample = payload[: max(min(budget, GUESS_PART_BYTES), 0)]
    guess = (chardet.detect(sample) or {}).get("encoding") if sample else None
    try:
        return codecs.lookup(guess).name if guess else "windows-1252"
    except LookupError:
        return "windows-1252"


def repair_charsets(message):
    """Replace, in place, every declared charset Python does not know by a
    guess from the bytes, so that decoding a part never raises. The guesses
    of one email read at most ``GUESS_MESSAGE_BYTES`` bytes in all."""
    budget = GUESS_MESSAGE_BYTES
    for part in message.walk():
        if part.is_multipart():
            continue
        charset = part.get_param("charset")
        if not charset:
            continue
        try:
            codecs.lookup(str(charset))
        except (LookupError, ValueError, TypeError):
            payload = part.get_payload(decode=True) or b""
            part.set_param("charset", _guess_charset(payload, budget))
            budget -= min(len(payload), GUESS_PART_BYTES)


def plain_text_part(message):
    """The first inline text/plain part of an email, decoded, or ""."""
    try:
        for part in message.walk():
            if part.get_content_type() != "text/plain":
                continue
            if (part.get_content_disposition() or "inline") != "inline":
                continue
            # NUL never carries meaning in text, and PostgreSQL refuses it
            return _decode_part(part).replace("\x00", "").strip()
    except Exception:  # malformed MIME: the caller falls back to the HTML body
        return ""
    return ""
