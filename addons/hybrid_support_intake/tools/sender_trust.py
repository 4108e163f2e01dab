"""What an incoming email may prove about its sender.

``From`` is never proof of identity: anyone can write any address there.
Two things can vouch for a sender instead:

- a **case key**: a short keyed hash of the case number that only our own
  emails carry (in the subject of the acknowledgement), so that a subject
  reference with its key threads into the case and one without does not;
- the **receiving mail server's verdict**: an ``Authentication-Results``
  header (RFC 8601) saying ``dmarc=pass`` for the ``From`` domain, honoured
  only when the administrator says that their own server adds it and strips
  any that came from outside.
"""

import base64
import hashlib
import hmac
import re

# 10 base32 characters (50 bits) in the references of our emails; the
# 6-character keys (30 bits) of emails sent before still verify
CASE_KEY_LENGTH = 10
LEGACY_CASE_KEY_LENGTH = 6
KEY_LENGTHS = (LEGACY_CASE_KEY_LENGTH, CASE_KEY_LENGTH)
# keys one email may try: a subject is read up to 20,000 characters, room
# for a thousand guesses of one case's key otherwise
MAX_KEYED_TOKENS = 3
# "dmarc=pass" and its "header.from=" property, read in one linear pass
_DMARC = re.compile(r"\bdmarc\s*+=\s*+(\w++)", re.IGNORECASE)
_HEADER_FROM = re.compile(r"\bheader\.from\s*+=\s*+\"?+([^\s;\"]++)", re.IGNORECASE)
_MAX_HEADER = 4096


def case_key(secret, number, length=CASE_KEY_LENGTH):
    """The key of case ``number``: ``length`` characters of an HMAC-SHA256
    with the database secret (10 characters, 50 bits: guessing takes about
    10^14 emails at three guesses each). The legacy 6-character key is the
    start of the 10-character one."""
    digest = hmac.new(
        (secret or "").encode(), f"hs-case:{number}".encode(), hashlib.sha256
    ).digest()
    return base64.b32encode(digest).decode()[:length].lower()


def keyed_reference(secret, number):
    """``HT00012-k7f2q9m4xa``: the case number with its key, for our subjects."""
    return f"{number}-{case_key(secret, number)}"


def reference_readings(token):
    """The ways to read a bracketed subject token: ``[(number, key)]``, the
    token as a bare number first, then, when its last dash-separated part
    has the key's length, the number before it with that key. Numbers may
    contain dashes themselves (``CASE-2026-7``, ``HT-202601``), so both
    readings are tried against the cases that exist."""
    token = (token or "").strip()
    readings = [(token, "")] if token else []
    number, dash, key = token.rpartition("-")
    if dash and number and len(key) in KEY_LENGTHS and key.isalnum():
        readings.append((number, key.lower()))
    return readings


def subject_readings(tokens):
    """The readings (``reference_readings``) of a subject's bracketed
    ``tokens`` to try, in order: every bare reading, but the keyed readings
    of the first ``MAX_KEYED_TOKENS`` keyed tokens only, and none for a case
    named with two different keys (our emails carry one; a guesser many).
    A keyed reading left out still names its case, without its key."""
    readings = [reading for token in tokens for reading in reference_readings(token)]
    keys = {}
    for number, key in readings:
        if key:
            # the legacy key is the start of the new one: the same key
            keys.setdefault(number, set()).add(key[:LEGACY_CASE_KEY_LENGTH])
    kept, keyed = [], 0
    for number, key in readings:
        if key:
            keyed += 1
            if keyed > MAX_KEYED_TOKENS or len(keys[number]) > 1:
                key = ""
        if (number, key) not in kept:
            kept.append((number, key))
    return kept


def key_matches(secret, number, key):
    if not key or len(key) not in KEY_LENGTHS:
        return False
    return hmac.compare_digest(case_key(secret, number, len(key)), key.lower())


def dmarc_verdict(authentication_results, from_domain):
    """``"pass"``, ``"fail"`` (or another DMARC result) for ``from_domain``
    according to the first ``Authentication-Results`` header (the one the
    receiving server added on top), ``""`` when it says nothing about it."""
    header = (authentication_results or "")[:_MAX_HEADER]
    verdict = _DMARC.search(header)
    if not verdict or not from_domain:
        return ""
    named = _HEADER_FROM.search(header)
    if named and named.group(1).lower().rstrip(".") != from_domain.lower():
        return ""  # a verdict about another domain vouches for nothing here
    return verdict.group(1).lower()


# The address in angle brackets of a From header: the last one wins, as mail
# clients show it (a display name may itself look like an address).
_ANGLE_ADDRESS = re.compile(r"<\s*+([^<>\s@]++@[^<>\s@]++)\s*+>")
_MAX_FROM = 2000


def sender_from_header(raw_from):
    """``(name, address)`` of a raw ``From`` value whose address is in angle
    brackets, else ``("", "")`` (then the usual parser is right).

    Python's parser reads ``Load burst.x@newco.example <burst.x@newco.example>``
    as the address ``"Load burst.x"@newco.example`` and
    ``john@ours.example <evil@evil.example>`` as ``john@ours.example``: both
    wrong, the second one a spoof. The bracketed address is the one the
    message came from and answers go to."""
    value = (raw_from or "")[:_MAX_FROM]
    matches = list(_ANGLE_ADDRESS.finditer(value))
    if not matches:
        return "", ""
    last = matches[-1]
    name = value[: last.start()].strip().strip('"').strip()
    head, comma, tail = name.rpartition(",")
    if comma and "@" in head:
        # "Doe, John <j@x>" is one person; "a@x, Eve <e@y>" names two
        # senders: keep the bracketed one's own name only
        name = tail.strip().strip('"').strip()
    return name, last.group(1).lower()
