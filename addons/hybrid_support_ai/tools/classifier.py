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

import os
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import scipy.sparse as sp
import sklearn
import skops.io as sio
from scipy.special import softmax
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.svm import LinearSVC

from . import embeddings, out_of_fold
from .calibration import expected_calibration_error, fit_temperature, reliability
from .embeddings import SentenceEmbedding
from .folds import OTHER, assign_folds, dropped_intents, near_duplicate_key
from .thresholds import (
    FLOOR,
    UNKNOWN_ROUTED,
    WILSON_Z,
    choose_gates,
    threshold_for_precision,
    wilson_lower_bound,
)

# the names this module always offered (the registry, the tests and the
# benchmark import them from here)
__all__ = [
    "FLOOR",
    "LEGACY_OTHER",
    "OTHER",
    "UNKNOWN_ROUTED",
    "WILSON_Z",
    "Prediction",
    "TrainingError",
    "UntrustedModel",
    "assign_folds",
    "build_pipeline",
    "choose_gates",
    "clean_text",
    "dumps",
    "evaluate",
    "expected_calibration_error",
    "fit_temperature",
    "loads",
    "near_duplicate_key",
    "pipeline_of",
    "predict",
    "reliability",
    "routed",
    "threshold_for_precision",
    "train",
    "wilson_lower_bound",
]

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

# its spelling in the models trained before the catalogue
LEGACY_OTHER = "other"

# each case predicted by a model trained on four fifths of the others;
# 5 + 1 fits in all
FOLDS = 5
C = 1.0
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
    vectors=None,
):
    """(model trained on all cases, metrics measured out of fold, training
    seconds). ``model`` is what ``predict`` and ``dumps`` take.
    ``vectors``: sentence vectors of texts encoded before, reused and
    completed (see ``embeddings.reusing``)."""
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
    with embeddings.reusing(vectors):
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
    dropped = dropped_intents(classes, fold_count, seed)
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
    novelty = out_of_fold.novelty(scores)
    known = ~unknown
    temperature = fit_temperature(scores[known], truth[known])
    metrics, gates = out_of_fold.metrics(
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
    return softmax(scores / model["temperature"], axis=1), out_of_fold.novelty(scores)


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
    novelty = float(out_of_fold.novelty(scores[None, :])[0])
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
