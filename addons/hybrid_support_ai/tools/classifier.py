"""Intent classifier: word and character TF-IDF (or words and sentence
vectors) with a linear model, trained from labelled cases, with confidences
that mean what they say and a threshold that holds on emails never seen.

Training (``train``):

1. Out-of-fold scores: k models, each trained without one fold of the cases,
   score that fold. Near-duplicate texts (the same words whatever their case,
   punctuation, numbers or order) share a fold, so that a hold-out never
   holds the twin of a training case.
2. Calibration: one temperature, fitted on the out-of-fold scores, turns the
   final model's scores into probabilities (confidence ~ accuracy); the
   reliability table and the expected calibration error are measured on the
   same out-of-fold predictions.
3. Open set: each fold's model is also trained without a few intents; their
   cases in that fold are what an email about an intent nobody labelled
   looks like to a model. A second score (the model's largest raw score)
   can gate the emails unlike every intent.
4. Thresholds: the lowest confidence (and novelty gate) whose applied
   predictions are at least ``target`` precise at the lower bound of a 95%
   Wilson interval, and at which at most ``unknown_routed`` of the emails
   of unknown intents would be applied.

Models are stored with skops (no pickle): loading accepts only the types in
TRUSTED, so a tampered model that smuggles any other type is refused.
"""

import itertools
import math
import os
import re
import time
import unicodedata
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import sklearn
import skops.io as sio
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax, softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from . import embeddings
from .embeddings import SentenceEmbedding

TRUSTED = [
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.float",
    "builtins.int",
    "builtins.str",
    "numpy.dtype",
    "numpy.float32",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    "sklearn.svm._classes.LinearSVC",
    # stores only where its encoder is; see embeddings.py
    f"{SentenceEmbedding.__module__}.SentenceEmbedding",
]

# The label of the cases agents marked "None of these" in the review queue
# (the catalogue's catch-all intent). The models learn it like an intent, and
# never apply it: such a case always goes to a person. It starts with "_",
# which no intent code does, so that an intent named "other" is an intent.
OTHER = "__other__"
# its spelling in the models trained before the catalogue
LEGACY_OTHER = "other"
# Default share of the emails about an intent the model never saw that may
# still be applied (measured on the intents each fold's model is trained
# without). Lower sends more known emails to review too: on fine-grained
# intents an unknown one looks like its neighbours.
UNKNOWN_ROUTED = 0.10
# One-sided 95% bound of the Wilson interval
WILSON_Z = 1.645
# A calibrated confidence under one half means the model is more often wrong
# than right there: never applied, however precise the ones above it are.
FLOOR = 0.5
# each case predicted by a model trained on four fifths of the others;
# 5 + 1 fits in all
FOLDS = 5
C = 1.0
# Share of the intents each fold's model is trained without (at least one),
# to see what an email about an intent nobody labelled looks like to it
OPEN_SET_SHARE = 0.05
FORMAT = 2
WORKERS = min(2, os.cpu_count() or 1)


class UntrustedModel(ValueError):
    """The stored model holds types we never store: refused, never loaded."""


class TrainingError(ValueError):
    """The cases cannot train a model (fewer than two labels...): a reason
    to show, never a crash."""


class Prediction(NamedTuple):
    label: str
    confidence: float
    # False: unlike every intent the model knows (or the "other" class):
    # goes to review whatever the confidence
    known: bool = True


# ----------------------------------------------------------------------
# Text hygiene
# ----------------------------------------------------------------------


# None is empty; lone surrogates become U+FFFD (the encoder's tokenizer and
# the database refuse them)
clean_text = embeddings.valid_text


_WORD = re.compile(r"\w+")


