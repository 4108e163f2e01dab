"""Case references in subjects: "Re: [HT00012] Cannot log in"."""

import re

# A bracketed token with at least one digit, e.g. [HT00012] or [CASE-2026-7].
_BRACKETED = re.compile(r"\[\s*([A-Za-z0-9][A-Za-z0-9/_-]{1,30})\s*\]")


def subject_references(subject):
    """Candidate case numbers found in brackets in ``subject``, in order."""
    found = []
    for token in _BRACKETED.findall(subject or ""):
        if any(ch.isdigit() for ch in token) and token not in found:
            found.append(token)
    return found


def tag_subject(number, subject):
    """Subject for an outgoing message that carries the case reference once."""
    subject = (subject or "").strip()
    tag = f"[{number}]"
    return subject if tag in subject else f"{tag} {subject}".strip()
