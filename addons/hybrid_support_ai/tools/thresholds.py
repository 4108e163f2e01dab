"""Thresholds chosen on out-of-fold predictions (pure arithmetic): the
lowest confidence whose applied predictions hold a precision at the lower
bound of a Wilson interval, and the confidence and novelty gates together
that also keep the emails of unknown intents under a share."""

import numpy as np

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
