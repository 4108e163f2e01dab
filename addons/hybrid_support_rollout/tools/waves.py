"""A rollout wave's life, in plain Python (no ORM).

planned → pilot → active → hypercare → done; a started wave can be rolled
back to email only (rolled_back) and the rollback undone (back to the state
it left). A planned or piloted wave can go back to planned.
"""

STATES = [
    ("planned", "Planned"),
    ("pilot", "Pilot"),
    ("active", "Active"),
    ("hypercare", "Hypercare"),
    ("done", "Done"),
    ("rolled_back", "Rolled back"),
]
STARTED = ("pilot", "active", "hypercare")

TRANSITIONS = {
    "planned": ("pilot", "active"),
    "pilot": ("active", "planned", "rolled_back"),
    "active": ("hypercare", "done", "rolled_back"),
    "hypercare": ("done", "active", "rolled_back"),
    "done": ("rolled_back",),
    # undoing a rollback returns to the state the wave left (see the wave)
    "rolled_back": STARTED + ("done",),
}


def transition_refusal(current, target):
    """Why a wave in ``current`` may not go to ``target``, or None."""
    if current == target:
        return f"already {dict(STATES).get(target, target).lower()}"
    if target not in TRANSITIONS.get(current, ()):
        labels = dict(STATES)
        return (
            f"cannot go from {labels.get(current, current)} "
            f"to {labels.get(target, target)}"
        )
    return None


# --- customers ------------------------------------------------------------


def rank_accounts(account_ids, volume, min_cases=0, limit=0):
    """The ids of ``account_ids`` a wave's criteria choose, best first:
    those with at least ``min_cases`` cases (``volume``: {account id: its
    cases of the period}), the most cases first then the oldest, at most
    ``limit`` of them (0: all)."""
    ranked = sorted(
        (a for a in account_ids if volume.get(a, 0) >= min_cases),
        key=lambda a: (-volume.get(a, 0), a),
    )
    return ranked[:limit] if limit else ranked


# --- invitations ----------------------------------------------------------

# what the invitation job decides for one contact of a started wave
INVITE_STATES = [
    ("pending", "To invite"),
    ("invited", "Invited"),
    ("had_access", "Already had access"),
    ("skipped", "Skipped"),
    ("failed", "Failed"),
]
SKIP_REASONS = [
    ("internal", "Internal user"),
    ("no_email", "No valid email"),
    ("blacklisted", "Email blacklisted"),
    ("opted_out", "Prefers email"),
    ("no_case_access", "Support role: no access"),
]


def invitation_decision(*, portal_access, email, blacklisted, opted_out, support_role):
    """('invite' | 'had_access' | 'skipped', reason or None) for one
    contact of a started wave.

    ``portal_access``: 'portal', 'internal' or False (an archived user, e.g.
    a revoked one, is False: the invitation reactivates it).
    ``support_role``: the contact's B2B support role ('admin', 'member',
    'none'); 'none' sees no case in the portal, so nothing to invite to nor
    to announce, even to a contact who already has a portal login."""
    if portal_access == "internal":
        return "skipped", "internal"
    if support_role == "none":
        # nothing to show them, access or not: no announcement, no nudge
        return "skipped", "no_case_access"
    if portal_access == "portal":
        return "had_access", None
    if not email:
        return "skipped", "no_email"
    if blacklisted:
        return "skipped", "blacklisted"
    if opted_out:
        return "skipped", "opted_out"
    return "invite", None
