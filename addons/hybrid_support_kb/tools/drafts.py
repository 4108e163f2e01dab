"""Knowledge base drafts from resolved cases: which cases state a clear
problem and its solution, which of them are about the same thing (one draft
for several cases), and the draft itself — a title, the problem in the
customers' words, the solution as steps, keywords.

No ORM here: the cases come in as :class:`ResolvedCase` (already anonymised
by the caller, see ``anonymise.py``), the drafts go out as :class:`Draft`.
Similarity is word TF-IDF (words and word pairs, as
hybrid_support_intake's ``similarity.rank``); ``vectors``, an optional
callable ``texts -> unit-length rows`` (a sentence encoder), replaces it
where given.
"""

import re
from dataclasses import dataclass, field

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

# Two cases whose questions are at least this close (cosine of their TF-IDF
# vectors, words and word pairs, average linkage) are one topic and make one
# draft; a case and an open draft or a published article too. Measured on
# banking77's training split, batches of 200 one-line messages: paraphrases
# of one intent have a median cosine of only 0.07 (short messages rarely
# share words) and 99% of pairs of different intents stay under 0.15; at
# 0.2 the groups are 82% pure (a group's cases share one intent), at 0.35
# 96% but a topic is split in three drafts. Real cases (subject and body)
# share more words than one-liners.
SAME_TOPIC = 0.2
# With sentence vectors (all-MiniLM-L6-v2), paraphrases sit higher.
SAME_TOPIC_VECTORS = 0.6
MIN_QUESTION_WORDS = 3
MIN_ANSWER_WORDS = 5
GOOD_RATING = 3  # Odoo's ratings: 1 unhappy, 3 okay, 5 happy
MAX_TITLE = 90
MAX_PHRASINGS = 8
MAX_KEYWORDS = 10
MAX_STEPS = 8

_SENTENCE = re.compile(r"(?<=[.!?])[ \t]++(?=[A-Z0-9\"'(\[])|\n++")
_LIST_ITEM = re.compile(r"^[ \t]*+(?:[-*•]|\d{1,2}[.)])[ \t]++")
_WORD = re.compile(r"[^\W\d_][\w'-]{1,30}+")
# "Hi [name], " before the first words on the same line
_GREETING_PREFIX = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b"
    r"[^,!.:\n]{0,40}+[,!:][ \t]*+",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|greetings)\b",
    re.IGNORECASE,
)
# an agent's opening and closing courtesies: not steps of the solution
_COURTESY = re.compile(
    r"^(?:thanks?\b|thank you|many thanks|sorry|apolog|we apologi[sz]e|i'm sorry|"
    r"(?:i )?hope (?:this|that) helps|(?:please )?(?:let us know|do not hesitate|"
    r"don't hesitate|feel free)|(?:kind |best |warm )?regards|best wishes|"
    r"cheers|have a (?:nice|good|great)|sincerely|yours|thanks for (?:contacting|"
    r"reaching|your)|i understand|we understand|happy to help|glad to help)",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[[a-z ]{1,20}+\]")
_PLACEHOLDER_ONLY = re.compile(r"^[\s\[\]\w]{0,20}+$")
_STOP = frozenset(
    """a about above after again against all am an and any are as at be
    because been before being below between both but by can could did do does
    doing down during each few for from further had has have having he her
    here hers herself him himself his how i if in into is it its itself just
    me more most my myself no nor not now of off on once only or other our
    ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to
    too under until up very was we were what when where which while who whom
    why will with would you your yours yourself yourselves im ive id dont
    cant didnt doesnt isnt wont please hi hello thanks thank help need want
    get got still also would could like just one know hey name""".split()
)


@dataclass(frozen=True)
class ResolvedCase:
    """What drafting reads of a closed case, already anonymised."""

    key: object
    question: str  # the customer's words: the case's clean text or its summary
    answer: str = ""  # the agent's public answer that solved it
    subject: str = ""
    category: object = None
    rating: int = 0  # 0: not rated
    reopened: int = 0


@dataclass
class Draft:
    """A proposed article: shown to a reviewer, never published as is."""

    title: str
    problem: list  # the customers' phrasings, the most typical first
    steps: list  # the solution, one step a line
    keywords: list
    category: object = None
    keys: list = field(default_factory=list)  # the source cases


def clear_case(case):
    """``(True, "")`` when ``case`` states a problem and its solution clearly
    enough to draft from, else ``(False, why not)``."""
    if case.reopened:
        return False, "reopened: the answer did not solve it"
    if case.rating and case.rating < GOOD_RATING:
        return False, "rated unhappy"
    if len(_WORD.findall(f"{case.subject} {case.question}")) < MIN_QUESTION_WORDS:
        return False, "no question in the customer's words"
    if len(_WORD.findall(case.answer or "")) < MIN_ANSWER_WORDS:
        return False, "no public answer from an agent"
    return True, ""


def case_text(case):
    """The text a case is compared on: its subject and question."""
    subject = case.subject or ""
    question = case.question or ""
    if subject and subject.lower() in question.lower():
        return question
    return f"{subject}\n{question}".strip()


def _vectorizer():
    return TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, stop_words=sorted(_STOP)
    )


