"""A search index over knowledge base articles, built once and queried many
times (no ORM here).

Customers do not write like the articles: they misspell ("pasword"), use
their own words ("money back" for a refund) and describe rather than name
the problem. The index ranks an article by:

- words and word pairs (TF-IDF, sublinear, accents folded) over the title
  and the keywords, counted twice, and the body: the suite's ranking
  (``hybrid_support_intake.tools.similarity.rank``), fitted once instead
  of at each query;
- character 3- and 4-grams of the title and keywords (the keywords hold
  the customers' own words and synonyms for the topic), which still match
  a misspelled or inflected word;
- misspelled query words corrected to the nearest word of the articles
  (rapidfuzz, at least ``TYPO_SIMILARITY``) before the word match;
- optionally the cosine of sentence vectors, when an encoder is given
  (any object with ``encode(texts) -> unit-length rows``).

A query in a few milliseconds for thousands of articles: one sparse
product per block, no refitting.
"""

import hashlib
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from sklearn.feature_extraction.text import TfidfVectorizer

AUDIENCES = ("public", "customers", "internal")
MAX_QUERY_CHARS = 2000
TYPO_SIMILARITY = 80  # rapidfuzz ratio, 0..100
TYPO_MIN_LENGTH = 4  # shorter words are too ambiguous to correct
TYPO_MAX_WORDS = 12  # words corrected per query: the time stays bounded
# How much each block weighs in the score, and what it takes for an article
# to be a result at all: a shared word (after typo correction), a close
# character match of its title/keywords, or a close sentence vector. Char
# n-grams alone overlap a little between any two texts ("day", "ing").
WEIGHTS = {"words": 1.0, "chars": 0.5, "sentences": 1.0}
MIN_CHARS = 0.3
MIN_SENTENCES = 0.5
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Document:
    """One article as the index sees it, in one language."""

    key: int
    title: str
    keywords: str = ""
    body: str = ""
    category: int = 0
    audience: str = "public"

    @property
    def heading(self):
        return f"{self.title} {self.keywords}".strip()

    @property
    def text(self):
        return f"{self.heading} {self.heading} {self.body}".strip()


def _vectorizer(**options):
    return TfidfVectorizer(
        sublinear_tf=True, strip_accents="unicode", lowercase=True, **options
    )


