"""The channels a case can arrive by, and what the intake pipeline does for
each (pure data, read by ``helpdesk.ticket._hs_intake``)."""

# origin: how a case arrived. The gateway and the import read an email; the
# others are "channels" that make a case from typed values.
ORIGINS = [
    ("gateway", "Email"),
    ("import", "Mailbox import"),
    ("portal", "Portal form"),
    ("phone", "Phone call"),
    ("api", "API"),
    ("chat", "Live chat"),
    ("backoffice", "Back-office"),
]
EMAIL_ORIGINS = frozenset({"gateway", "import"})
CHANNEL_ORIGINS = frozenset(code for code, _label in ORIGINS) - EMAIL_ORIGINS

# helpdesk_mgmt's channel record of each origin (chat: hybrid_support_livechat's)
CHANNEL_XMLIDS = {
    "gateway": "helpdesk_mgmt.helpdesk_ticket_channel_email",
    "import": "helpdesk_mgmt.helpdesk_ticket_channel_email",
    "portal": "helpdesk_mgmt.helpdesk_ticket_channel_web",
    "phone": "helpdesk_mgmt.helpdesk_ticket_channel_phone",
    "api": "helpdesk_mgmt.helpdesk_ticket_channel_other",
    "chat": "hybrid_support_livechat.helpdesk_ticket_channel_chat",
}

# The customer who wrote (an email, the portal form, an API client on their
# behalf, a chat) is told their case exists; a caller already heard it from
# the agent, and history is never acknowledged. Callers may decide otherwise.
ACKNOWLEDGED_BY_DEFAULT = frozenset({"gateway", "portal", "api", "chat"})

# What the customer may set on a case they open themselves (portal form,
# ``hs_submit_case`` called by a portal user): everything else (team, user,
# priority, partner, company, stage, tags...) is the desk's decision.
CUSTOMER_FIELDS = frozenset({"name", "description", "category_id", "team_id"})


def routes_and_acknowledges(origin):
    """``(route, acknowledge)``: whether cases of ``origin`` are routed (and
    get SLA, jobs) and acknowledged by default."""
    if origin not in dict(ORIGINS):
        raise ValueError(f"unknown intake origin: {origin!r}")
    return origin != "import", origin in ACKNOWLEDGED_BY_DEFAULT
