"""Sentiment of one customer message, its trend over a thread, frustration.

English goes through VADER (a lexicon and rule model tuned on short social
text, which support emails resemble); other languages get the suite's keyword
lexicon, which knows fewer cues and says so through a lower confidence.
"""

from functools import lru_cache

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from . import lexicon


@lru_cache(maxsize=1)
def _vader():
    return SentimentIntensityAnalyzer()


def score(text, language="en"):
    """(score in [-1, 1], confidence in [0, 1]) of one message."""
    text = (text or "").strip()
    if not text:
        return 0.0, 0.0
    if (language or "en") != "en":
        value, confidence = lexicon.sentiment(text)
        return value, round(confidence * 0.8, 2)
    scores = _vader().polarity_scores(text[:5000])
    # the share of words carrying an opinion: neutral text is a weak signal
    return round(scores["compound"], 2), round(1 - scores["neu"] / 2, 2)


def trend(scores):
    """How sentiment moved over the thread: the least-squares slope of the
    scores (oldest first) times their span, in [-1, 1]; 0 with one score."""
    n = len(scores)
    if n < 2:
        return 0.0
    mean_x, mean_y = (n - 1) / 2, sum(scores) / n
    spread = sum((i - mean_x) ** 2 for i in range(n))
    slope = sum((i - mean_x) * (y - mean_y) for i, y in enumerate(scores)) / spread
    return round(max(-1.0, min(1.0, slope * (n - 1))), 2)


def frustrated(unanswered, scores):
    """The customer wrote again without an answer, or is angry and waiting."""
    return unanswered >= 2 or bool(unanswered and scores and scores[-1] <= -0.5)
