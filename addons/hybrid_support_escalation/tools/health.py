"""Customer health: 0-100 from the account's recent support history.

Each component takes points off 100; the explanation says how many and why,
so that an account manager can see what to act on.
"""

from dataclasses import dataclass

# Maximum points each component can take off.
WEIGHTS = {
    "volume": 25,
    "negative": 25,
    "breaches": 25,
    "reopened": 10,
    "waiting": 15,
    "satisfaction": 20,
}


@dataclass
class Facts:
    recent: int = 0  # cases opened in the last 30 days
    usual: float = 0.0  # cases per 30 days over the previous 90 days
    negative: int = 0  # recent cases with negative sentiment
    breached: int = 0  # recent cases whose SLA was breached
    reopened: int = 0  # recent cases reopened at least once
    waiting: int = 0  # open cases still without a first answer
    csat: float | None = None  # average rating (1-5) over 90 days; None: no rating
    ratings: int = 0


def components(facts):
    """{name: points taken off} for ``facts``."""
    recent = max(facts.recent, 0)
    share = (lambda n: n / recent) if recent else (lambda n: 0.0)
    usual = max(facts.usual, 1.0)
    surge = max(recent / usual - 1.0, 0.0)  # 0 at the usual rate, 1 at twice it
    return {
        "volume": round(min(surge, 1.0) * WEIGHTS["volume"], 1),
        "negative": round(share(facts.negative) * WEIGHTS["negative"], 1),
        "breaches": round(share(facts.breached) * WEIGHTS["breaches"], 1),
        "reopened": round(share(facts.reopened) * WEIGHTS["reopened"], 1),
        "waiting": round(min(facts.waiting / 5.0, 1.0) * WEIGHTS["waiting"], 1),
        # 5/5 takes nothing off, 1/5 the whole weight; no rating, no opinion
        "satisfaction": (
            0.0
            if facts.csat is None
            else round(
                min(max((5 - facts.csat) / 4, 0.0), 1.0) * WEIGHTS["satisfaction"], 1
            )
        ),
    }


def score(facts):
    """(score 0-100, components)."""
    parts = components(facts)
    return max(0, min(100, round(100 - sum(parts.values())))), parts


def explain(facts, parts):
    """One line per component that took points off."""
    lines = {
        "volume": f"{facts.recent} cases in 30 days, usually {facts.usual:.0f}",
        "negative": f"{facts.negative} of {facts.recent} recent cases negative",
        "breaches": f"{facts.breached} of {facts.recent} recent cases breached their SLA",
        "reopened": f"{facts.reopened} of {facts.recent} recent cases reopened",
        "waiting": f"{facts.waiting} open cases waiting for a first answer",
        "satisfaction": f"customers rated {facts.csat or 0:.1f}/5 on average "
        f"({facts.ratings} ratings in 90 days)",
    }
    return (
        "\n".join(
            f"-{points:g}: {lines[name]}" for name, points in parts.items() if points
        )
        or "No issue in the last 30 days."
    )
