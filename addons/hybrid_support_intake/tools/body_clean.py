"""Turn an email body into what the customer wrote in *this* message.

``split_reply`` separates the new text from quoted history, reply headers and
signatures, reading each line with the patterns of reply_patterns.py;
``html_to_text`` (html_text.py) converts HTML mail with html2text. Both are pure
functions so they can be measured on labelled corpora (see
tests/benchmarks/bench_trim.py).
"""

import itertools
import re

# html_to_text, plain_text_part and repair_charsets live in modules of their
# own; they are imported here too because callers import them from body_clean.
from .html_text import html_to_text
from .mime_text import (
    GUESS_MESSAGE_BYTES,
    GUESS_PART_BYTES,
    plain_text_part,
    repair_charsets,
)
from .reply_patterns import (
    _DELIMITER,
    _DEVICE,
    _FENCE,
    _FROM_FIELD,
    _HEADER_FIELD,
    _HEADER_MAX,
    _HEADER_OPENING,
    _INLINE_HEADER_START,
    _MOBILE_SIGNATURE,
    _QUOTE,
    _REPLY_HEADER,
    _REPLY_HEADER_START,
    _SIGNATURE_DELIMITER,
    _SUBJECT_FIELD,
)

__all__ = [
    "GUESS_MESSAGE_BYTES",
    "GUESS_PART_BYTES",
    "html_to_text",
    "plain_text_part",
    "repair_charsets",
    "split_reply",
    "writer_text",
]


def _split_inline_headers(lines):
    """Lines where the writer's text runs into a reply header, cut in two
    (the text, the header): the header alone then ends the message."""
    out = []
    for line in lines:
        if len(line) <= _HEADER_MAX and _REPLY_HEADER.match(line):
            for found in itertools.islice(_INLINE_HEADER_START.finditer(line), 5):
                head, tail = line[: found.start()].rstrip(" -"), line[found.start(1) :]
                if (
                    head.strip()
                    and not _QUOTE.match(line)
                    and _REPLY_HEADER.match(tail)
                ):
                    out.extend((head, tail))
                    break
            else:
                out.append(line)
        else:
            out.append(line)
    return out


def _symbol_rules(lines, kinds):
    """A rule of symbols ends the message only before a header or a short
    signature block; under a line of text it underlines a title or a table,
    elsewhere it separates parts of the writer's text (both are text)."""
    for index, kind in enumerate(kinds):
        if kind != "d" or _SIGNATURE_DELIMITER.match(lines[index]):
            continue
        after = [i for i in range(index + 1, len(kinds)) if kinds[i] != "e"]
        if any(kinds[i] in "bh" for i in after[:3]):
            continue  # Outlook's rule above the header of the quoted message
        if index and kinds[index - 1] == "t":
            kinds[index] = "t"
            continue
        block = []
        for i in after:
            if kinds[i] in "bq":
                break
            block.append(i)
        if len(block) > 8 or any(_is_sentence(lines[i]) for i in block):
            kinds[index] = "t"
    return kinds


def _is_sentence(line):
    """A long line, or six words or more ending a sentence: not a signature."""
    stripped = line.strip()
    return len(stripped) > 100 or (
        len(stripped.split()) >= 6 and stripped.endswith((".", "!", "?"))
    )


def _signature_position(kinds):
    """A device line is a signature only at the end of the writer's text."""
    for index, kind in enumerate(kinds):
        if kind != "s":
            continue
        following = next((k for k in kinds[index + 1 :] if k not in "e"), "")
        if following == "t":
            kinds[index] = "t"
    return kinds


def _wrapped_quotes(lines, kinds):
    """A text line between two quoted lines that carries on the line above
    (lower case, a link, a bracket: a hard wrap of the quote, not an answer)."""
    for index in range(1, len(kinds) - 1):
        if kinds[index] == "t" and kinds[index - 1] == "q" and kinds[index + 1] == "q":
            stripped = lines[index].strip()
            if (
                stripped[:1].islower()
                or stripped[:1] in "([_/<.,;:)"
                or (stripped.startswith(("http://", "https://")))
            ):
                kinds[index] = "q"
    return kinds


def _classify(lines):
    """One letter a line: e(mpty) d(elimiter) s(ignature) b (reply header)
    h(eader field) q(uote) t(ext). Reply headers wrapped over several lines
    are joined, every line of them marked b."""
    kinds = _classify_lines(lines)
    kinds = _symbol_rules(lines, kinds)
    kinds = _signature_position(kinds)
    return _wrapped_quotes(lines, kinds)


def _classify_lines(lines):
    kinds, fenced, index = [], False, 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if _FENCE.match(line):
            fenced = not fenced
        if fenced or _FENCE.match(line):
            kinds.append("t")
        elif not stripped:
            kinds.append("e")
        elif _DELIMITER.match(line):
            kinds.append("d")
        elif (
            _MOBILE_SIGNATURE.match(line)
            and _DEVICE.search(line)
            and len(line.split()) <= 10
            and not _is_sentence(line)
        ):
            kinds.append("s")
        elif len(line) <= _HEADER_MAX and _REPLY_HEADER.match(line):
            kinds.append("b")
        elif _HEADER_FIELD.match(line):
            kinds.append("h")
        elif _QUOTE.match(line):
            kinds.append("q")
        else:
            span = _wrapped_reply_header(lines, index)
            kinds.extend("b" * span or "t")
            index += max(span, 1)
            continue
        index += 1
    return kinds


