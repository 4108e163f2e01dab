"""What the out-of-fold scores of a training say (pure arithmetic): how
familiar a text is to the model (the novelty score), and the metrics and
gates measured on them: accuracy, calibration, the confidence threshold and
novelty gate chosen together, the coverage and precision expected there."""

import numpy as np
from scipy.special import softmax
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score

from .calibration import expected_calibration_error, reliability
from .folds import OTHER
from .thresholds import choose_gates


def novelty(scores):
    """How familiar each text is to the model: its largest raw score. A text
    sharing no feature with any intent scores low on all of them, whatever
    the softmax makes of the differences. (Sentence vectors' closest cases
    separate unknowns about as well, but their similarity grows with the
    number of cases, so that a gate chosen out of fold would not hold.)"""
    return np.where(np.isfinite(scores), scores, -1e9).max(axis=1)


def metrics(
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