def near_duplicate_key(text):
    """Texts with the same key are near-duplicates: the same words whatever
    their case, accents, punctuation, numbers and order."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    words = {re.sub(r"\d+", "0", word) for word in _WORD.findall(folded)}
    return " ".join(sorted(words))


def assign_folds(labels, groups, folds, seed=0):
    """Fold number of each case: the cases of a group share a fold, and each
    label's groups are dealt round the folds (stratified), from a random
    start per label so that small labels do not all begin in fold 0."""
    rng = np.random.default_rng(seed)
    first_label = {}
    for label, group in zip(labels, groups, strict=True):
        first_label.setdefault(group, label)
    by_label = {}
    order = list(first_label)
    rng.shuffle(order)
    for group in order:
        by_label.setdefault(first_label[group], []).append(group)
    fold_of_group = {}
    for label in sorted(by_label):
        start = int(rng.integers(folds))
        for position, group in enumerate(by_label[label]):
            fold_of_group[group] = (start + position) % folds
    return np.array([fold_of_group[group] for group in groups])


# ----------------------------------------------------------------------
# Calibration and thresholds (pure arithmetic on confidences)
# ----------------------------------------------------------------------


def fit_temperature(scores, truth):
    """The temperature T minimising the log-loss of softmax(scores / T) for
    the true class indexes ``truth``."""
    scores, truth = np.asarray(scores, dtype=float), np.asarray(truth)
    if not len(truth):
        return 1.0
    finite = np.where(np.isfinite(scores), scores, -1e9)
    rows = np.arange(len(truth))

    def loss(log_t):
        return -log_softmax(finite / math.exp(log_t), axis=1)[rows, truth].mean()

    found = minimize_scalar(loss, bounds=(-6.0, 6.0), method="bounded")
    return float(math.exp(found.x))


def wilson_lower_bound(successes, total, z=WILSON_Z):
    """Lower bound of the Wilson score interval of a proportion (arrays)."""
    successes = np.asarray(successes, dtype=float)
    total = np.maximum(np.asarray(total, dtype=float), 1e-12)
    share = successes / total
    centre = share + z * z / (2 * total)
    spread = z * np.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return (centre - spread) / (1 + z * z / total)


def threshold_for_precision(confidence, correct, target=0.97, z=WILSON_Z, floor=FLOOR):
    """(threshold, coverage): the lowest confidence from which the applied
    predictions are at least ``target`` precise at the lower bound of their
    Wilson interval (so a small or lucky hold-out does not lower it), never
    under ``floor``; (1.0, 0.0) when no confidence is safe."""
    confidence = np.asarray(confidence, dtype=float)
    correct = np.asarray(correct, dtype=float)
    if not len(confidence):
        return 1.0, 0.0
    order = np.argsort(-confidence, kind="stable")
    ranked = confidence[order]
    counts = np.arange(1, len(order) + 1)
    lower = wilson_lower_bound(np.cumsum(correct[order]), counts, z)
    # a cut may only fall between different confidences
    last_of_value = np.r_[ranked[1:] != ranked[:-1], True]
    good = np.where((lower >= target) & (ranked >= floor) & last_of_value)[0]
    if not len(good):
        return 1.0, 0.0
    last = good.max()
    return float(ranked[last]), float((last + 1) / len(order))


def expected_calibration_error(confidence, correct, bins=15):
    """Mean gap between confidence and accuracy, weighted by bin size."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, dtype=float)
    edges = np.linspace(0, 1, bins + 1)
    total, error = len(confidence), 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            error += (
                inside.sum()
                / total
                * abs(confidence[inside].mean() - correct[inside].mean())
            )
    return float(error)