class SearchIndex:
    """Articles fitted once; ``search`` and ``related`` query them.

    ``encoder``: optional sentence encoder; ``vectors``: optional cache
    ``{text digest: vector}`` shared between builds, so that an index
    rebuilt after one article changed encodes that article only.
    """

    def __init__(self, documents, encoder=None, vectors=None):
        self.documents = [doc for doc in documents if doc.text.strip()]
        self.keys = np.array([doc.key for doc in self.documents], dtype=np.int64)
        self.position = {doc.key: i for i, doc in enumerate(self.documents)}
        self.categories = np.array(
            [doc.category or 0 for doc in self.documents], dtype=np.int64
        )
        self.audiences = np.array([doc.audience for doc in self.documents])
        self.words = self.chars = self.word_matrix = self.char_matrix = None
        self.vocabulary = {}
        self.encoder = encoder
        self.sentence_matrix = None
        if not self.documents:
            return
        self.words = _vectorizer(ngram_range=(1, 2))
        try:
            self.word_matrix = self.words.fit_transform(
                [doc.text for doc in self.documents]
            ).tocsr()
        except ValueError:  # no word of two letters in any article
            self.words = self.word_matrix = None
        else:
            self.vocabulary = self._by_length(
                term for term in self.words.vocabulary_ if " " not in term
            )
        self.chars = _vectorizer(analyzer="char_wb", ngram_range=(3, 4))
        try:
            self.char_matrix = self.chars.fit_transform(
                [doc.heading for doc in self.documents]
            ).tocsr()
        except ValueError:
            self.chars = self.char_matrix = None
        if encoder is not None:
            self.sentence_matrix = self._encode_documents(encoder, vectors)

    def __len__(self):
        return len(self.documents)

    @staticmethod
    def _by_length(terms):
        by_length = {}
        for term in terms:
            if len(term) >= TYPO_MIN_LENGTH - 1:
                by_length.setdefault(len(term), []).append(term)
        return by_length

    def _encode_documents(self, encoder, vectors):
        vectors = {} if vectors is None else vectors
        texts = [f"{doc.title}. {doc.keywords}. {doc.body}" for doc in self.documents]
        digests = [hashlib.sha1(text.encode()).hexdigest() for text in texts]
        missing = [i for i, digest in enumerate(digests) if digest not in vectors]
        for start in range(0, len(missing), 32):
            block = missing[start : start + 32]
            encoded = encoder.encode([texts[i] for i in block])
            for i, vector in zip(block, encoded, strict=True):
                vectors[digests[i]] = np.asarray(vector, dtype=np.float32)
        return np.vstack([vectors[digest] for digest in digests])

    # -- queries --------------------------------------------------------------

    def corrected(self, query):
        """``query`` with each word the articles do not use followed by the
        nearest word they use (by edit similarity), when one is close."""
        if self.words is None:
            return query
        known = self.words.vocabulary_
        unknown = [
            word
            for word in dict.fromkeys(_WORD.findall(query.lower()))
            if len(word) >= TYPO_MIN_LENGTH and word not in known and not word.isdigit()
        ]
        extra = []
        for word in unknown[:TYPO_MAX_WORDS]:
            candidates = [
                term
                for size in (len(word) - 1, len(word), len(word) + 1)
                for term in self.vocabulary.get(size, ())
            ]
            match = process.extractOne(
                word, candidates, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY
            )
            if match:
                extra.append(match[0])
        return f"{query} {' '.join(extra)}" if extra else query

    def scores(self, query):
        """Score of every article for ``query`` (0 where it is no result)."""
        query = (query or "")[:MAX_QUERY_CHARS]
        total = np.zeros(len(self.documents))
        if not self.documents or not query.strip():
            return total
        accepted = np.zeros(len(self.documents), dtype=bool)
        if self.words is not None:
            words = self._cosine(self.word_matrix, self.words, self.corrected(query))
            total += WEIGHTS["words"] * words
            accepted |= words > 0
        if self.chars is not None:
            chars = self._cosine(self.char_matrix, self.chars, query)
            total += WEIGHTS["chars"] * chars
            accepted |= chars >= MIN_CHARS
        if self.sentence_matrix is not None:
            vector = np.asarray(self.encoder.encode([query])[0], dtype=np.float32)
            sentences = self.sentence_matrix @ vector
            total += WEIGHTS["sentences"] * np.clip(sentences, 0, None)
            accepted |= sentences >= MIN_SENTENCES
        return np.where(accepted, total, 0.0)

    @staticmethod
    def _cosine(matrix, vectorizer, text):
        return (matrix @ vectorizer.transform([text]).T).toarray().ravel()

    def _mask(self, audiences=None, category=None, exclude=None):
        mask = np.ones(len(self.documents), dtype=bool)
        if audiences is not None:
            mask &= np.isin(self.audiences, list(audiences))
        if category:
            mask &= self.categories == category
        if exclude is not None and exclude in self.position:
            mask[self.position[exclude]] = False
        return mask

    def _best(self, scores, limit):
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > limit:
            candidates = candidates[np.argpartition(-scores[candidates], limit)[:limit]]
        candidates = candidates[np.argsort(-scores[candidates], kind="stable")]
        return [(int(self.keys[i]), round(float(scores[i]), 4)) for i in candidates]

    def search(self, query, limit=5, audiences=None, category=None):
        """``[(key, score)]``, best first: the ``limit`` articles closest to
        ``query`` among those of ``audiences`` (and ``category``)."""
        if not self.documents:
            return []
        scores = self.scores(query) * self._mask(audiences, category)
        return self._best(scores, limit)

    def related(self, key, limit=3, audiences=None):
        """Articles closest to article ``key`` (its words), those of its
        category first."""
        i = self.position.get(key)
        if i is None or self.word_matrix is None:
            return []
        scores = (self.word_matrix @ self.word_matrix[i].T).toarray().ravel()
        same_category = self.categories == self.categories[i]
        scores = scores + np.where(same_category & (self.categories[i] != 0), 0.5, 0)
        return self._best(scores * self._mask(audiences, exclude=key), limit)
