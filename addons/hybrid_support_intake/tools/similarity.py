"""Near-duplicate detection between two short support messages."""

import re
from difflib import SequenceMatcher

_WORD = re.compile(r"\w+", re.UNICODE)
# Long texts are compared on their start: a duplicate repeats its opening.
_MAX_CHARS = 2000


def _tokens(text):
    return _WORD.findall((text or "")[:_MAX_CHARS].lower())


def similarity(a, b):
    """0..1: how close two messages are, word by word (order matters, so a
    reworded follow-up scores lower than a resent copy)."""
    left, right = _tokens(a), _tokens(b)
    if not left or not right:
        return 0.0
    return SequenceMatcher(None, left, right, autojunk=False).ratio()


def similarity_at_least(a, b, threshold):
    """``similarity(a, b)`` when it reaches ``threshold``, else 0.0; cheap
    upper bounds reject most pairs before the full comparison (as difflib's
    own get_close_matches does)."""
    left, right = _tokens(a), _tokens(b)
    if not left or not right:
        return 0.0
    matcher = SequenceMatcher(None, left, right, autojunk=False)
    if matcher.real_quick_ratio() < threshold or matcher.quick_ratio() < threshold:
        return 0.0
    score = matcher.ratio()
    return score if score >= threshold else 0.0
