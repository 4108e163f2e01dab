"""Redaction of a reply written for another customer, so that only its
generic advice is left: secrets, links, email addresses, phone numbers,
account and card numbers, street addresses, references, other numbers and
the names given are replaced by placeholders.

Every pattern is linear on hostile input: a pattern that opens with a run of
characters is guarded by a lookbehind on the same characters, so that it is
only tried where such a run starts, and its repetitions cannot overlap.
"""

import re

MAX_CHARS = 20000  # a reply longer than this is cut: a draft needs no more

SECRET, LINK, EMAIL, PHONE = "[secret]", "[link]", "[email]", "[phone]"
ACCOUNT, ADDRESS, REFERENCE, NUMBER, NAME = (
    "[account number]",
    "[address]",
    "[reference]",
    "[number]",
    "[name]",
)

# "password: X", "temporary password is X", "PIN = 1234", "token: abc"
_SECRET = re.compile(
    r"\b(?P<label>(?:pass(?:word|code|phrase)s?|pins?|otp|tokens?|secrets?|"
    r"api[ _-]?keys?|(?:verification|security|access|login|reset|one[ -]time)"
    r" codes?)(?:\s++(?:is|was|will be)(?:\s*+:)?|\s*+[:=]))\s*+[^\s,;]+",
    re.IGNORECASE,
)
_LINK = re.compile(r"(?<![\w/])(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?"
    r"(?![A-Za-z0-9])"
)
_STREET_WORDS = (
    r"street|st|road|rd|avenue|ave|lane|ln|drive|dr|boulevard|blvd|way|court|"
    r"ct|place|pl|square|sq|close|crescent|terrace|gardens|parkway|pkwy|"
    r"highway|hwy|row|mews|hill|strasse|straße"
)
# "221B Baker Street", "1600 Pennsylvania Avenue NW", "12 rue de la Paix"
_STREET = re.compile(
    r"(?<![\w-])\d{1,5}[A-Za-z]?,?[ \t]+(?:"
    r"(?:(?:[A-Z][\w'-]*|of|the|de|la|du)[ \t]+){0,4}"
    rf"(?i:{_STREET_WORDS})\b\.?(?:[ \t]+(?:N|S|E|W|NE|NW|SE|SW)\b)?"
    r"|(?i:rue|avenue|boulevard|place|via|calle)\b[^\n,]{0,60})"
    # the town, region and country that follow: ", Springfield, IL"
    r"(?:,[ \t]*[A-Z][\w'-]*(?:[ \t]+[A-Z][\w'-]*)?){0,3}",
)
# what follows "address:" / "ship to:" on its line
_LABELLED_ADDRESS = re.compile(
    r"\b(?P<label>(?:(?:postal|street|home|billing|shipping|delivery)\s)?"
    r"address|ship(?:ping)? to|deliver(?:y|ed)? to)(?P<sep>\s*+:\s*+|\s++is\s++)"
    r"[^\n]+",
    re.IGNORECASE,
)
_UNIT = re.compile(
    r"\b(?:apt|apartment|flat|suite|unit|floor|po box)\.?[ \t]*+#?[ \t]*+"
    r"(?=[\w-]*\d)[\w-]+",
    re.IGNORECASE,
)
# UK postcodes ("SW1A 1AA"); US ZIP codes are numbers below
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}(?![A-Za-z0-9])"
)
# "+44 20 7946 0958", "+1 (415) 555-0133"
_INTERNATIONAL_PHONE = re.compile(r"(?<![\w+])\+\d[\d \t().-]{5,22}\d")
# "(415) 555-0133", "415-555-0133", "415.555.0133"
_US_PHONE = re.compile(r"(?<![\w(])(?:\(\d{3}\)[ \t]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?!\w)")
# a word holding letters and digits: "SO12345", "INV/2026/0001", "1Z999AA1"
_REFERENCE = re.compile(
    r"(?<![\w/#-])#?(?=[\w/-]*\d)(?=[\w/-]*[A-Za-z])[\w/-]*[\w]",
)
# digits, grouped by single spaces, dashes, dots or slashes: card numbers,
# amounts, dates, order numbers... kept when under three digits ("2 days")
_NUMBER = re.compile(r"(?<![\w#])#?\d+(?:[ ./,-]\d+)*")
_HONORIFIC = re.compile(
    r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Sir|Madam)\.?[ \t]+[A-Z][\w'-]*"
    r"(?:[ \t]+[A-Z][\w'-]*)?"
)
_GREETING_NAME = re.compile(
    r"(?im)^(?P<greeting>[ \t]*(?:hi|hello|hey|dear|good (?:morning|afternoon|"
    r"evening))[ \t]+)[^\n,!:]{1,60}"
)


def _number(match):
    text = match.group()
    return NUMBER if sum(c.isdigit() for c in text) >= 3 else text


def _names_pattern(names):
    words = set()
    for name in names or ():
        for word in re.split(r"[\s,.<>()\"']+", name or ""):
            if len(word) > 1 and not word.isdigit():
                words.add(re.escape(word))
    if not words:
        return None
    alternatives = "|".join(sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def redact(text, names=()):
    """``text`` with what could identify a customer replaced by placeholders;
    ``names``: the names (and addresses) of the people the text was written
    for or about, each word of which is removed wherever it appears."""
    text = (text or "")[:MAX_CHARS]
    text = _LINK.sub(LINK, text)
    text = _SECRET.sub(lambda m: f"{m.group('label')} {SECRET}", text)
    text = _EMAIL.sub(EMAIL, text)
    text = _IBAN.sub(ACCOUNT, text)
    text = _POSTCODE.sub(ADDRESS, text)
    text = _LABELLED_ADDRESS.sub(
        lambda m: f"{m.group('label')}{m.group('sep')}{ADDRESS}", text
    )
    text = _STREET.sub(ADDRESS, text)
    text = _UNIT.sub(ADDRESS, text)
    text = _INTERNATIONAL_PHONE.sub(PHONE, text)
    text = _US_PHONE.sub(PHONE, text)
    text = _REFERENCE.sub(REFERENCE, text)
    text = _NUMBER.sub(_number, text)
    text = _HONORIFIC.sub(NAME, text)
    text = _GREETING_NAME.sub(lambda m: f"{m.group('greeting')}{NAME}", text)
    names_pattern = _names_pattern(names)
    if names_pattern:
        text = names_pattern.sub(NAME, text)
    return text