def embed(texts, vectors=None, fitted_on=None):
    """Unit-length rows for ``texts``: ``vectors(texts)`` when given, else
    TF-IDF fitted on ``fitted_on`` (default: ``texts``) — dense arrays, or
    ``None`` when no text holds a word."""
    texts = list(texts)
    if vectors is not None:
        return np.asarray(vectors(texts), dtype=np.float32)
    vectorizer = _vectorizer()
    try:
        vectorizer.fit(list(fitted_on) if fitted_on is not None else texts)
    except ValueError:  # only stop words, digits or punctuation
        return None
    return vectorizer.transform(texts).toarray().astype(np.float32)


def group_similar(cases, threshold=None, vectors=None):
    """Lists of ``cases`` about the same thing, largest first: average-linkage
    clustering of their texts at cosine ``threshold``. A case on its own is
    a group of one."""
    cases = list(cases)
    if len(cases) < 2:
        return [cases] if cases else []
    threshold = threshold or (SAME_TOPIC_VECTORS if vectors else SAME_TOPIC)
    matrix = embed([case_text(case) for case in cases], vectors)
    if matrix is None:
        return [[case] for case in cases]
    labels = cluster(matrix, threshold)
    groups = {}
    for case, label in zip(cases, labels, strict=True):
        groups.setdefault(label, []).append(case)
    return sorted(groups.values(), key=len, reverse=True)


def cluster(matrix, threshold):
    """Cluster labels of the unit-length rows of ``matrix``: average linkage
    on cosine distance, cut where groups are less similar than
    ``threshold`` (scikit-learn's agglomerative clustering). Rows without a
    word (all zero) are groups of their own."""
    from sklearn.cluster import AgglomerativeClustering  # noqa: PLC0415

    if len(matrix) < 2:
        return np.zeros(len(matrix), dtype=int)
    distances = np.clip(1.0 - matrix @ matrix.T, 0.0, 2.0)
    empty = ~matrix.any(axis=1)
    distances[empty, :] = 2.0
    distances[:, empty] = 2.0
    np.fill_diagonal(distances, 0.0)
    return AgglomerativeClustering(
        n_clusters=None,
        metric="precomputed",
        linkage="average",
        distance_threshold=1.0 - threshold,
    ).fit_predict(distances)


def sentences(text):
    parts = (part.strip() for part in _SENTENCE.split(text or ""))
    return [part for part in parts if part]


def _first_sentence(text):
    for sentence in sentences(text):
        sentence = _GREETING_PREFIX.sub("", sentence).strip()
        if not _GREETING.match(sentence) and len(_WORD.findall(sentence)) >= 2:
            return sentence
    return (text or "").strip()


def _cut(text, size):
    text = " ".join((text or "").split())
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + "…"


def _central_order(matrix):
    """Row indexes, the most typical first (highest mean similarity)."""
    if matrix is None or len(matrix) == 1:
        return list(range(0 if matrix is None else len(matrix)))
    centroid = matrix.mean(axis=0)
    return list(np.argsort(-(matrix @ centroid), kind="stable"))


def solution_steps(answer):
    """The agent's answer as steps: its list items or sentences, without
    greetings, courtesies and lines that hold only placeholders."""
    steps = []
    for sentence in sentences(answer):
        line = _GREETING_PREFIX.sub("", _LIST_ITEM.sub("", sentence)).strip()
        if (
            not line
            or _GREETING.match(line)
            or _COURTESY.match(line)
            or _PLACEHOLDER_ONLY.match(line)
            or len(_WORD.findall(line)) < 2
        ):
            continue
        if line not in steps:
            steps.append(line)
    return steps[:MAX_STEPS]


