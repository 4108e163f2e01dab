"""The line patterns of the reply trimmer (body_clean.split_reply): reply
headers ("On <date>, Ann <a@b.c> wrote:"), header fields of an embedded
message, delimiters, mobile signatures and quotes, in the languages our
customers write in. Patterns only: the decisions are in body_clean."""

import re

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
