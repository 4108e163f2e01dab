"""Which help-center events are a question answered before any case was
opened (a *deflection*), decided from plain facts (no ORM).

The ORM side (``hybrid.support.kb.event``) decides it when the event is
written and stores the answer on the event, so that the self-service rate is
a grouped count, never a replay of visitors' histories.
"""

import ipaddress
from datetime import timedelta

# A case the same visitor opens on the portal within this window withdraws
# their deflections: the help center did not answer them after all.
WINDOW = timedelta(hours=24)

# where a customer can be helped before writing to us
BEFORE_SUBMISSION_SOURCES = frozenset({"search", "new_case"})


def counts_as_deflection(event_type, source, has_case):
    """Whether an event is a question answered without a case:

    - "This solved it" on the new-case form (``deflected`` from
      ``new_case``): the customer gave up writing the case;
    - "Yes, this helped" on an article reached by a help-center search or a
      suggestion of the new-case form, with no case attached.

    An article that closes an existing case (``deflected`` from the
    acknowledgement or the case page) answered a case that exists: it is no
    deflection before submission. Views, suggestions and "not helpful" votes
    are not answers."""
    if has_case or source not in BEFORE_SUBMISSION_SOURCES:
        return False
    if event_type == "deflected":
        return source == "new_case"
    return event_type == "helpful"


def deflection_key(partner_id, session_hash, when):
    """What a deflection is counted once for: the visitor (a contact, else
    the anonymous session's hash) and the UTC day. Three helpful votes and a
    "This solved it" of one visit are one question answered, not four.
    None without a visitor: nobody to count for."""
    visitor = (
        f"p{partner_id}"
        if partner_id
        else (f"s{session_hash}" if session_hash else None)
    )
    return f"{visitor}:{when:%Y-%m-%d}" if visitor else None


# What one client address may write anonymously per UTC day. A session is
# free to drop (a bot without cookies starts a new one per request), the
# address is not: without these ceilings a script repeating "read the
# article, vote Yes" adds one deflection per pair, poisoning the ROI savings
# and the self-service rate. Small, because an anonymous visit is a few
# events (a view, a vote, maybe "This solved it") and one deflection;
# generous enough for a handful of colleagues behind one office's address.
# Signed-in customers are known: they keep their per-user rules.
MAX_DEFLECTIONS_PER_ADDRESS_DAY = 5
# events other than the deflections (views, votes, suggestions...)
MAX_EVENTS_PER_ADDRESS_DAY = 20
# help-center searches: beyond it a search is answered but not logged, so a
# cookieless bot cannot grow the search log nor invent knowledge gaps
MAX_SEARCHES_PER_ADDRESS_DAY = 20


def address_key(remote_addr, when):
    """What anonymous visitors are limited by: the client address and the
    UTC day, as a string to hash (never stored as is). An IPv6 client gets
    a whole /64 from its provider and can rotate within it: the /64 is the
    address. None when there is no valid address (nothing to limit by)."""
    try:
        address = ipaddress.ip_address((remote_addr or "").strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.version == 6:
        address = ipaddress.ip_network(f"{address}/64", strict=False)
    return f"{address}:{when:%Y-%m-%d}"


def self_service_rate(deflections, cases):
    """Self-service rate in percent: deflections / (deflections + cases
    opened on the portal); None when neither happened."""
    total = deflections + cases
    return round(100.0 * deflections / total, 1) if total else None
