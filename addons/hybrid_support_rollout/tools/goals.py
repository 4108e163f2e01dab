"""Goals set against a baseline, without the ORM."""


def progress(baseline, now, target):
    """How far ``now`` has come from ``baseline`` towards ``target``, in
    percent (0 at the baseline, 100 at the target or beyond it, never
    negative). Lower-is-better KPIs (response times) and higher-is-better
    ones (CSAT, adoption) follow from the target's side of the baseline."""
    if now is None or baseline == target:
        return 0.0
    done = (now - baseline) / (target - baseline)
    return round(max(0.0, min(done, 1.0)) * 100.0, 1)


def reached(baseline, now, target):
    """Whether ``now`` is at the target or past it, on the target's side."""
    if now is None:
        return False
    return now <= target if target < baseline else now >= target


def csat_percent(ratings, satisfied=4):
    """Share (%) of ratings (1-5) of ``satisfied`` or more."""
    ratings = list(ratings)
    if not ratings:
        return None
    return 100.0 * sum(1 for r in ratings if r >= satisfied) / len(ratings)
