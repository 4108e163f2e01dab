"""Knowledge gaps: groups of recent cases about one thing that no published
article answers well, and articles going stale.

No ORM here. Texts are compared by word TF-IDF (words and word pairs), or
by the rows of an optional sentence encoder ``vectors``.

A recent case is *not answered* when it is closer to the other recent cases
than to what the knowledge base holds: the mean similarity of its ``K``
nearest recent cases exceeds the mean similarity of its ``K`` nearest
knowledge passages by more than ``MARGIN``. Knowledge passages are the lines
of every published article (title, problem, steps...) and the questions of
the resolved cases each article was drafted from: an article answers the
cases it was written for and the ones like them. Comparing the two
neighbourhoods, rather than a case's similarity to an article with a fixed
threshold, makes the test independent of the scale of the similarity (long
articles score lower than short messages; neighbouring topics such as "card
not working" and "virtual card not working" score high with each other).

The cases not answered are then grouped by meaning (scikit-learn's
agglomerative clustering, average linkage on cosine distance, cut at
``TOPIC``); a group of at least ``min_size`` cases is a gap.

Thresholds (``MARGIN`` 0.05, ``TOPIC`` 0.2 words / 0.5 sentence vectors,
``K`` 5) were chosen on banking77's training split (one article drafted per
intent from 70% of it, the other 30% as recent cases, ten intents'
articles removed); the test split is only read by the benchmark.
"""

from dataclasses import dataclass, field

import numpy as np

from .drafts import cluster, embed, keyword_model, keywords, sentences

TOPIC, TOPIC_VECTORS = 0.2, 0.5
MARGIN, MARGIN_VECTORS = 0.05, 0.05
# a case's neighbourhood: its K nearest recent cases, its K nearest passages
K = 5
MIN_SIZE = 5
# an article whose topic brings this many cases in a period is reviewed
STALE_CASES = 10
SAMPLES = 10
# Clustering holds a square matrix of the cases: the most recent ones are
# read (4,000 cases: 64 MB, a few seconds).
MAX_CASES = 4000


@dataclass(frozen=True)
class RecentCase:
    key: object
    text: str
    previous: bool = False  # of the previous period (for the trend)


@dataclass
class Gap:
    keys: list  # the group's cases of this period, the most typical first
    size: int
    previous_size: int  # cases of the previous period on the same topic
    top_words: list
    best_article: object  # key of the closest article, or None
    best_score: float  # its similarity to the group's centre
    searches: list = field(default_factory=list)  # unanswered searches on it

    @property
    def samples(self):
        return self.keys[:SAMPLES]

    @property
    def trend(self):
        """Growth against the previous period, in %: ``None`` when new."""
        if not self.previous_size:
            return None
        return round(100.0 * (self.size - self.previous_size) / self.previous_size)


def _unit(rows):
    norms = np.linalg.norm(rows, axis=-1, keepdims=True)
    return rows / np.clip(norms, 1e-9, None)


def passages(text):
    """The lines and sentences of an article, each a knowledge passage."""
    return [line for line in sentences(text) if len(line.split()) >= 2]


def _top_mean(scores, k):
    """Mean of the ``k`` highest of each row (``k`` at most the width)."""
    if scores.shape[1] == 0:
        return np.zeros(scores.shape[0], dtype=np.float32)
    k = max(1, min(k, scores.shape[1]))
    return -np.sort(-scores, axis=1)[:, :k].mean(axis=1)


def not_answered(case_rows, passage_rows, margin, k=K):
    """Boolean row mask of the cases closer to each other than to the
    knowledge passages (see the module's docstring)."""
    among = case_rows @ case_rows.T
    np.fill_diagonal(among, -1.0)
    return _top_mean(among, k) - _top_mean(case_rows @ passage_rows.T, k) > margin


