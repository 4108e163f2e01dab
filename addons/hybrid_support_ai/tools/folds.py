"""Folds of the out-of-fold predictions the classifier's thresholds are
chosen on: near-duplicate texts share a fold (a hold-out never holds the twin
of a training case), each label's cases are dealt round the folds, and each
fold's model is trained without a few intents (what an email about an intent
nobody labelled looks like to a model)."""

import re
import unicodedata

import numpy as np

# The label of the cases agents marked "None of these" in the review queue
# (the catalogue's catch-all intent). The models learn it like an intent, and
# never apply it: such a case always goes to a person. It starts with "_",
# which no intent code does, so that an intent named "other" is an intent.
OTHER = "__other__"
# Share of the intents each fold's model is trained without (at least one),
# to see what an email about an intent nobody labelled looks like to it
OPEN_SET_SHARE = 0.05

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


def dropped_intents(classes, fold_count, seed):
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
