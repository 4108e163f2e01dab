"""Priority from triage, until a priority model is trained: the urgency read
in the email sets the priority through a mapping the company edits, and a
VIP account or a frustrated customer raises it by one step each."""

from dataclasses import dataclass

PRIORITIES = ("0", "1", "2", "3")  # helpdesk_mgmt: Low, Medium, High, Very High
DEFAULT_MAPPING = {"low": "0", "normal": "1", "high": "2", "critical": "3"}


@dataclass(frozen=True)
class PriorityMapping:
    by_urgency: dict
    vip_raise: bool = True
    frustrated_raise: bool = True


def priority_from_triage(mapping, urgency, is_vip=False, frustrated=False):
    """(priority or None, reasons): None when the urgency is unknown or not
    mapped (the priority is left alone)."""
    base = mapping.by_urgency.get(urgency or "")
    if base not in PRIORITIES:
        return None, []
    reasons = [f"urgency {urgency}"]
    level = PRIORITIES.index(base)
    if is_vip and mapping.vip_raise:
        level += 1
        reasons.append("VIP account: one step up")
    if frustrated and mapping.frustrated_raise:
        level += 1
        reasons.append("frustrated customer: one step up")
    return PRIORITIES[min(level, len(PRIORITIES) - 1)], reasons
