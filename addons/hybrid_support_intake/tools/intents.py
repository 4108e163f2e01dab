"""Codes of the intent catalogue: the stable key the classifiers learn.

An intent's code is what a trained model predicts and what the migration
derives from the free-text intents of older versions, so that "Billing",
"billing " and "billing" fall into one class instead of three.
"""

import re
import unicodedata

# lowercase letters and digits, words joined by "_"; never starts with "_"
# (the classifier's own labels, such as its catch-all class, do)
CODE_PATTERN = re.compile(r"[a-z0-9]++(?:_[a-z0-9]++)*+")
_NOT_WORD = re.compile(r"[^a-z0-9]++")
MAX_CODE = 64


def intent_code(text):
    """The code of a free-text intent: lowercase ASCII words joined by "_"
    ("Order status" -> "order_status"); "" when nothing is left (a name in
    another script: the code is then given by hand)."""
    # accents folded away ("Rückerstattung" -> "ruckerstattung")
    folded = unicodedata.normalize("NFKD", (text or "").strip().lower())
    folded = folded.encode("ascii", "ignore").decode("ascii")
    return _NOT_WORD.sub("_", folded).strip("_")[:MAX_CODE].rstrip("_")


def is_valid_code(code):
    return bool(code) and len(code) <= MAX_CODE and bool(CODE_PATTERN.fullmatch(code))