def find_gaps(
    cases,
    articles,
    searches=(),
    min_size=MIN_SIZE,
    topic=None,
    margin=None,
    vectors=None,
):
    """:class:`Gap` list, the largest first.

    ``cases``: :class:`RecentCase` of this period and the previous one;
    ``articles``: ``[(key, text, source questions)]`` of the published
    articles; ``searches``: texts of searches that found nothing.
    ``vectors``: optional callable ``texts -> unit rows`` (sentence encoder)
    instead of word TF-IDF."""
    topic = topic or (TOPIC_VECTORS if vectors else TOPIC)
    margin = MARGIN_VECTORS if vectors and margin is None else margin
    margin = MARGIN if margin is None else margin
    current = [case for case in cases if not case.previous][-MAX_CASES:]
    previous = [case for case in cases if case.previous][-MAX_CASES:]
    if len(current) < min_size:
        return []
    searches = [text for text in searches if (text or "").strip()]
    knowledge, owners = [], []
    for key, text, sources in articles:
        for passage in passages(text) + [s for s in sources or () if s]:
            knowledge.append(passage)
            owners.append(key)
    texts = [case.text for case in current]
    everything = texts + knowledge + [case.text for case in previous] + searches
    matrix = embed(everything, vectors, fitted_on=texts + knowledge)
    if matrix is None:
        return []
    start = len(texts)
    case_rows = matrix[:start]
    knowledge_rows = matrix[start : start + len(knowledge)]
    start += len(knowledge)
    previous_rows = matrix[start : start + len(previous)]
    search_rows = matrix[start + len(previous) :]
    open_cases = np.flatnonzero(not_answered(case_rows, knowledge_rows, margin))
    if len(open_cases) < min_size:
        return []
    labels = cluster(case_rows[open_cases], topic)
    model = keyword_model(texts)
    gaps = []
    for label in np.unique(labels):
        members = open_cases[labels == label]
        if len(members) < min_size:
            continue
        centre = _unit(case_rows[members].mean(axis=0))
        best_article, best_score = None, 0.0
        if knowledge:
            scores = knowledge_rows @ centre
            best = int(scores.argmax())
            best_article, best_score = owners[best], float(scores[best])
        typical = members[np.argsort(-(case_rows[members] @ centre), kind="stable")]
        # a case (of the previous period) or a search is on the topic when
        # it is as close to the centre as one of the group's own cases
        reach = float(np.min(case_rows[members] @ centre))
        previous_size = (
            int(np.sum(previous_rows @ centre >= reach)) if len(previous_rows) else 0
        )
        matching = (
            [searches[i] for i in np.flatnonzero(search_rows @ centre >= reach)]
            if len(search_rows)
            else []
        )
        gaps.append(
            Gap(
                keys=[current[i].key for i in typical],
                size=len(members),
                previous_size=previous_size,
                top_words=keywords([texts[i] for i in members], model, limit=8),
                best_article=best_article,
                best_score=round(best_score, 3),
                searches=matching[:10],
            )
        )
    return sorted(gaps, key=lambda gap: -gap.size)


def stale_articles(
    articles, cases, not_helpful=None, vectors=None, minimum=STALE_CASES
):
    """``{article key: reasons}`` of published articles that need a review
    of their content: customers still open cases on their topic (at least
    ``minimum`` recent cases whose nearest knowledge passage is one of the
    article's: its readers still write in), or readers find them not helpful
    (``not_helpful``: ``{key: (not helpful, helpful)}``, at least 5 votes
    and more than half 'no'). ``articles`` and ``cases`` as for
    :func:`find_gaps`. Review-by dates are the caller's (no text needed)."""
    reasons = {}
    for key, (no, yes) in (not_helpful or {}).items():
        if no >= 5 and no > yes:
            reasons.setdefault(key, []).append(
                f"{no} of {no + yes} readers: not helpful"
            )
    knowledge, owners = [], []
    for key, text, _sources in articles:
        for passage in passages(text):
            knowledge.append(passage)
            owners.append(key)
    texts = [case.text for case in cases if not case.previous][-MAX_CASES:]
    if knowledge and texts:
        matrix = embed(texts + knowledge, vectors)
        if matrix is not None:
            scores = matrix[: len(texts)] @ matrix[len(texts) :].T
            nearest = scores.argmax(axis=1)
            counts = {}
            for row, column in enumerate(nearest):
                if scores[row, column] > 0:
                    counts[owners[column]] = counts.get(owners[column], 0) + 1
            for key, count in counts.items():
                if count >= minimum:
                    reasons.setdefault(key, []).append(
                        f"{count} recent cases on its topic"
                    )
    return reasons
