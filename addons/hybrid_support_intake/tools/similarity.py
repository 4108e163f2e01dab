"""Near-duplicate detection between two short support messages, and ranking
of texts (past answers, articles) against a new one.

Intake itself only detects duplicates (rapidfuzz). The ranking is hosted here
for the addons that rank (hybrid_support_ai's drafts) and imports scikit-learn
when called, so intake installs and its gateway runs without scikit-learn;
the addons calling ``rank`` list scikit-learn in their external dependencies."""

import re

from rapidfuzz.distance import Indel

_WORD = re.compile(r"\w+", re.UNICODE)
# Long texts are compared on their start: a duplicate repeats its opening.
_MAX_CHARS = 2000


def tokens(text):
    return _WORD.findall((text or "")[:_MAX_CHARS].lower())


def similarity_at_least(a, b, threshold):
    """0..1, how close two messages are word by word (order matters, so a
    reworded follow-up scores lower than a resent copy: twice the longest
    common word sequence over the words of both, as difflib's ratio) when it
    reaches ``threshold``, else 0.0. ``a`` and ``b`` may be token lists
    already, to compare one text with many; rapidfuzz gives up early on
    pairs that cannot reach the cutoff."""
    left = tokens(a) if isinstance(a, str) else a
    right = tokens(b) if isinstance(b, str) else b
    if not left or not right:
        return 0.0
    return Indel.normalized_similarity(left, right, score_cutoff=threshold)


def rank(query, candidates, limit=3, minimum=0.0):
    """``candidates``: ``[(key, text)]``. The ``limit`` keys whose text is
    closest to ``query`` (TF-IDF cosine on words and word pairs, weighted
    over the candidates), best first, as ``[(key, score)]``; only scores
    above ``minimum``."""
    candidates = [(key, text) for key, text in candidates if (text or "").strip()]
    if not candidates or not (query or "").strip():
        return []
    # scikit-learn is a dependency of the callers (ai), not of intake
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.metrics.pairwise import linear_kernel  # noqa: PLC0415

    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform([text for _key, text in candidates])
    except ValueError:  # only one-letter words or punctuation
        return []
    scores = linear_kernel(vectorizer.transform([query]), matrix).ravel()
    best = sorted(range(len(candidates)), key=lambda i: -scores[i])[:limit]
    return [
        (candidates[i][0], round(float(scores[i]), 3))
        for i in best
        if scores[i] > minimum
    ]
