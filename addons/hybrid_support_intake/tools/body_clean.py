"""Turn an email body into what the customer wrote in *this* message.

``html_to_text`` converts HTML mail with html2text; ``split_reply`` separates
the new text from quoted history, reply headers and signatures. Both are pure
functions so they can be measured on labelled corpora (see tests/bench_trim.py).
"""

import codecs
import itertools
import re

import chardet
import html2text

# The patterns below read runs of spaces, ">" and dashes possessively (*+,
# Python 3.11): a run is never re-split between two parts of a pattern, which
# made a 1,000-character line of spaces take seconds.
#
# Verbs that close a reply header ("On <date>, Ann <a@b.c> wrote:") in the
# languages our customers write in; the header may wrap over several lines.
_WROTE = (
    r"wrote|writes|a [ée]crit|schrieb|escribi[óo]|escreveu|ha scritto|schreef|geschreven|"
    r"skrev|kirjoitti|napisa[łl]a?|pisze|написал[аи]?|написав|пише|yazd[ıi]|"
    r"[íi]rta|napsal|έγραψε|đã viết"
)
_REPLY_HEADER = re.compile(
    # "wrote:" closes a header that names a date or an address, never a sentence
    # such as "as I wrote:"; the verb may come before the date ("schrieb am ...:")
    # (the first digit or @ of the line, then the verb: one pass, where
    # ".*[\d@].*verb" tried every digit against every later position)
    rf"^[^\d@]*+[\d@].*\b({_WROTE})\b(\s*+\(.{{0,20}}\))?\s*+-*+\s*+[:：]?\s*+-*+\s*+$"
    rf"|^[\s>]*+-*+\s*+.{{0,400}}\b({_WROTE})\b.{{0,150}}[\d@].{{0,150}}[:：]\s*+-*+\s*+$"
    r"|^[\s>]*+.{0,300}(写道|寫道|のメッセージ|書きました)\s*+[:：]?\s*+$"
    r"|^[\s>]*+\d{4}-\d{2}-\d{2} \d{1,2}:\d{2} (GMT|UTC)[+-]\d{1,2}:?\d{2} .{1,200}$"
    # "2013/7/20 sam via Discourse <info@discourse.org>": a date, then an address
    r"|^[\s>]*+\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b.{0,150}<?[\w.+-]+@[\w.-]++>?\s*+:?\s*+$"
    r"|^[\s>*]*+-{2,}+\s*+(Original Message|Forwarded message|Mensaje original|"
    r"Message d'origine|Message transf[ée]r[ée]|Urspr[üu]ngliche Nachricht|"
    r"Weitergeleitete Nachricht|Messaggio originale|Messaggio inoltrato|"
    r"Oorspronkelijk bericht|Doorgestuurd bericht|Oryginalna wiadomo[śs][ćc]|"
    r"Исходное сообщение|Пересылаемое сообщение|Mensagem original|Reply Message|"
    r"Antwort Nachricht|Oprindelig meddelelse|Oprindelig besked|Ursprungligt meddelande|"
    r"Opprinnelig melding|Alkuper[äa]inen viesti|P[ůu]vodn[íi] zpr[áa]va|Eredeti [üu]zenet)\s*+-{2,}+[\s*]*+$"
    r"|^[\s>]*+(Begin forwarded message|D[ée]but du message r[ée]exp[ée]di[ée])\s*:"
    # Android: "---- Ann wrote ----"
    rf"|^[\s>]*+-{{2,}}+ ?[^-\n]{{1,100}}\b({_WROTE}) ?-{{2,}}+\s*+$"
    # Lotus Notes / Domino: "----- Forwarded by Ann/Acme on 01/02/2003 10:00 AM -----"
    r"|^[\s>]*+-{2,}+ ?Forwarded by\b.{0,200}\bon\b.{0,100}\d.{0,100}$"
    # a date and time, then an address in brackets and a colon, in any language
    # (Gmail in Russian or Japanese, Mail.ru's "... от Ann <a@b.c>:")
    r"|^[\s>]*+\S.{0,150}\d{1,2}:\d{2}.{0,150}<[^<>@\s]{1,100}+@[^<>\s]{1,100}+>\s*+:\s*+$"
    # "On <date>, Ann <a@b.c> sent:"
    r"|^[\s>]*+(On|Am|Le|El|Em|Op)\b.{0,200}@.{0,100}\bsent\s*+:\s*+$",
    re.IGNORECASE,
)
# Reply headers are short lines; a longer one is text. The header patterns
# backtrack on long lines (a 10,000-character line took seconds), so they
# never see one.
_HEADER_MAX = 1000
# Words that start a wrapped reply header, so that we only join lines there.
_REPLY_HEADER_START = re.compile(
    r"^[\s>]*+-*+\s*+((On|Le|Am|El|Em|Il|Op|W dniu|Den|P[åa]|At)\b|\d|[^\W\d]{1,12}+\.?,?\s*+\d)"
    # an address read from the start of its run of characters only
    r"|(?<![\w.+-])[\w.+-]++@[\w-]+\.\w",
    re.IGNORECASE,
)
_HEADER_OPENING = re.compile(
    r"^[\s>]*+-*+\s*+(On|Le|Am|El|Em|Il|Op|W dniu|Den|P[åa]|At)\b", re.IGNORECASE
)
_HEADER_FIELD = re.compile(
    r"^\s*+\*?\s*+(From|Sent|To|Cc|Bcc|Subject|Date|Reply-To|Von|Gesendet|An|Betreff|"
    r"Datum|De|Envoy[ée]|[ÀA]|Objet|Para|Asunto|Fecha|Enviado|Da|Inviato|Oggetto|"
    r"Data|Risposta|Van|Verzonden|Aan|Onderwerp|Fr[åa]n|Skickat|Till|[ÄA]mne|Fra|"
    r"Sendt|Til|Emne|Od|Wys[łl]ano|Do|Temat|От|Отправлено|Кому|Тема|Дата|Від|"
    r"Надіслано)\s*+\*?\s*+:",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(
    r"^\s*+\*?\s*+(From|Von|De|Da|Van|Fr[åa]n|Fra|Od|От|Від)\s*+\*?\s*+:", re.IGNORECASE
)
# A line of symbols only ("--", "___", "****", Gmail's "ᐧ") may end the message;
# "--" and a dash always do (the signature delimiter), a longer rule only when
# a header or a short signature block follows it (see _symbol_rules).
_DELIMITER = re.compile(r"^\s*+([-_=*~#+•ᐧ—–])\1*+\s*+$|^\s*+-- ?$")
_SIGNATURE_DELIMITER = re.compile(r"^\s*+(-- ?|[—–ᐧ]++)\s*+$")
_SUBJECT_FIELD = re.compile(
    r"^\s*+\*?\s*+(Subject|Betreff|Objet|Asunto|Oggetto|Onderwerp|[ÄA]mne|Emne|Temat|"
    r"Тема|Assunto)\s*+\*?\s*+:",
    re.IGNORECASE,
)
# A reply header that starts after the writer's text on the same line
# ("Thanks! On Mon, 2 Feb 2026, Ann <a@b.c> wrote:", "reply--- On ...").
_INLINE_HEADER_START = re.compile(
    r"(?:\s|-{2,}+)((On|Le|Am|El|Em|Il|Op|Den|W dniu)\s)", re.IGNORECASE
)
# A short line saying which device or app sent the mail, in any language.
# (a line of at most 10 words, the last of the writer's text: "Sent from my
# phone, which is why I am short" is a sentence, kept)
_MOBILE_SIGNATURE = re.compile(
    r"^\W{0,3}(Sent|Envoy[ée]|Enviado|Inviato|Verzonden|Skickat|Sendt|Wys[łl]ane|"
    r"Отправлено|Von meinem|Diese Nachricht wurde)\b.{0,80}$"
    r"|^\W{0,3}From my (iPhone|iPad|Android|mobile|phone|Samsung|Galaxy)\b.{0,40}$"
    r"|^\W{0,3}Get \[?Outlook for\b.{0,80}$"
    r"|^.{0,30}(從|从)我的.{0,20}(傳送|发送)\s*$"
    r"|^\S.{0,40} from (my )?mobile\s*$",
    re.IGNORECASE,
)
_DEVICE = re.compile(
    r"iphone|ipad|ipod|android|mobile|phone|galaxy|device|mail|outlook|blackberry|"
    r"samsung|windows|airmail|yahoo|tablet|ti-\d|handy|telefon|m[óo]vil|cellulare|"
    r"\bcell\b|\bpc\b|htc|alcatel|k-9|gesendet",
    re.IGNORECASE,
)
# ">" quotes, Supercite-style "C>" quotes, and "| " quotes that are not tables.
_QUOTE = re.compile(r"^\s*+([A-Z]{1,3})?>|^\s*+\|(?!.*\|\s*$)")
_FENCE = re.compile(r"^\s*(```|~~~)")


# html2text writes Markdown; a reply header or a separator must reach
# split_reply as the plain-text client writes it: "\-----Original Message"
# unescaped, <hr> as Outlook's rule of underscores (not "* * *"), automatic
# links without their angle brackets (mailto links are plain text already).
_MD_ESCAPE = re.compile(r"^([ \t>]*+)\\([-+#])|^([ \t>]*+\d{1,9})\\\.", re.MULTILINE)
_MD_RULE = re.compile(r"^([ \t>]*+)\* \* \*[ \t]*+$", re.MULTILINE)
_MD_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^\s<>]{1,2000}+)>")


def html_to_text(html):
    """Plain text of an HTML body: paragraphs kept, no line wrapping, written
    as the plain-text part of the same email would be."""
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = True
    converter.ignore_mailto_links = True
    converter.single_line_break = False
    converter.unicode_snob = True
    text = converter.handle(html or "")
    text = _MD_ESCAPE.sub(
        lambda m: (m[1] or "") + (m[2] or "") if m[2] else m[3] + ".", text
    )
    text = _MD_RULE.sub(r"\1" + "_" * 32, text)
    text = _MD_AUTOLINK.sub(r"\1", text)
    # html2text's hard breaks ("  ") and the empty paragraphs of HTML mail
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}+", "\n\n", text).strip()


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
    except UnicodeDecodeError:
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
