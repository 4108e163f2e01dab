"""Anonymisation of a customer's question and an agent's answer before they
become a knowledge base draft that other customers may one day read.

What is removed, each replaced by a placeholder: secrets (passwords, API
keys, tokens), links carrying parameters, email addresses, IBANs and card
numbers, account/order/invoice references (the administrators' reference
patterns, labelled references, words mixing letters and digits, long
numbers), phone numbers, postal addresses, and names: the names known to the
case (its customer, contacts, signatures) wherever they appear, and
capitalised words after a greeting, an honorific, "my name is" or a sign-off.

No ORM here. Every pattern is linear on hostile input: repeats are bounded
or possessive, and a pattern that opens with a run of characters is guarded
by a lookbehind on the same characters, so that it is only tried where such a
run starts (tests/test_anonymise.py times them on hostile texts and checks
them with hybrid_support_intake's ``check_linear``). A text is cut at
``MAX_CHARS``: a draft needs no more.
"""

import re

import phonenumbers

from odoo.addons.hybrid_support_intake.tools import pii
from odoo.addons.hybrid_support_intake.tools.pii import (
    ACCOUNT,
    ADDRESS,
    CARD,
    EMAIL,
    LINK,
    NAME,
    NUMBER,
    PHONE,
    REFERENCE,
    SECRET,
)

MAX_CHARS = 20_000

# the patterns shared with ai's redaction (hybrid_support_intake's tools/pii.py)
_LABELLED_SECRET, _LINK, _EMAIL, _IBAN = (
    pii.LABELLED_SECRET_RE,
    pii.LINK_RE,
    pii.EMAIL_RE,
    pii.IBAN_RE,
)
_INTERNATIONAL_PHONE, _US_PHONE = pii.INTERNATIONAL_PHONE_RE, pii.US_PHONE_RE
_STREET, _LABELLED_ADDRESS, _UNIT, _POSTCODE = (
    pii.STREET_RE,
    pii.LABELLED_ADDRESS_RE,
    pii.UNIT_RE,
    pii.POSTCODE_RE,
)
_CAPITALISED, _HONORIFIC, _GREETING_NAME = (
    pii.CAPITALISED,
    pii.HONORIFIC_RE,
    pii.GREETING_NAME_RE,
)
_names_pattern = pii.names_pattern

PLACEHOLDERS = (NAME, EMAIL, PHONE, LINK, SECRET, ACCOUNT, CARD, REFERENCE)
PLACEHOLDERS += (NUMBER, ADDRESS)

# -- secrets -----------------------------------------------------------------

# "Bearer abc.def", "Authorization: Basic dXNlcjpwYXNz"
_AUTH_HEADER = re.compile(r"\b(?P<label>Bearer|Basic)[ \t]++[\w+/=.~-]{8,}+")
# well-known key shapes, and long random-looking strings (letters and digits
# mixed, 24 characters or more: a key, a token, a session id)
_KEY_SHAPES = re.compile(
    r"(?<![\w-])(?:sk|pk|rk)_(?:live|test)_[\w]{8,}+"
    r"|(?<![\w-])sk-[\w-]{16,}+"
    r"|(?<![\w-])(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|xox[abprs])[_-][\w-]{10,}+"
    r"|(?<![\w-])AKIA[0-9A-Z]{16}(?![\w-])"
    r"|(?<![\w-])eyJ[\w-]{8,}+\.[\w-]{8,}+\.[\w-]*+"
)
_LONG_TOKEN = re.compile(r"(?<![\w+/=-])(?=[\w+/=-]{24})(?=[^\s\d]*+\d)[\w+/=-]++")

# -- accounts ----------------------------------------------------------------

# card numbers: four groups of four (and Visa's 19 digits), Amex's 4-6-5, or
# 13 to 19 digits in a row
_CARD = re.compile(
    r"(?<![\w-])(?:\d{4}(?:[ -]?\d{4}){3}(?:\d{3})?|\d{4}[ -]?\d{6}[ -]?\d{5}"
    r"|\d{13,19})(?![\w-])"
)

# -- references --------------------------------------------------------------