def reliability(confidence, correct, bins=10):
    """The reliability diagram's data: per confidence bin, how many
    predictions fell in it, their mean confidence and their accuracy."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, dtype=float)
    rows = []
    for low, high in itertools.pairwise(np.linspace(0, 1, bins + 1)):
        inside = (confidence > low) & (confidence <= high)
        if low == 0:
            inside |= confidence == 0
        if inside.any():
            rows.append(
                {
                    "bin": f"{low:.1f}-{high:.1f}",
                    "count": int(inside.sum()),
                    "confidence": round(float(confidence[inside].mean()), 4),
                    "accuracy": round(float(correct[inside].mean()), 4),
                }
            )
    return rows


def choose_gates(known, unknown, target=0.97, unknown_routed=UNKNOWN_ROUTED):
    """(confidence threshold, novelty threshold, coverage) from out-of-fold
    predictions. ``known``: (confidence, novelty, correct) of the cases as
    trained; ``unknown``: (confidence, novelty) of the cases whose intent
    their fold's model never saw. Among novelty gates at the known cases' quantiles,
    the one that leaves the most predictions applied once the confidence
    threshold both holds ``target`` precision (Wilson bound) and lets
    through at most ``unknown_routed`` of the unknowns."""
    confidence, novelty, correct = (np.asarray(a, dtype=float) for a in known)
    unknown_confidence, unknown_novelty = (np.asarray(a, dtype=float) for a in unknown)
    best = (1.0, -np.inf, 0.0)
    if not len(confidence):
        return best
    candidates = [-np.inf] + sorted(
        set(np.quantile(novelty, np.linspace(0.0, 0.4, 21)).tolist())
    )
    for gate in candidates:
        passing = novelty >= gate
        threshold, share = threshold_for_precision(
            confidence[passing], correct[passing], target
        )
        if share == 0:
            continue
        loose = unknown_confidence[unknown_novelty >= gate]
        if len(unknown_confidence) and len(loose):
            # the confidence under which all but unknown_routed of the
            # unknowns passing the gate stay
            allowed = int(unknown_routed * len(unknown_confidence))
            if allowed < len(loose):
                ranked = np.sort(loose)[::-1]
                threshold = max(threshold, float(np.nextafter(ranked[allowed], 2)))
        applied = passing & (confidence >= threshold)
        coverage = float(applied.mean())
        if coverage > best[2] + 1e-9:
            best = (float(threshold), float(gate), coverage)
    return best


# ----------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------


def build_pipeline(c=None, embedding=None):
    """Word and character TF-IDF with a linear model; with
    ``embedding`` (a model folder, see embeddings.py), words and the
    sentence vectors of a pretrained encoder."""
    blocks = [("words", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True))]
    if embedding:
        # the encoder's sub-word tokens already cover what character n-grams
        # add (spelling variants, word forms), at half their cost per email
        blocks.append(("sentences", SentenceEmbedding(model=embedding)))
    else:
        blocks.append(
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2
                ),
            )
        )
    features = FeatureUnion(blocks)
    return Pipeline([("features", features), ("model", _linear_model(c or C))])


def _linear_model(c=C):
    # a linear SVM (liblinear): about a fifth of the time of the logistic
    # regression's solver on TF-IDF, for k + 1 fits; its scores become
    # probabilities by the temperature fitted out of fold
    return LinearSVC(C=c)


def _scores(model, features, classes):
    """Raw scores of ``model`` as columns of ``classes`` (-inf for a class
    the model never saw: a fold may miss a rare label)."""
    raw = model.decision_function(features)
    if raw.ndim == 1:  # two classes: one logit
        raw = np.column_stack([-raw / 2, raw / 2])
    if len(model.classes_) == len(classes):
        return raw
    full = np.full((raw.shape[0], len(classes)), -np.inf)
    full[:, np.searchsorted(classes, model.classes_)] = raw
    return full


def train(
    texts,
    labels,
    seed=0,
    target=0.97,
    embedding=None,
    folds=FOLDS,
    unknown_routed=UNKNOWN_ROUTED,
):
    """(model trained on all cases, metrics measured out of fold, training
    seconds). ``model`` is what ``predict`` and ``dumps`` take."""
    started = time.perf_counter()
    pairs = [
        (clean_text(text), str(label))
        for text, label in zip(texts, labels, strict=True)
        if label not in (None, False, "")
    ]
    texts = [text for text, _label in pairs]
    labels = np.array([label for _text, label in pairs], dtype=object)
    classes = np.array(sorted(set(labels)), dtype=object)
    if len(classes) < 2:
        raise TrainingError(
            f"training needs cases of two labels or more; got {len(classes)}"
        )
    truth = np.searchsorted(classes, labels)
    pipeline = build_pipeline(embedding=embedding)
    union, model = pipeline.steps[0][1], pipeline.steps[-1][1]
    with embeddings.reusing():
        try:
            # the vocabularies are learnt once from all texts (no label is
            # read), and the folds' models reuse the rows
            features = union.fit_transform(texts)
        except ValueError as error:  # "empty vocabulary"
            raise TrainingError(
                f"the cases hold no words to learn from: {error}"
            ) from error
        if sp.issparse(features):
            features = features.tocsr()
    groups = [near_duplicate_key(text) for text in texts]
    fold_count = max(2, min(folds, len(set(groups))))
    fold = assign_folds(labels, groups, fold_count, seed)
    dropped = _dropped_intents(classes, fold_count, seed)
    scores = np.full((len(texts), len(classes)), -np.inf)
    unknown = np.zeros(len(texts), dtype=bool)

    def fit_fold(number):
        held = fold == number
        if not held.any():
            return
        absent = np.isin(truth, dropped.get(number, []))
        unknown[held & absent] = True
        fit = ~held & ~absent
        if len(set(truth[fit])) < 2:
            scores[held] = 0.0  # nothing to learn from: uniform
            return
        fold_model = _linear_model().fit(features[fit], labels[fit])
        scores[held] = _scores(fold_model, features[held], classes)

    # liblinear releases the GIL: the k fold models and the final one fit
    # side by side on the machine's cores (each writes its own rows)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        final = pool.submit(model.fit, features, labels)
        list(pool.map(fit_fold, range(fold_count)))
        final.result()
    novelty = _novelty(scores)
    known = ~unknown
    temperature = fit_temperature(scores[known], truth[known])
    metrics, gates = _out_of_fold_metrics(
        scores, novelty, truth, unknown, classes, temperature, target, unknown_routed
    )
    bundle = {
        "format": FORMAT,
        "pipeline": pipeline,
        "temperature": temperature,
        "threshold": gates["threshold"],
        "novelty": gates["novelty"],
    }
    metrics["size"] = len(texts)
    metrics["temperature"] = temperature
    return bundle, metrics, time.perf_counter() - started


def _dropped_intents(classes, fold_count, seed):
    """{fold: class indexes its model is trained without}: the cases of
    those intents in that fold are what emails about an intent nobody
    labelled look like to a model (a few intents per fold, none of "other",
    and none when fewer than three intents would be left)."""
    candidates = [i for i, label in enumerate(classes) if label != OTHER]
    per_fold = max(1, round(OPEN_SET_SHARE * len(candidates)))
    if len(candidates) - per_fold < 3:
        return {}
    order = np.random.default_rng(seed).permutation(candidates)
    return {
        number: np.take(
            order, range(number * per_fold, (number + 1) * per_fold), mode="wrap"
        )
        for number in range(fold_count)
    }


def _novelty(scores):
    """How familiar each text is to the model: its largest raw score. A text
    sharing no feature with any intent scores low on all of them, whatever
    the softmax makes of the differences. (Sentence vectors' closest cases
    separate unknowns about as well, but their similarity grows with the
    number of cases, so that a gate chosen out of fold would not hold.)"""
    return np.where(np.isfinite(scores), scores, -1e9).max(axis=1)


def _out_of_fold_metrics(
    scores, novelty, truth, unknown, classes, temperature, target, unknown_routed
):
    """Metrics and gates from out-of-fold scores: calibration and accuracy
    on the known cases, the gates on both."""
    proba = softmax(np.where(np.isfinite(scores), scores, -1e9) / temperature, axis=1)
    predicted = proba.argmax(axis=1)
    confidence = proba.max(axis=1)
    correct = predicted == truth
    other = int(np.searchsorted(classes, OTHER))
    has_other = other < len(classes) and classes[other] == OTHER
    never = (predicted == other) if has_other else np.zeros(len(truth), dtype=bool)
    # "other" is never applied; its cases are unknowns as they stand
    applied_confidence = np.where(never, 0.0, confidence)
    is_unknown = unknown | ((truth == other) if has_other else False)
    known = ~is_unknown
    threshold, gate, coverage = choose_gates(
        (applied_confidence[known], novelty[known], correct[known]),
        (applied_confidence[is_unknown], novelty[is_unknown]),
        target,
        unknown_routed,
    )
    routed = (applied_confidence >= threshold) & (novelty >= gate)
    labels = classes[truth[~unknown]]
    predicted_labels = classes[predicted[~unknown]]
    present = sorted(set(labels) | set(predicted_labels))
    calibrated = ~unknown
    return {
        "accuracy": float(accuracy_score(labels, predicted_labels)),
        "macro_f1": float(
            f1_score(labels, predicted_labels, average="macro", zero_division=0)
        ),
        "ece": expected_calibration_error(confidence[calibrated], correct[calibrated]),
        "ece_uncalibrated": expected_calibration_error(
            softmax(np.where(np.isfinite(scores), scores, -1e9), axis=1).max(axis=1)[
                calibrated
            ],
            correct[calibrated],
        ),
        "reliability": reliability(confidence[calibrated], correct[calibrated]),
        "threshold": threshold,
        "novelty_threshold": gate,
        "coverage": coverage,
        "precision": float(correct[known & routed].mean())
        if (known & routed).any()
        else 1.0,
        "unknown_routed": float(routed[is_unknown].mean()) if is_unknown.any() else 0.0,
        "confusion": {
            "labels": present,
            "matrix": confusion_matrix(
                labels, predicted_labels, labels=present
            ).tolist(),
        },
    }, {"threshold": threshold, "novelty": gate}


def evaluate(model, texts, labels, target=0.97):
    """Metrics of a trained model on labelled texts (the benchmark's test
    split): accuracy, calibration, and what its own thresholds do there."""
    pipeline = pipeline_of(model)
    texts = [clean_text(text) for text in texts]
    proba, novelty = _batch(model, texts)
    classes = pipeline.classes_
    predicted = classes[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    correct = predicted == np.asarray(labels)
    oracle, oracle_coverage = threshold_for_precision(confidence, correct, target, z=0)
    applied = routed(model, predicted, confidence, novelty)
    present = sorted(set(labels) | set(predicted))
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(
            f1_score(labels, predicted, average="macro", zero_division=0)
        ),
        "ece": expected_calibration_error(confidence, correct),
        "threshold": oracle,
        "coverage": oracle_coverage,
        "routed": float(applied.mean()),
        "routed_precision": float(correct[applied].mean()) if applied.any() else 1.0,
        "confusion": {
            "labels": present,
            "matrix": confusion_matrix(labels, predicted, labels=present).tolist(),
        },
    }


def routed(model, predicted, confidence, novelty):
    """Which predictions the model's gates apply (the others go to review)."""
    model = _bundle(model)
    return (
        (np.asarray(confidence) >= model["threshold"])
        & (np.asarray(novelty) >= model["novelty"])
        & (np.asarray(predicted, dtype=object) != OTHER)
    )


