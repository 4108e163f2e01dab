"""Draft replies from what already worked: ranking of past answers, canned
responses and articles against a new case, the draft's text, and how much an
agent changed it before sending."""

import re

from rapidfuzz.distance import Levenshtein

# intents whose answers always need a person, whatever the edit rate: marked
# never-automate in the catalogue the lexicon's intents are made in
NEVER_AUTO = frozenset({"legal", "security"})
MAX_AUTO_EDIT_RATE = 0.30

_GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|bonjour|hallo|hola)"
    r"\b[^\n]*\n+",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def compose(answer, customer_name=""):
    """The draft's text: a greeting for this customer and the past answer
    without its own greeting (which named another customer)."""
    body = _GREETING.sub("", (answer or "").strip(), count=1).strip()
    greeting = f"Hello {customer_name}," if customer_name else "Hello,"
    return f"{greeting}\n\n{body}" if body else ""


def _normal(text):
    return _SPACES.sub(" ", text or "").strip()


def edit_distance(draft, sent):
    """Share of the draft an agent changed (Levenshtein distance over the
    longer text, whitespace ignored): 0 sent as is, 1 rewritten."""
    return round(Levenshtein.normalized_distance(_normal(draft), _normal(sent)), 3)


def auto_send_refusal(never_automate, edit_rates, needed):
    """Why auto-send may not be switched on for ``intent`` given the edit
    rates of its last drafts (newest first); None when it may."""
    if never_automate:
        return "its answers are always reviewed by a person (never automate)"
    if len(edit_rates) < needed:
        return f"{len(edit_rates)} drafts sent so far, {needed} needed"
    rate = sum(edit_rates[:needed]) / needed
    if rate >= MAX_AUTO_EDIT_RATE:
        return (
            f"agents changed {rate:.0%} of the last {needed} drafts (under 30% needed)"
        )
    return None
