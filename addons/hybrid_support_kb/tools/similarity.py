"""Rank articles for a piece of text (a case, a portal search)."""

import math
import re
from collections import Counter

_TOKEN = re.compile(r"[^\W_]{3,}", re.UNICODE)
_STOP = frozenset(
    "the and for you your with this that have has are was not but can from our "
    "please hello thanks regards".split()
)


def tokens(text):
    return [t for t in _TOKEN.findall((text or "").lower()) if t not in _STOP]


def rank(query, documents, limit=3):
    """Ids of the ``documents`` ({id: text}) best matching ``query``, by a
    TF-IDF cosine over the documents themselves; no match, no result."""
    query_counts = Counter(tokens(query))
    if not query_counts or not documents:
        return []
    doc_counts = {doc_id: Counter(tokens(text)) for doc_id, text in documents.items()}
    frequency = Counter(term for counts in doc_counts.values() for term in counts)
    total = len(doc_counts)

    def weight(term):
        return math.log((1 + total) / (1 + frequency[term])) + 1

    def vector(counts):
        return {term: count * weight(term) for term, count in counts.items()}

    query_vector = vector(query_counts)
    query_norm = math.sqrt(sum(v * v for v in query_vector.values()))
    scored = []
    for doc_id, counts in doc_counts.items():
        doc_vector = vector(counts)
        dot = sum(
            query_vector.get(term, 0.0) * value for term, value in doc_vector.items()
        )
        if dot:
            norm = math.sqrt(sum(v * v for v in doc_vector.values())) * query_norm
            scored.append((dot / norm, doc_id))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [doc_id for _score, doc_id in scored[:limit]]
