"""Adoption figures of a wave, in plain Python (no ORM): the ORM gathers the
counts in grouped queries, these functions turn them into rates."""

import statistics

# the first things a customer can do in the portal that bring them value
FIRST_VALUE_KINDS = [
    ("viewed_case", "Viewed a case"),
    ("portal_reply", "Replied in the portal"),
    ("portal_case", "Opened a case in the portal"),
    ("helpful_article", "Found an article helpful"),
]


def rate(part, whole):
    """part / whole in percent, one decimal; 0.0 for an empty whole."""
    if not whole:
        return 0.0
    return round(100.0 * part / whole, 1)


def median_hours(hours):
    """Median of the known durations in hours (None ignored), or 0.0."""
    known = [h for h in hours if h is not None]
    if not known:
        return 0.0
    return round(statistics.median(known), 1)


def per_head(total, heads):
    """total / heads with two decimals; 0.0 without heads."""
    if not heads:
        return 0.0
    return round(total / heads, 2)


def first_value(candidates):
    """(date, kind) of the earliest of ``candidates`` (kind → date or None),
    or (None, None). Ties go to the order of FIRST_VALUE_KINDS."""
    order = [kind for kind, _label in FIRST_VALUE_KINDS]
    known = [
        (when, order.index(kind) if kind in order else len(order), kind)
        for kind, when in candidates.items()
        if when
    ]
    if not known:
        return None, None
    when, _rank, kind = min(known)
    return when, kind


def hours_between(start, end):
    """Hours from ``start`` to ``end`` (datetimes), None when one is missing."""
    if not start or not end:
        return None
    return round((end - start).total_seconds() / 3600.0, 2)


def csat(rating_sum, rating_count):
    """Average rating out of 5 with one decimal, or 0.0 without ratings."""
    if not rating_count:
        return 0.0
    return round(rating_sum / rating_count, 1)