def _wrapped_reply_header(lines, index):
    """Number of lines of a reply header wrapped from ``lines[index]``, or 0."""
    first = lines[index]
    if (
        len(first) > _HEADER_MAX
        or len(first.split()) > 14
        or not (
            _REPLY_HEADER_START.search(first)
            and re.search(r"\d|[\w.+-]+@[\w-]+\.\w", first)
        )
    ):
        return 0
    joined = first.strip()
    # "On <date>, Ann" may be wrapped around blank lines; a line that opens
    # with a number (a phone, an order) only joins the lines right under it
    crosses_blanks = bool(_HEADER_OPENING.match(first))
    for offset in range(1, 7):
        if index + offset >= len(lines):
            break
        following = lines[index + offset].strip()
        if len(following.split()) > 12 or not (following or crosses_blanks):
            break  # a paragraph, not the tail of a header
        joined = f"{joined} {following}".strip()
        if len(joined) > 500:
            break
        if _REPLY_HEADER.match(joined):
            # a line above the header (a phone or order number, an address)
            # is not part of it when the header stands without that line
            if (
                not crosses_blanks
                and offset > 1
                and _wrapped_reply_header(lines, index + 1) == offset
            ):
                return 0
            return offset + 1
    return 0


def _header_blocks(lines, kinds):
    """Mark as b the blocks of header fields ("From: ... Sent: ... To: ...")
    that start an embedded message: a From-like field and at least one more
    field among consecutive non-empty lines."""
    index = 0
    while index < len(kinds):
        if kinds[index] == "h":
            end = index
            while end + 1 < len(kinds) and kinds[end + 1] in "ht":
                end += 1
            fields = [i for i in range(index, end + 1) if kinds[i] == "h"]
            # From-led (Outlook, Gmail), or Sent:/To:-led with a subject (Outlook
            # in other layouts, Lotus Notes "To: ... cc: ... Subject:")
            if (_FROM_FIELD.match(lines[index]) and len(fields) >= 2) or (
                len(fields) >= 3 and any(_SUBJECT_FIELD.match(lines[i]) for i in fields)
            ):
                kinds[index : end + 1] = ["b"] * (end + 1 - index)
            index = end + 1
        else:
            index += 1
    return kinds


def _drop_leading_history(kinds):
    """Index where the writer's text starts when the message opens with a reply
    header or a forwarded block (bottom posting, forwards)."""
    index = 0
    while index < len(kinds) and kinds[index] in "eb":
        if kinds[index] == "b":
            # the header, then the quote it introduces
            while index < len(kinds) and kinds[index] in "beq":
                index += 1
        else:
            index += 1
    return index


def _is_interleaved(lines, kinds, index):
    """A reply header followed by a quote, then by the writer's text (a reply
    header inside the quote, "> On ... wrote:", is part of the quote)."""
    rest = "".join(
        "q" if kind == "b" and _QUOTE.match(line) else kind
        for line, kind in zip(lines[index + 1 :], kinds[index + 1 :], strict=True)
    ).replace("e", "")
    return bool(re.match(r"b*q+[qs]*t", rest))


def split_reply(text):
    """Split ``text`` into (what the writer wrote in this message, the rest):
    quoted history, reply headers, embedded or forwarded headers, signature
    delimiters and mobile signatures are cut away."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = _split_inline_headers(text.split("\n"))
    kinds = _header_blocks(lines, _classify(lines))
    keep = [True] * len(lines)
    start = _drop_leading_history(kinds) if "t" in kinds else 0
    if start and "t" not in kinds[start:]:
        start = 0
    for index in range(start):
        keep[index] = False
    # everything after the first delimiter, reply header or header block goes,
    # unless the writer answers between the quoted lines (an interleaved reply)
    for index in range(start, len(kinds)):
        if kinds[index] in "db" and "t" in kinds[start:index]:
            if kinds[index] == "b" and _is_interleaved(lines, kinds, index):
                continue
            keep[index:] = [False] * (len(keep) - index)
            break
    for index, kind in enumerate(kinds):
        if kind in "sb" or (kind == "d" and keep[index]):
            keep[index] = False
    kept_kinds = [kind for kind, kept in zip(kinds, keep, strict=True) if kept]
    if "t" not in kept_kinds:
        if "b" in kinds or "s" in kinds:
            return "", text.strip("\n")
        return text.strip("\n").rstrip(), ""  # only a quote: nothing to cut
    # trailing quotes under the writer's text
    last = max(i for i, kind in enumerate(kinds) if keep[i] and kind == "t")
    keep[last + 1 :] = [False] * (len(keep) - last - 1)
    kept = "\n".join(line for line, flag in zip(lines, keep, strict=True) if flag)
    elided = "\n".join(line for line, flag in zip(lines, keep, strict=True) if not flag)
    return kept.strip("\n").rstrip(), elided.strip("\n")


def writer_text(text):
    """What the writer typed in this message, signature included (where phone
    numbers and account numbers live), without quoted history."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    lines = _split_inline_headers(lines)
    kinds = _header_blocks(lines, _classify(lines))
    kept = []
    for line, kind in zip(lines, kinds, strict=True):
        if kind == "b" and kept:
            break
        if kind not in "bq":
            kept.append(line)
    return "\n".join(kept).strip()
