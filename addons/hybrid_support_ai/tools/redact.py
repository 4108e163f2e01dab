"""Redaction of a reply written for another customer, so that only its
generic advice is left: secrets, links, email addresses, phone numbers,
account and card numbers, street addresses, references, other numbers and
the names given are replaced by placeholders.

The patterns of personal data are hybrid_support_intake's ``tools/pii.py``,
shared with the help center's anonymiser; what is ai's own is the policy:
every link goes, and any number of three digits or more. Every pattern is
linear on hostile input: a pattern that opens with a run of characters is
guarded by a lookbehind on the same characters, so that it is only tried
where such a run starts, and its repetitions cannot overlap.
"""

import re

from odoo.addons.hybrid_support_intake.tools import pii
from odoo.addons.hybrid_support_intake.tools.pii import (
    ACCOUNT,
    ADDRESS,
    EMAIL,
    LINK,
    NAME,
    NUMBER,
    PHONE,
    REFERENCE,
    SECRET,
)

MAX_CHARS = 20000  # a reply longer than this is cut: a draft needs no more

# a word holding letters and digits: "SO12345", "INV/2026/0001", "1Z999AA1"
_REFERENCE = re.compile(
    r"(?<![\w/#-])#?(?=[\w/-]*\d)(?=[\w/-]*[A-Za-z])[\w/-]*[\w]",
)
# digits, grouped by single spaces, dashes, dots or slashes: card numbers,
# amounts, dates, order numbers... kept when under three digits ("2 days")
_NUMBER = re.compile(r"(?<![\w#])#?\d+(?:[ ./,-]\d+)*")


def _number(match):
    text = match.group()
    return NUMBER if sum(c.isdigit() for c in text) >= 3 else text


def redact(text, names=()):
    """``text`` with what could identify a customer replaced by placeholders;
    ``names``: the names (and addresses) of the people the text was written
    for or about, each word of which is removed wherever it appears."""
    text = (text or "")[:MAX_CHARS]
    text = pii.LINK_RE.sub(LINK, text)
    text = pii.LABELLED_SECRET_RE.sub(lambda m: f"{m.group('label')} {SECRET}", text)
    text = pii.EMAIL_RE.sub(EMAIL, text)
    text = pii.IBAN_RE.sub(ACCOUNT, text)
    text = pii.POSTCODE_RE.sub(ADDRESS, text)
    text = pii.LABELLED_ADDRESS_RE.sub(
        lambda m: f"{m.group('label')}{m.group('sep')}{ADDRESS}", text
    )
    text = pii.STREET_RE.sub(ADDRESS, text)
    text = pii.UNIT_RE.sub(ADDRESS, text)
    text = pii.INTERNATIONAL_PHONE_RE.sub(PHONE, text)
    text = pii.US_PHONE_RE.sub(PHONE, text)
    text = _REFERENCE.sub(REFERENCE, text)
    text = _NUMBER.sub(_number, text)
    text = pii.HONORIFIC_RE.sub(NAME, text)
    text = pii.GREETING_NAME_RE.sub(lambda m: f"{m.group('greeting')}{NAME}", text)
    names_pattern = pii.names_pattern(names)
    if names_pattern:
        text = names_pattern.sub(NAME, text)
    return text