_REFERENCE_WORDS = (
    r"order|invoice|account|acct|customer|client|contract|case|ticket|"
    r"reference|ref|booking|reservation|policy|membership|member|tracking|"
    r"shipment|parcel|subscription|licen[cs]e|serial|transaction|payment|"
    r"receipt|claim|user(?:name)?|login|id"
)
# "order no. 1234", "Account number: AB-778", "invoice #INV/2026/01", "user jdoe"
_LABELLED_REFERENCE = re.compile(
    rf"\b(?P<label>(?:{_REFERENCE_WORDS})(?:[ \t]++(?:no\.?|nr\.?|number|num|"
    r"n°|id|code|name))?+)(?P<sep>[ \t]*+[:#][ \t]*+|[ \t]++(?:is[ \t]++)?#?)"
    r"(?=[\w/-]*\d)[\w/-]{3,40}+",
    re.IGNORECASE,
)
# a word holding letters and digits: "SO12345", "INV/2026/0001", "1Z999AA1"
_MIXED_WORD = re.compile(
    r"(?<![\w/#-])#?(?=[\w/-]*\d)(?=[\w/-]*[A-Za-z])[\w/-]{4,60}+(?![\w/-])"
)
# digits, grouped by single spaces, dashes, dots or slashes; four digits or
# more are a reference, an account or a date, except a year standing alone
_NUMBER = re.compile(r"(?<![\w#.,/-])#?\d++(?:[ ./,-]\d++){0,8}")
_YEAR = re.compile(r"(?:19|20)\d\d")

# -- phones ------------------------------------------------------------------

# "020 7946 0958", "06 12 34 56 78", "030-1234567"
_NATIONAL_PHONE = re.compile(r"(?<![\w+])0\d{1,4}(?:[ .-]?\d{2,4}){2,4}(?!\w)")

# -- names -------------------------------------------------------------------

# "my name is Anna Smith", "this is Bob from accounting", "I'm Jane"
_SELF_NAMED = re.compile(
    rf"(?i:\b(?P<intro>my name is|my name's|call me|signed)[ \t]++)"
    rf"{_CAPITALISED}(?:[ \t]++{_CAPITALISED})?"
)
_SIGN_OFF = (
    r"thanks|thank you|many thanks|thanks again|cheers|regards|best|best wishes|"
    r"best regards|kind regards|warm regards|sincerely|yours sincerely|"
    r"yours truly|yours|all the best|take care|cordially|ciao|"
    r"mit freundlichen grüßen|cordialement|groeten|saludos|talk soon|"
    r"have a (?:nice|good|great) day"
)
# a sign-off and the name after it, on its line or the next one or two:
# "Thanks,\nJohn Smith", "Best regards, Anna", "Cheers -- Bob"
_SIGNED = re.compile(
    rf"(?im)^(?P<signoff>[ \t]*+(?:{_SIGN_OFF})[ \t]*+[,.!-]{{0,3}}+[ \t]*+)"
    r"(?P<rest>(?:\n[ \t]*+){0,2}+)"
    r"(?-i:[A-Z][\w'.-]{0,30}+)(?:[ \t]++(?-i:[A-Z][\w'.-]{0,30}+)){0,2}[ \t]*+$"
)
# a line holding only "-- " or "— Jane": a signature's name
_DASHED_NAME = re.compile(
    r"(?m)^(?P<dash>[ \t]*+(?:--|—|–)[ \t]*+(?:\n[ \t]*+)?)[A-Z][\w'.-]{0,30}+"
    r"(?:[ \t]++[A-Z][\w'.-]{0,30}+){0,2}[ \t]*+$"
)


def _replace_values(text, values, placeholder):
    """``text`` with each of ``values`` (literal strings) replaced, the
    longest first, wherever they stand as a whole word."""
    values = sorted({v.strip() for v in values if v and len(v.strip()) >= 3}, key=len)
    for value in reversed(values):
        text = re.sub(rf"(?<![\w/-]){re.escape(value)}(?![\w/-])", placeholder, text)
    return text


def _link(match):
    url = match.group()
    # a bare page of a site is advice ("see www.example.com/help"); a link
    # with parameters or numbers may carry a person (a token, an account id)
    if any(char in url for char in "?#=@&;") or sum(c.isdigit() for c in url) >= 3:
        return LINK
    return url


def _number(match):
    text = match.group()
    digits = sum(char.isdigit() for char in text)
    if digits < 4 or _YEAR.fullmatch(text):
        return text
    return NUMBER


# a run of digits and the separators a phone number is written with
_DIGIT_RUN = re.compile(r"\+?+\d[\d \t().-]*+")
PHONE_MAX_DIGITS = 17  # the longest phone number with its prefix: 15, and 00


def _phone_candidates(text):
    """``text`` with its digit runs too long to be one phone number masked
    (same length, so offsets hold): phonenumbers then skips them instead of
    trying every window of, say, a 20,000-character run of "12 " — cost that
    grows with the run. Such a run's numbers are replaced by the number
    pattern after."""
    return _DIGIT_RUN.sub(
        lambda m: (
            "x" * len(m.group())
            if sum(char.isdigit() for char in m.group()) > PHONE_MAX_DIGITS
            else m.group()
        ),
        text,
    )