def keyword_model(corpus):
    """A word TF-IDF fitted on ``corpus`` (every case of the run), for
    :func:`keywords`; ``None`` when the corpus holds no word."""
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words=sorted(_STOP))
    try:
        return vectorizer.fit([text for text in corpus if text])
    except ValueError:
        return None


def keywords(texts, model=None, limit=MAX_KEYWORDS, exclude=""):
    """The words that best tell ``texts`` apart from the corpus ``model``
    was fitted on (default: ``texts`` alone): the highest summed TF-IDF
    weights, no stop words and none of the words of ``exclude`` (the
    title)."""
    # placeholders of the anonymiser ("[phone]") are not the topic
    texts = [_PLACEHOLDER.sub(" ", t) for t in texts if t]
    model = model or keyword_model(texts)
    if not texts or model is None:
        return []
    weights = np.asarray(model.transform(texts).sum(axis=0)).ravel()
    names = model.get_feature_names_out()
    excluded = {word.lower() for word in _WORD.findall(exclude or "")}
    found = []
    for index in np.argsort(-weights, kind="stable"):
        word = names[index]
        if weights[index] <= 0:
            break
        if word in excluded or word.isdigit() or len(word) < 3:
            continue
        found.append(word)
        if len(found) >= limit:
            break
    return found


def draft(cases, model=None, vectors=None):
    """One :class:`Draft` from ``cases`` about one topic: the title from the
    most typical case (its subject when it says something, else the first
    sentence of its question), the most typical distinct phrasings of the
    problem, the solution steps of the best answer (the most typical case
    with an answer, a good rating first), keywords against the corpus of
    ``model`` (see :func:`keyword_model`)."""
    cases = list(cases)
    texts = [case_text(case) for case in cases]
    matrix = embed(texts, vectors)
    order = _central_order(matrix) if matrix is not None else list(range(len(cases)))
    typical = cases[order[0]]
    subject = typical.subject or ""
    title = (
        subject
        if len(_WORD.findall(subject)) >= 3
        else _first_sentence(typical.question) or subject
    )
    title = _cut(title, MAX_TITLE)
    problem, seen = [], set()
    for index in order:
        phrasing = _cut(_first_sentence(cases[index].question), 200)
        token = " ".join(_WORD.findall(phrasing.lower()))
        if token and token not in seen:
            seen.add(token)
            problem.append(phrasing)
        if len(problem) >= MAX_PHRASINGS:
            break
    answered = [i for i in order if clear_case(cases[i])[0]] or order
    best = max(answered, key=lambda i: (cases[i].rating or 0) >= 5)
    steps = solution_steps(cases[best].answer)
    categories = [case.category for case in cases if case.category]
    category = max(set(categories), key=categories.count) if categories else None
    return Draft(
        title=title,
        problem=problem,
        steps=steps,
        keywords=keywords(texts, model, exclude=title),
        category=category,
        keys=[case.key for case in cases],
    )


def article_text(title, keywords_text, body_text):
    """The text an article is compared on (as the suggestions read it)."""
    return f"{title} {keywords_text or ''} {body_text or ''}"


def draft_text(article_draft):
    """The plain text of ``article_draft`` as its article will read."""
    return article_text(
        article_draft.title,
        " ".join(article_draft.keywords),
        "\n".join(article_draft.problem + article_draft.steps),
    )


def best_matches(texts, documents, vectors=None):
    """For each of ``texts``, ``(index of the closest of documents, cosine)``
    — TF-IDF fitted on both, or ``vectors``. ``(None, 0.0)`` without
    documents."""
    texts, documents = list(texts), list(documents)
    if not documents or not texts:
        return [(None, 0.0)] * len(texts)
    matrix = embed(texts + documents, vectors)
    if matrix is None:
        return [(None, 0.0)] * len(texts)
    scores = matrix[: len(texts)] @ matrix[len(texts) :].T
    best = scores.argmax(axis=1)
    return [(int(b), float(scores[i, b])) for i, b in enumerate(best)]
