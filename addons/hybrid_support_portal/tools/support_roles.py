"""Support roles of a customer's portal contacts, and the account summary a
company support admin reads, in plain Python (no ORM).

A contact's role decides which of the account's cases the portal shows:

- ``admin`` (company support admin): every case of the account; manages
  colleagues (invite, role, revoke) and reads the account's summary;
- ``member``: own cases and cases they follow, or every case of the account
  when given "sees all company cases";
- ``none``: no case at all (a billing-only contact, say).

A contact nobody set a role for is a member who sees all company cases:
what helpdesk_mgmt's commercial-partner rule already gave every portal
user, and what Odoo's own portal gives them for orders and invoices.
"""

ROLES = [
    ("admin", "Company support admin"),
    ("member", "Member"),
    ("none", "No access"),
]
DEFAULT_ROLE = "member"
DEFAULT_COMPANY_CASES = True

# which cases of the account a portal contact sees
SCOPE_COMPANY = "company"
SCOPE_OWN = "own"
SCOPE_NONE = "none"


def case_scope(role, company_cases):
    """SCOPE_COMPANY, SCOPE_OWN or SCOPE_NONE for a portal contact's role."""
    role = role or DEFAULT_ROLE
    if role == "admin":
        return SCOPE_COMPANY
    if role == "member":
        return SCOPE_COMPANY if company_cases else SCOPE_OWN
    return SCOPE_NONE


def team_change_refusal(
    actor_id, actor_account_id, target_id, target_account_id, target_internal
):
    """Why a company support admin may not invite, change or revoke
    ``target``, or None when they may. Reasons are codes the page words."""
    if target_account_id != actor_account_id:
        return "not_found"  # another account's contact: say nothing of it
    if target_internal:
        return "internal"
    if target_id == actor_id:
        return "self"
    return None


def health_level(score):
    """'good', 'watch' or 'attention' for a 0-100 health score."""
    if score >= 80:
        return "good"
    if score >= 50:
        return "watch"
    return "attention"


def account_summary(facts):
    """Sentences for the customer on their account's last 30 days, from the
    escalation addon's health facts: what happened and what we owe them,
    never our judgement of their tone (sentiment stays internal)."""
    lines = []
    if facts.recent:
        line = (
            f"{facts.recent} case{'s' if facts.recent != 1 else ''} opened "
            "in the last 30 days"
        )
        if facts.usual >= 1 and facts.recent > 1.5 * facts.usual:
            line += f", more than usual (about {facts.usual:.0f} a month)"
        lines.append(line + ".")
        if facts.breached:
            lines.append(
                f"{facts.breached} of them did not get our answer or "
                "resolution within the time we promised."
            )
        else:
            lines.append("Every one of them was handled within the time we promised.")
        if facts.reopened:
            lines.append(
                f"{facts.reopened} had to be reopened after we considered them solved."
            )
    else:
        lines.append("No case opened in the last 30 days.")
    if facts.waiting:
        lines.append(
            f"{facts.waiting} open case{'s are' if facts.waiting != 1 else ' is'} "
            "waiting for our first answer."
        )
    if facts.csat is not None and facts.ratings:
        lines.append(
            f"Your team rated our help {facts.csat:.1f}/5 on average "
            f"({facts.ratings} rating{'s' if facts.ratings != 1 else ''} in 90 days)."
        )
    return lines