def _phones(text, region):
    """Phone numbers phonenumbers reads in ``text`` (national forms with
    ``region``), replaced; the regexes above have taken the usual forms."""
    if not region:
        return text
    candidates = _phone_candidates(text)
    if not any(char.isdigit() for char in candidates):
        return text
    try:
        matches = list(
            phonenumbers.PhoneNumberMatcher(
                candidates, region.upper(), leniency=phonenumbers.Leniency.VALID
            )
        )
    except Exception:
        return text
    for match in reversed(matches):
        before, after = (
            text[match.start - 1 : match.start],
            text[match.end : match.end + 1],
        )
        if (before and (before.isalnum() or before in "-/#")) or (
            after and (after.isalnum() or after in "-/")
        ):
            continue  # a part of a reference, not a number of its own
        text = text[: match.start] + PHONE + text[match.end :]
    return text


def anonymise(text, names=(), references=(), patterns=(), region=None):
    """``text`` without what could identify a person or open an account.

    ``names``: names known to the case (customer, contacts, people in
    signatures), each word removed wherever it appears; ``references``:
    reference values known to the case (its order, invoice numbers...);
    ``patterns``: compiled reference patterns of the administrators (already
    checked linear by hybrid_support_intake); ``region``: ISO country code
    to read phone numbers written without their country prefix."""
    text = (text or "")[:MAX_CHARS]
    if not text.strip():
        return ""
    # links first (their parameters hold tokens), then secrets: a token may
    # hold an email-like or number-like part
    text = _LINK.sub(_link, text)
    text = _LABELLED_SECRET.sub(lambda m: f"{m.group('label')} {SECRET}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m.group('label')} {SECRET}", text)
    text = _KEY_SHAPES.sub(SECRET, text)
    text = _EMAIL.sub(EMAIL, text)
    text = _LONG_TOKEN.sub(SECRET, text)
    text = _IBAN.sub(ACCOUNT, text)
    text = _CARD.sub(CARD, text)
    # phones before references: "+44 20 7946 0958" is not an account
    text = _INTERNATIONAL_PHONE.sub(PHONE, text)
    text = _US_PHONE.sub(PHONE, text)
    text = _NATIONAL_PHONE.sub(PHONE, text)
    # references the case or the administrators know, then labelled ones
    found = list(references or ())
    for pattern in patterns or ():
        for match in pattern.finditer(text):
            found.append(match.group(1) if pattern.groups else match.group(0))
    text = _replace_values(text, found, REFERENCE)
    text = _LABELLED_REFERENCE.sub(
        lambda m: f"{m.group('label')}{m.group('sep')}{REFERENCE}", text
    )
    text = _phones(text, region)
    text = _LABELLED_ADDRESS.sub(
        lambda m: f"{m.group('label')}{m.group('sep')}{ADDRESS}", text
    )
    text = _STREET.sub(ADDRESS, text)
    text = _UNIT.sub(ADDRESS, text)
    text = _POSTCODE.sub(ADDRESS, text)
    text = _MIXED_WORD.sub(REFERENCE, text)
    text = _NUMBER.sub(_number, text)
    # names: known ones anywhere, then the places where a name is written
    names_pattern = _names_pattern(names)
    if names_pattern:
        text = names_pattern.sub(NAME, text)
    text = _HONORIFIC.sub(NAME, text)
    text = _GREETING_NAME.sub(lambda m: f"{m.group('greeting')}{NAME}", text)
    text = _SELF_NAMED.sub(lambda m: f"{m.group('intro')} {NAME}", text)
    text = _SIGNED.sub(lambda m: f"{m.group('signoff')}{m.group('rest')}{NAME}", text)
    text = _DASHED_NAME.sub(lambda m: f"{m.group('dash')}{NAME}", text)
    return text


def survivors(text, secrets):
    """The strings of ``secrets`` still found in ``text`` (case-insensitive,
    spacing ignored): what a test or the benchmark counts."""
    flat = re.sub(r"\s++", "", (text or "").lower())
    return [s for s in secrets if re.sub(r"\s++", "", s.lower()) in flat]


ALL_PATTERNS = {
    "labelled secret": _LABELLED_SECRET,
    "auth header": _AUTH_HEADER,
    "key shapes": _KEY_SHAPES,
    "long token": _LONG_TOKEN,
    "link": _LINK,
    "email": _EMAIL,
    "iban": _IBAN,
    "card": _CARD,
    "labelled reference": _LABELLED_REFERENCE,
    "mixed word": _MIXED_WORD,
    "number": _NUMBER,
    "international phone": _INTERNATIONAL_PHONE,
    "us phone": _US_PHONE,
    "national phone": _NATIONAL_PHONE,
    "street": _STREET,
    "labelled address": _LABELLED_ADDRESS,
    "unit": _UNIT,
    "postcode": _POSTCODE,
    "honorific": _HONORIFIC,
    "greeting name": _GREETING_NAME,
    "self named": _SELF_NAMED,
    "signed": _SIGNED,
    "dashed name": _DASHED_NAME,
}
