"""The customer's one-click answers in our emails ("This solved my problem",
"I still need help") and the reminders of cases waiting on them, as plain
functions: no ORM, no database, testable alone.

A link carries ``<partner>.<expiry>.<signature>``; the signature binds the
case, the action, the partner and the expiry, so that a link acts only on the
case and for the action it names, only until it expires, and logs the answer
in the name of the customer it was written for. ``sign`` is given by the
caller (an HMAC keyed with the database secret)."""

import hmac
import re
from dataclasses import dataclass

SOLVED = "solved"
REOPEN = "reopen"
ACTIONS = (SOLVED, REOPEN)

# partner id, expiry (UTC timestamp), HMAC-SHA256 in hex; anchored and
# bounded, so that a hostile value costs nothing to refuse
TOKEN = re.compile(r"([1-9]\d{0,11})\.(\d{1,12})\.([0-9a-f]{64})")
TOKEN_MAX_LENGTH = 100

VALID = "valid"
EXPIRED = "expired"
INVALID = "invalid"


@dataclass(frozen=True)
class Verdict:
    """What a link's token says: ``status`` is VALID, EXPIRED (a genuine
    link, too old) or INVALID (forged, altered, another case's or another
    action's); ``partner_id`` is the customer it was written for (0 when
    invalid)."""

    status: str
    partner_id: int = 0

    @property
    def valid(self):
        return self.status == VALID


def signed_message(case_id, action, partner_id, expires):
    """What the signature covers."""
    return f"{int(case_id)}:{action}:{int(partner_id)}:{int(expires)}"


def make_token(case_id, action, partner_id, expires, sign):
    if action not in ACTIONS:
        raise ValueError(f"unknown case action {action!r}")
    digest = sign(signed_message(case_id, action, partner_id, expires))
    return f"{int(partner_id)}.{int(expires)}.{digest}"


def check_token(token, case_id, action, now, sign):
    """The verdict on ``token`` presented for ``action`` on case ``case_id``
    at ``now`` (a UTC timestamp). The signature is checked before the expiry:
    "expired" is said only of genuine links."""
    if (
        action not in ACTIONS
        or not isinstance(token, str)
        or len(token) > TOKEN_MAX_LENGTH
    ):
        return Verdict(INVALID)
    match = TOKEN.fullmatch(token)
    if not match:
        return Verdict(INVALID)
    partner_id, expires, digest = int(match[1]), int(match[2]), match[3]
    expected = sign(signed_message(case_id, action, partner_id, expires))
    if not hmac.compare_digest(digest, expected):
        return Verdict(INVALID)
    if now >= expires:
        return Verdict(EXPIRED, partner_id)
    return Verdict(VALID, partner_id)


REMIND = "remind"
CLOSE = "close"


def next_reminder_step(reminders_sent, max_reminders):
    """What a case waiting on its customer gets once its delay is over: one
    more reminder while fewer than ``max_reminders`` were sent, else it is
    closed with a final message."""
    return REMIND if reminders_sent < max(max_reminders, 0) else CLOSE
