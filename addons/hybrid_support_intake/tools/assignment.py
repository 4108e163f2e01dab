"""Which agent of a team gets a new case when no rule chose one.

Pure arithmetic over agent ids, so that the ORM side only gathers the
counts (a few grouped queries for a whole batch) and applies the choice."""

from datetime import datetime

NEVER = datetime(1970, 1, 1)


def pick_agent(
    method,
    candidates,
    *,
    last_agent=None,
    prefer_last_agent=False,
    open_counts=None,
    latest=None,
):
    """``(agent id, reason)`` for a new case, or ``(None, "")``.

    ``candidates``: the team's active agents (ids). ``method``:
    ``least_loaded`` (fewest open cases, then lowest id) or ``round_robin``
    (longest without a new case in the team, then lowest id); with
    ``prefer_last_agent``, the customer's ``last_agent`` wins while still in
    the team. ``reason`` is ``last_agent``, ``least_loaded`` or
    ``round_robin``."""
    candidates = list(candidates)
    open_counts = open_counts or {}
    latest = latest or {}
    if prefer_last_agent and last_agent in candidates:
        return last_agent, "last_agent"
    if candidates and method == "least_loaded":
        return min(candidates, key=lambda a: (open_counts.get(a, 0), a)), method
    if candidates and method == "round_robin":
        return min(candidates, key=lambda a: (latest.get(a) or NEVER, a)), method
    return None, ""
