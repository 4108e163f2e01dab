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
