"""Calibration of confidences (pure arithmetic): the temperature that makes
softmax scores probabilities, the expected calibration error and the
reliability diagram's data."""

import itertools
import math

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import log_softmax


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
