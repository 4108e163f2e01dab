"""Intent classifier: word and character TF-IDF with a logistic regression,
trained from labelled cases; calibration and coverage measured on a hold-out.

Models are stored with skops (no pickle): loading accepts only the types in
TRUSTED, so a tampered model that smuggles any other type is refused.
"""

import itertools
import time
import zipfile

import numpy as np
import sklearn
import skops.io as sio
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.utils.extmath import softmax

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
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "scipy.sparse._csr.csr_matrix",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.pipeline.Pipeline",
    # stores only where its encoder is; see embeddings.py
    f"{SentenceEmbedding.__module__}.SentenceEmbedding",
]


class UntrustedModel(ValueError):
    """The stored model holds types we never store: refused, never loaded."""


def build_pipeline(c=20.0, embedding=None):
    """Word and character TF-IDF with a logistic regression; with
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
    return Pipeline(
        [("features", features), ("model", LogisticRegression(C=c, max_iter=2000))]
    )


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


def threshold_for_precision(confidence, correct, target=0.97):
    """(threshold, coverage): the lowest confidence from which predictions are
    at least ``target`` precise, and the share of messages at or above it."""
    confidence, correct = np.asarray(confidence), np.asarray(correct, dtype=float)
    order = np.argsort(-confidence)
    precision = np.cumsum(correct[order]) / np.arange(1, len(order) + 1)
    good = np.where(precision >= target)[0]
    if not len(good):
        return 1.0, 0.0
    last = good.max()
    return float(confidence[order][last]), float((last + 1) / len(order))


def evaluate(pipeline, texts, labels, target=0.97):
    proba = pipeline.predict_proba(texts)
    classes = pipeline.classes_
    predicted = classes[proba.argmax(axis=1)]
    confidence = proba.max(axis=1)
    correct = predicted == np.asarray(labels)
    threshold, coverage = threshold_for_precision(confidence, correct, target)
    present = sorted(set(labels) | set(predicted))
    return {
        "accuracy": float(accuracy_score(labels, predicted)),
        "macro_f1": float(
            f1_score(labels, predicted, average="macro", zero_division=0)
        ),
        "ece": expected_calibration_error(confidence, correct),
        "threshold": threshold,
        "coverage": coverage,
        "confusion": {
            "labels": present,
            "matrix": confusion_matrix(labels, predicted, labels=present).tolist(),
        },
    }


def train(texts, labels, holdout=0.2, seed=0, target=0.97, embedding=None):
    """(pipeline trained on all data, metrics measured on a stratified
    hold-out by a twin trained on the rest, training seconds)."""
    started = time.perf_counter()
    counts = {label: labels.count(label) for label in set(labels)}
    stratify = labels if min(counts.values()) >= 2 else None
    fit_texts, test_texts, fit_labels, test_labels = train_test_split(
        texts, labels, test_size=holdout, random_state=seed, stratify=stratify
    )
    with embeddings.reusing():
        metrics = evaluate(
            build_pipeline(embedding=embedding).fit(fit_texts, fit_labels),
            test_texts,
            test_labels,
            target,
        )
        pipeline = build_pipeline(embedding=embedding).fit(texts, labels)
    metrics["size"] = len(texts)
    return pipeline, metrics, time.perf_counter() - started


def _proba_one(pipeline, text):
    """``pipeline.predict_proba([text])[0]``, each feature block scored
    against its own slice of the coefficients: stacking the blocks into one
    sparse row took two thirds of a prediction once the encoder had run."""
    union, model = pipeline.steps[0][1], pipeline.steps[-1][1]
    plain = (
        len(pipeline.steps) == 2
        and isinstance(union, FeatureUnion)
        and not union.transformer_weights
        and isinstance(model, LogisticRegression)
        # two classes: a sigmoid, left to scikit-learn
        and len(model.classes_) > 2
    )
    if not plain:
        return pipeline.predict_proba([text])[0]
    scores = model.intercept_.copy()
    start = 0
    for _name, block in union.transformer_list:
        features = block.transform([text])
        end = start + features.shape[1]
        scores += np.asarray(features @ model.coef_[:, start:end].T).ravel()
        start = end
    return softmax(scores[None, :], copy=False)[0]


def predict(pipeline, text):
    """(label, confidence) for one text."""
    # a list of one string needs no finiteness or parameter checks: they
    # cost a tenth of a prediction
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        proba = _proba_one(pipeline, text)
    best = int(proba.argmax())
    return str(pipeline.classes_[best]), float(proba[best])


def dumps(pipeline):
    # deflated: the vocabularies are verbose JSON in skops' schema (54 -> 20 MB
    # on banking77), for about 0.2 s more at loading
    return sio.dumps(pipeline, compression=zipfile.ZIP_DEFLATED, compresslevel=6)


def loads(data):
    untrusted = set(sio.get_untrusted_types(data=data)) - set(TRUSTED)
    if untrusted:
        raise UntrustedModel(
            "the stored model holds types that are never stored: "
            + ", ".join(sorted(untrusted))
        )
    return sio.loads(data, trusted=TRUSTED)
