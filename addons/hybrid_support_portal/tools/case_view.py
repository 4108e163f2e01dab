"""The case as the customer reads it: the service clock, who the case waits
on and the next step, decided from plain facts (no ORM), so that each rule
can be tested without a database and read in one place."""

from dataclasses import dataclass
from datetime import datetime

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
OPEN = ("ongoing", "at_risk")

# what the customer reads for one target
DUE = "due"  # running, before its deadline
PAUSED = "paused"  # stopped while we wait for the customer
LATE = "late"  # running, past its deadline
MET = "met"  # reached in time
BREACHED = "breached"  # reached, but after the deadline

WAITING_ON_US = "us"
WAITING_ON_CUSTOMER = "customer"

STEP_CLOSED = "closed"
STEP_REPLY = "reply"
STEP_FIRST_ANSWER = "first_answer"
STEP_WORKING = "working"


@dataclass(frozen=True)
class Target:
    """One SLA line of the case: one policy's promise for one target."""

    kind: str  # FIRST_RESPONSE or RESOLUTION
    status: str  # ongoing, at_risk, breached, met
    deadline: datetime | None
    reached: datetime | None = None  # when it became met or breached
    paused_since: datetime | None = None


@dataclass(frozen=True)
class ClockItem:
    """What the customer reads of one target."""

    kind: str
    state: str  # DUE, PAUSED, LATE, MET, BREACHED
    deadline: datetime | None
    reached: datetime | None = None
    # the line behind it, for the working hours left (DUE, PAUSED)
    target: Target | None = None


def binding_target(targets, kind):
    """The line of ``kind`` the customer holds us to: the earliest deadline
    (several policies may apply, the strictest is the promise)."""
    lines = [t for t in targets if t.kind == kind and t.deadline]
    if not lines:
        return None
    return min(lines, key=lambda t: t.deadline)


def read_target(target, now, answered_at=None):
    """The customer's reading of one line at ``now``. A first response the
    agents gave (``answered_at``) reads as answered then, in time or late
    as the line recorded it."""
    if target.kind == FIRST_RESPONSE and answered_at:
        state = BREACHED if target.status == "breached" else MET
        return ClockItem(target.kind, state, target.deadline, answered_at)
    if target.status == "met":
        return ClockItem(target.kind, MET, target.deadline, target.reached)
    if target.status == "breached":
        return ClockItem(target.kind, LATE, target.deadline, target.reached, target)
    if target.paused_since:
        return ClockItem(target.kind, PAUSED, target.deadline, None, target)
    if target.deadline and target.deadline <= now:
        return ClockItem(target.kind, LATE, target.deadline, None, target)
    return ClockItem(target.kind, DUE, target.deadline, None, target)


def customer_clock(targets, now, closed=False, answered_at=None, closed_at=None):
    """The clock items of a case, first answer then resolution.

    A closed case reads its targets after the fact: met, or breached when
    late. Closing reaches every open line; a first answer never given (the
    customer closed the case) has no verdict and is left out."""
    items = []
    for kind in (FIRST_RESPONSE, RESOLUTION):
        target = binding_target(targets, kind)
        if target is None:
            continue
        if closed and kind == FIRST_RESPONSE and not answered_at:
            continue
        item = read_target(target, now, answered_at)
        if closed and item.state == LATE:
            item = ClockItem(
                kind, BREACHED, target.deadline, target.reached or closed_at
            )
        elif closed and item.state in (DUE, PAUSED):
            item = ClockItem(kind, MET, target.deadline, target.reached or closed_at)
        items.append(item)
    return items


def waiting_on(closed, in_pausing_stage):
    """Who the case waits on: nobody when closed, the customer while a
    pausing stage (e.g. "Awaiting") holds it, else us."""
    if closed:
        return None
    return WAITING_ON_CUSTOMER if in_pausing_stage else WAITING_ON_US


def next_step(closed, waiting, answered):
    """What happens next, as a code the page words."""
    if closed:
        return STEP_CLOSED
    if waiting == WAITING_ON_CUSTOMER:
        return STEP_REPLY
    if not answered:
        return STEP_FIRST_ANSWER
    return STEP_WORKING


def format_hours(hours):
    """Working hours as the customer reads them: "3 h 05 min", "45 min"."""
    minutes = max(0, round(hours * 60))
    whole, rest = divmod(minutes, 60)
    if not whole:
        return f"{rest} min"
    return f"{whole} h {rest:02d} min"
