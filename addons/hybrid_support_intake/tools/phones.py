"""Phone numbers written in an email, normalised to E.164 with phonenumbers."""

import re

import phonenumbers

# VALID rejects order numbers and dates that merely look like digits.
_LENIENCY = phonenumbers.Leniency.VALID
# Numbers are written in the opening lines or the signature; the middle of a
# long text (a pasted log) is not read: the matcher takes seconds a megabyte.
WINDOW = 5000


# any digit, Unicode ones too (the matcher reads them)
_DIGIT = re.compile(r"\d")


def may_hold_phone_number(text):
    """Whether ``text`` has the two digits any phone number has: without
    them the matcher finds nothing in any region, and the caller need not
    look up which region to read it in. Two searches, no backtracking."""
    first = _DIGIT.search(text or "")
    return first is not None and _DIGIT.search(text, first.end()) is not None


def find_phone_numbers(text, region=None, limit=5):
    """E.164 numbers found in ``text``, in order of appearance, without repeats.

    ``region`` (ISO 3166 alpha-2, e.g. "GB") reads numbers written without a
    country prefix; without it only international (+..) numbers are found.
    """
    found = []
    if not text:
        return found
    if len(text) > 2 * WINDOW:
        # cut at spaces, so that no number is read half
        head = text[:WINDOW].rsplit(None, 1)[0]
        tail = text[-WINDOW:].split(None, 1)[-1]
        text = f"{head}\n{tail}"
    region = (region or "").upper() or None
    for match in phonenumbers.PhoneNumberMatcher(text, region, leniency=_LENIENCY):
        number = phonenumbers.format_number(
            match.number, phonenumbers.PhoneNumberFormat.E164
        )
        if number not in found:
            found.append(number)
            if len(found) >= limit:
                break
    return found


def normalize_phone(text, region=None):
    """``text`` as one E.164 number (``+442079460123``), or ``""`` when it is
    not a valid phone number (without a country prefix, ``region`` says
    which country it is dialled in)."""
    try:
        number = phonenumbers.parse(text or "", (region or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_valid_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
