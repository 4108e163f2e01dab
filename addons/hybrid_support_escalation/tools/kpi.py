"""Support KPIs of one case, decided from plain facts (no ORM).

The ORM side (``hybrid.support.case.kpi``) gathers the facts when an event
happens (a reply, a closing, a reopening, a routing decision) and stores what
these functions return, so that reports never replay a case's history.
"""

from datetime import datetime, timedelta

# Customer Effort Score: "How easy was it to get your issue resolved?"
EFFORT_MIN, EFFORT_MAX = 1, 7


def first_contact_resolution(agent_replies, customer_wrote_after_reply, reopen_count):
    """Resolved at the first contact: closed after exactly one public agent
    reply, with no customer message after it and never reopened."""
    return agent_replies == 1 and not customer_wrote_after_reply and not reopen_count


def routing_events(decisions, model_decided_fields=()):
    """What the routing decisions of one case say, as KPI values to set:
    ``decisions`` are (source, field, model name, model version) tuples (the
    field as the caller names it: its id), ``model_decided_fields`` the
    fields a model had decided on the case before. Only what is true is
    returned; a shadow model's prediction (no field) decided nothing."""
    events = {}
    for source, field, model_name, model_version in decisions:
        if not field:
            continue
        if source in ("rule", "model"):
            events["auto_routed"] = True
        if source == "model":
            events["ai_decided"] = True
            events["ai_model"] = " v".join(filter(None, (model_name, model_version)))
        if source == "override":
            events["agent_rerouted"] = True
            if field in model_decided_fields:
                events["ai_overridden"] = True
    return events


def sla_result(lines, closed_at):
    """'met', 'breached' or False (no target) for a case closed at
    ``closed_at``; ``lines`` are (status, deadline, paused) tuples. A target
    still open whose deadline passed before the closing was breached even if
    the status job had not said so yet."""
    if not lines:
        return False
    for status, deadline, paused in lines:
        if status == "breached":
            return "breached"
        if status in ("ongoing", "at_risk") and not paused and deadline:
            if deadline < closed_at:
                return "breached"
    return "met"


def valid_effort(value):
    """The effort score as an int, or None when it is not one of 1-7."""
    try:
        score = int(value)
    except (TypeError, ValueError):
        return None
    return score if EFFORT_MIN <= score <= EFFORT_MAX else None


def rating_due(closed_at, delay_hours):
    """When the satisfaction request of a case closed at ``closed_at`` leaves."""
    return closed_at + timedelta(hours=max(delay_hours or 0.0, 0.0))


def request_blocked(automated_reason, partner_email, partner_is_employee, opted_out):
    """Why no satisfaction request goes to this case's requester (a reason
    for the skip), or None. Robots and automated cases never get one."""
    if automated_reason:
        return "automated"
    if opted_out:
        return "opted_out"
    if not partner_email:
        return "no_email"
    if partner_is_employee:
        return "employee"
    return None


def request_skipped(blocked, team_enabled, contact_days, last_asked, now):
    """Why the satisfaction request of a case is skipped, or None to send it:
    ``blocked`` (``request_blocked``'s reason), a team that sends none
    ("team_off"), or a contact last asked at ``last_asked`` (None: never),
    within the team's window of ``contact_days`` before ``now``
    ("rate_limited"; no window: no limit)."""
    if blocked:
        return blocked
    if not team_enabled:
        return "team_off"
    window = timedelta(days=contact_days or 0)
    if window and last_asked is not None and last_asked >= now - window:
        return "rate_limited"
    return None


def wall_clock_hours(start, end):
    """Hours between two naive datetimes when no calendar is known."""
    if not (isinstance(start, datetime) and isinstance(end, datetime)):
        return 0.0
    return max((end - start).total_seconds() / 3600.0, 0.0)


def time_left(deadline, now):
    """'3h 20m', '2d 4h' or, once overdue, '-45m'; '' without a deadline."""
    if not deadline:
        return ""
    seconds = int((deadline - now).total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{sign}{days}d {hours}h"
    if hours:
        return f"{sign}{hours}h {minutes:02d}m"
    return f"{sign}{minutes}m"


# what a case's history is made of, for the backfill of cases closed before
# the KPIs were stored (``replay``)
AGENT_REPLY, CUSTOMER_MESSAGE, CLOSED, REOPENED = (
    "agent_reply",
    "customer_message",
    "closed",
    "reopened",
)


def replay(events):
    """The KPIs the live event hooks would have stored, from a case's
    history: ``events`` are (date, kind) pairs, kind one of AGENT_REPLY,
    CUSTOMER_MESSAGE, CLOSED, REOPENED; they are taken in time order (an
    agent reply and a closing of the same second: the reply first, as a
    reply is written before the case is closed). Returns the counters and
    dates; the working hours are the ORM's (they need the calendar)."""
    order = {AGENT_REPLY: 0, CUSTOMER_MESSAGE: 1, REOPENED: 2, CLOSED: 3}
    state = {
        "first_response_date": None,
        "agent_replies": 0,
        "customer_wrote_after_reply": False,
        "reopen_count": 0,
        "closed_date": None,
    }
    is_closed = False
    for date, kind in sorted(events, key=lambda e: (e[0], order[e[1]])):
        if kind == AGENT_REPLY:
            state["agent_replies"] += 1
            state["first_response_date"] = state["first_response_date"] or date
        elif kind == CUSTOMER_MESSAGE and state["agent_replies"]:
            state["customer_wrote_after_reply"] = True
        elif kind == CLOSED:
            state["closed_date"], is_closed = date, True
        elif kind == REOPENED and is_closed:
            state["reopen_count"] += 1
            is_closed = False
    state["first_contact_resolution"] = bool(state["closed_date"]) and (
        first_contact_resolution(
            state["agent_replies"],
            state["customer_wrote_after_reply"],
            state["reopen_count"],
        )
    )
    return state
