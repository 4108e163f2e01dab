"""The Hybrid Support onboarding checklist, as data (no ORM): each step's
xmlid suffix, title, what it asks, and what makes it done."""

# (key, title, description, done when)
STEPS = [
    (
        "mailbox",
        "Connect a mailbox",
        "An incoming mail server whose emails become cases.",
        "an incoming mail server is confirmed",
    ),
    (
        "alias_domain",
        "Set the alias domain",
        "The domain of the team addresses customers write to.",
        "the company has an alias domain",
    ),
    (
        "acknowledgement",
        "Review the acknowledgement",
        "The email every new case sends its customer.",
        "the acknowledgement was opened from here",
    ),
    (
        "sla_policy",
        "Create a first SLA policy",
        "First response and resolution targets on working hours.",
        "an SLA policy exists",
    ),
    (
        "routing_rule",
        "Create a first routing rule",
        "Which team, agent or priority a case gets, and why.",
        "a routing rule exists",
    ),
    (
        "pilot_customer",
        "Invite a pilot customer",
        "A customer who follows and answers cases on the portal.",
        "a customer has a portal account",
    ),
]
KEYS = [key for key, *_rest in STEPS]


def progress(done_keys):
    """(done, total, the next step's key or None) in the checklist's order."""
    done = [key for key in KEYS if key in done_keys]
    following = next((key for key in KEYS if key not in done_keys), None)
    return len(done), len(KEYS), following
