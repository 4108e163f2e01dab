"""Case references in subjects ("Re: [HT00012] Cannot log in") and business
references (orders, invoices, contracts...) found by configurable patterns."""

import re

from .regex_safety import MAX_TEXT, check_linear

# A bracketed token with at least one digit, e.g. [HT00012] or [CASE-2026-7].
_BRACKETED = re.compile(r"\[\s*+([A-Za-z0-9][A-Za-z0-9/_-]{1,30}+)\s*+\]")


def subject_references(subject):
    """Candidate case numbers found in brackets in ``subject``, in order."""
    found = []
    for token in _BRACKETED.findall((subject or "")[:MAX_TEXT]):
        if any(ch.isdigit() for ch in token) and token not in found:
            found.append(token)
    return found


def tag_subject(number, subject):
    """Subject for an outgoing message that carries the case reference once."""
    subject = (subject or "").strip()
    tag = f"[{number}]"
    return subject if tag in subject else f"{tag} {subject}".strip()


def compile_pattern(pattern):
    """The compiled regular expression, or ValueError with a readable reason."""
    try:
        compiled = re.compile(pattern)
    except re.error as error:
        raise ValueError(str(error)) from error
    if compiled.match(""):
        raise ValueError("the pattern matches an empty text")
    return compiled


def check_pattern(pattern):
    """``compile_pattern``, then a timing test on hostile texts (see
    regex_safety): ValueError when the pattern is invalid or backtracks.
    For patterns saved by administrators, never at mail time."""
    compiled = compile_pattern(pattern)
    check_linear(compiled)
    return compiled


def find_references(text, patterns, limit=20):
    """``[(key, value)]`` for every match of ``patterns`` (``{key: regex}``)
    in ``text``, in order of appearance, each value once per key. A pattern
    with a group yields the group, otherwise the whole match. Only the first
    ``MAX_TEXT`` characters are read: references are near the top, and a
    pattern's time grows with the text."""
    text = (text or "")[:MAX_TEXT]
    hits = []
    for key, regex in patterns.items():
        compiled = regex if hasattr(regex, "finditer") else compile_pattern(regex)
        for match in compiled.finditer(text):
            value = (match.group(1) if compiled.groups else match.group(0)).strip()
            if value:
                hits.append((match.start(), key, value))
    seen, result = set(), []
    for _start, key, value in sorted(hits):
        if (key, value) not in seen:
            seen.add((key, value))
            result.append((key, value))
    return result[:limit]
