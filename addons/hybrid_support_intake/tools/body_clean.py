"""Turn an email body into what the customer wrote in *this* message.

``html_to_text`` converts HTML mail with html2text; ``split_reply`` separates
the new text from quoted history, reply headers and signatures. Both are pure
functions so they can be measured on labelled corpora (see tests/bench_trim.py).
"""

import re

import html2text

# "On Mon, 1 Feb 2016, Ann <a@b.c> wrote:" and its translations. The header may
# be wrapped over up to three lines, so these are matched on joined lines.
_REPLY_HEADER_PATTERNS = [
    r"^On\b.{0,300}\bwrote:?$",
    r"^Le\b.{0,300}\ba [ée]crit\s?:$",
    r"^Am\b.{0,300}\bschrieb\b.{0,200}:$",
    r"^El\b.{0,300}\bescribi[óo]\s?:$",
    r"^Em\b.{0,300}\bescreveu\s?:$",
    r"^Il\b.{0,300}\bha scritto\s?:$",
    r"^Op\b.{0,300}\bschreef\b.{0,200}:$",
    r"^W dniu\b.{0,300}\bpisze\s?:$",
    r"^Den\b.{0,300}\bskrev\b.{0,200}:$",
    r"^P[åa]\b.{0,300}\bskrev\b.{0,200}:$",
    r"^.{0,300}\b(написал|написала|написав|написала\(а\)|пише)\s?:$",
    r"^.{0,300}(写道|寫道|のメッセージ)\s?[:：]$",
    r"^-{2,}\s*(Original Message|Mensaje original|Message d'origine|"
    r"Urspr[üu]ngliche Nachricht|Messaggio originale|Oorspronkelijk bericht|"
    r"Oryginalna wiadomo[śs][ćc]|Исходное сообщение)\s*-{2,}$",
    r"^(Begin forwarded message|-{2,}\s*Forwarded message\s*-{2,})",
]
_REPLY_HEADER = re.compile("|".join(_REPLY_HEADER_PATTERNS), re.IGNORECASE)
# Outlook-style header block: "From: ..." followed by Sent/Date/To/Subject lines.
_HEADER_FIELD = re.compile(
    r"^\*?(From|Von|De|Da|Van|Od|Fra|Från|От|Sent|Gesendet|Envoy[ée]|Inviato|"
    r"Verzonden|Wysłano|Date|Datum|Fecha|Data|Дата|Отправлено|To|An|À|A|Para|Aan|"
    r"Do|Til|Till|Кому|Cc|Subject|Betreff|Objet|Asunto|Oggetto|Onderwerp|Temat|"
    r"Emne|Ämne|Тема)\s?\*?\s?:",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(r"^\*?(From|Von|De|Da|Van|Od|Fra|Från|От)\s?\*?\s?:", re.I)
_SIGNATURE_DELIMITER = re.compile(r"^(--|__|—)\s*$")
_MOBILE_FOOTER = re.compile(
    r"^(Sent from (my|Mail for|Yahoo|Outlook)|Get Outlook for|Envoy[ée] de mon|"
    r"Enviado desde mi|Von meinem .* gesendet|Inviato da|Verzonden vanaf|"
    r"Sent via|Sent with)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"^\s*>")


def html_to_text(html):
    """Plain text of an HTML body: paragraphs kept, no line wrapping."""
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_tables = True
    converter.single_line_break = False
    converter.unicode_snob = True
    return converter.handle(html or "").strip()


def _is_reply_header(lines, index):
    """True when a reply header starts at ``lines[index]``."""
    joined = ""
    for offset in range(3):
        if index + offset >= len(lines):
            break
        joined = (joined + " " + lines[index + offset].strip()).strip()
        if _REPLY_HEADER.match(joined):
            return True
    return _is_header_block(lines, index)


def _is_header_block(lines, index):
    if not _FROM_FIELD.match(lines[index].strip()):
        return False
    fields = 0
    for line in lines[index + 1 : index + 8]:
        if _HEADER_FIELD.match(line.strip()):
            fields += 1
        elif line.strip():
            break
    return fields >= 2


def split_reply(text):
    """Split ``text`` into (new text, elided remainder).

    The cut is made at the first reply header, at a trailing block of ``>``
    quotes, or at a signature delimiter / mobile footer.
    """
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if _is_reply_header(lines, index):
            cut = index
            break
        if _SIGNATURE_DELIMITER.match(stripped) or _MOBILE_FOOTER.match(stripped):
            cut = index
            break
        if _QUOTE.match(line) and all(
            _QUOTE.match(rest) or not rest.strip() for rest in lines[index:]
        ):
            cut = index
            break
    kept = "\n".join(lines[:cut]).rstrip()
    elided = "\n".join(lines[cut:]).strip("\n")
    if not kept.strip():
        # A reply made only of quotes: keep everything rather than nothing.
        return text.strip(), ""
    return kept, elided


def _decode_part(part):
    payload = part.get_payload(decode=True) or b""
    charset = part.get_content_charset() or "utf-8"
    for candidate in (charset, "utf-8", "cp1252"):
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def plain_text_part(message):
    """The first inline text/plain part of an email, decoded, or ""."""
    try:
        for part in message.walk():
            if part.get_content_type() != "text/plain":
                continue
            if (part.get_content_disposition() or "inline") != "inline":
                continue
            return _decode_part(part).strip()
    except Exception:  # malformed MIME: the caller falls back to the HTML body
        return ""
    return ""