def _bundle(model):
    """Models stored before the calibrated format: a bare pipeline, read as
    uncalibrated with no novelty gate (their registry threshold applies)."""
    if isinstance(model, dict):
        return model
    return {
        "format": 1,
        "pipeline": model,
        "temperature": 1.0,
        "threshold": 0.0,
        "novelty": -np.inf,
    }


def pipeline_of(model):
    return _bundle(model)["pipeline"]


def _batch(model, texts):
    """(calibrated probabilities, novelty scores) of many texts."""
    model = _bundle(model)
    pipeline = model["pipeline"]
    union, linear = pipeline.steps[0][1], pipeline.steps[-1][1]
    scores = _scores(linear, union.transform(texts), linear.classes_)
    return softmax(scores / model["temperature"], axis=1), _novelty(scores)


def _scores_one(pipeline, text):
    """Raw scores of one text, each feature block scored against its own
    slice of the coefficients:
    stacking the blocks into one sparse row took two thirds of a prediction
    once the encoder had run."""
    union, model = pipeline.steps[0][1], pipeline.steps[-1][1]
    plain = (
        len(pipeline.steps) == 2
        and isinstance(union, FeatureUnion)
        and not union.transformer_weights
        and isinstance(model, LogisticRegression | LinearSVC)
        # two classes: a sigmoid, left to scikit-learn
        and len(model.classes_) > 2
    )
    if not plain:
        return _scores(model, union.transform([text]), model.classes_)[0]
    scores = model.intercept_.copy()
    start = 0
    for _name, block in union.transformer_list:
        features = block.transform([text])
        end = start + features.shape[1]
        scores += np.asarray(features @ model.coef_[:, start:end].T).ravel()
        start = end
    return scores


def predict(model, text):
    """Prediction(label, calibrated confidence, known) for one text."""
    model = _bundle(model)
    pipeline = model["pipeline"]
    text = clean_text(text)
    # a list of one string needs no finiteness or parameter checks: they
    # cost a tenth of a prediction
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        scores = _scores_one(pipeline, text)
    proba = softmax(scores / model["temperature"])
    best = int(proba.argmax())
    label = str(pipeline.classes_[best])
    novelty = float(_novelty(scores[None, :])[0])
    known = novelty >= model["novelty"] and label != OTHER
    return Prediction(label, float(proba[best]), bool(known))


def dumps(model):
    # deflated: the vocabularies are verbose JSON in skops' schema (54 -> 20 MB
    # on banking77), for about 0.2 s more at loading
    return sio.dumps(model, compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def loads(data):
    untrusted = set(sio.get_untrusted_types(data=data)) - set(TRUSTED)
    if untrusted:
        raise UntrustedModel(
            "the stored model holds types that are never stored: "
            + ", ".join(sorted(untrusted))
        )
    return sio.loads(data, trusted=TRUSTED)
