"""Cold-start triage from keyword lexicons: useful from the first email,
before any case has been labelled for a trained model."""

import re

# Recorded with every decision in the routing log; bump when the lexicons change.
VERSION = "1"

INTENT_LEXICONS = {
    "billing": [
        "invoice",
        "charged",
        "charge",
        "payment",
        "billing",
        "billed",
        "card",
        "factura",
        "facture",
        "quote",
    ],
    "refund": [
        "refund",
        "money back",
        "reimburse",
        "chargeback",
        "dispute the charge",
        "rembourse",
    ],
    "access": [
        "log in",
        "login",
        "password",
        "locked",
        "two-factor",
        "2fa",
        "account access",
        "sign in",
        "credentials",
    ],
    "order_status": [
        "order",
        "tracking",
        "delivery",
        "parcel",
        "shipped",
        "arrive",
        "delivered",
    ],
    "bug": [
        "error",
        "crash",
        "bug",
        "fails",
        "broken",
        "exception",
        "doesn't work",
        "does not work",
        "empty",
    ],
    "outage": [
        "down",
        "outage",
        "503",
        "502",
        "unavailable",
        "not responding",
        "very slow",
        "incident",
    ],
    "cancellation": [
        "cancel",
        "cancellation",
        "terminate",
        "unsubscribe me",
        "close my account",
    ],
    "feature_request": [
        "feature request",
        "would be nice",
        "please add",
        "any chance you will add",
        "suggestion",
    ],
    "legal": [
        "lawsuit",
        "legal",
        "breach of contract",
        "formal notice",
        "attorney",
        "gdpr",
        "court",
    ],
    "security": [
        "vulnerability",
        "xss",
        "security",
        "exploit",
        "phishing",
        "data breach",
        "cve",
    ],
}
URGENCY_WORDS = {
    "critical": [
        "urgent",
        "critical",
        "asap",
        "immediately",
        "down for all",
        "blocked",
        "emergency",
    ],
    "high": [
        "as soon as possible",
        "today",
        "deadline",
        "escalate",
        "cannot work",
        "again",
    ],
}
NEGATIVE = [
    "unacceptable",
    "angry",
    "again",
    "still nobody",
    "terrible",
    "worst",
    "dispute",
    "disappointed",
    "furious",
    "third time",
]
POSITIVE = ["thank", "thanks", "great", "love", "perfect", "appreciate", "quick help"]


def _count(text, phrases):
    return sum(len(re.findall(rf"(?<!\w){re.escape(p)}(?!\w)", text)) for p in phrases)


def classify_intent(text, lexicons=None):
    """(intent, confidence) from keyword hits; ("", 0.0) without any hit.

    Confidence is the winner's share of all hits, shrunk when evidence is thin,
    so one stray keyword never looks certain.
    """
    text = (text or "").lower()
    scores = {
        intent: _count(text, words)
        for intent, words in (lexicons or INTENT_LEXICONS).items()
    }
    total = sum(scores.values())
    if not total:
        return "", 0.0
    intent, best = max(scores.items(), key=lambda item: (item[1], item[0]))
    return intent, round(best / total * best / (best + 1), 2)


def urgency(text):
    text = (text or "").lower()
    for level in ("critical", "high"):
        hits = _count(text, URGENCY_WORDS[level])
        if hits:
            return level, round(min(0.5 + 0.2 * hits, 0.95), 2)
    return "normal", 0.5


def sentiment(text):
    """Score in [-1, 1] and a confidence from the number of cues."""
    text = (text or "").lower()
    negative, positive = _count(text, NEGATIVE), _count(text, POSITIVE)
    cues = negative + positive
    if not cues:
        return 0.0, 0.3
    return round((positive - negative) / cues, 2), round(min(0.4 + 0.15 * cues, 0.9), 2)
