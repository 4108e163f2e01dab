"""Which nudge a wave's contact gets now, in plain Python (no ORM).

A wave has a series of steps (day offset after the invitation, a template,
a condition). Each run of the job gives a contact at most one email: the
latest step that is due, not sent to them yet and whose condition holds;
earlier steps it superseded are never sent (no burst of old reminders after
a pause). Nothing at all when the contact got a nudge (of any wave) less
than the wave's minimum gap ago.
"""

from dataclasses import dataclass
from datetime import timedelta

CONDITIONS = [
    ("always", "Everyone invited"),
    ("not_activated", "Not activated yet"),
    ("inactive", "Not used the portal since"),
]


@dataclass(frozen=True)
class StepSpec:
    id: int
    day_offset: int
    condition: str
    inactive_days: int = 0


@dataclass(frozen=True)
class ContactFacts:
    invited_at: object  # datetime the contact got (or already had) access
    activated_at: object = None  # first login; None (or False) while none
    last_seen_at: object = None  # last login
    last_nudge_at: object = None  # last nudge of any wave
    sent_step_ids: frozenset = frozenset()


def condition_holds(step, facts, now):
    """Whether ``step``'s condition is true for the contact now."""
    if step.condition == "not_activated":
        return not facts.activated_at
    if step.condition == "inactive":
        seen = facts.last_seen_at or facts.activated_at
        return not seen or seen <= now - timedelta(days=step.inactive_days)
    return True


def due_step(steps, facts, now, min_gap_hours):
    """(step or None, reason): the nudge to send the contact now."""
    if not facts.invited_at:
        return None, "not invited"
    if facts.last_nudge_at and facts.last_nudge_at > now - timedelta(
        hours=min_gap_hours
    ):
        return None, "rate limited"
    due = [s for s in steps if facts.invited_at + timedelta(days=s.day_offset) <= now]
    if not due:
        return None, "nothing due"
    latest = max(due, key=lambda s: (s.day_offset, s.id))
    if latest.id in facts.sent_step_ids:
        return None, "already sent"
    if not condition_holds(latest, facts, now):
        return None, "condition not met"
    return latest, "due"


def effective(sent_at, activated_at, within_days):
    """Whether a nudge sent at ``sent_at`` was followed by the contact's
    activation within ``within_days``."""
    if not activated_at or not sent_at:
        return False
    return sent_at <= activated_at <= sent_at + timedelta(days=within_days)
