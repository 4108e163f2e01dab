"""Text of a stranger's email quoted back in our own acknowledgement.

The acknowledgement is sent in the company's name to whatever address the
email came from, before anyone has checked the sender: whatever it quotes
from the email (subject, the sender's display name) is stripped of anything
a mail client would turn into a link, and shortened, so that the
acknowledgement cannot carry someone else's "verify your account at ..."
"""

import re

LINK_PLACEHOLDER = "[link removed]"
# Read token by token (split on white space): each search is linear.
_LINKISH = re.compile(
    r"://|^(?:www|ftp)\.|@|[a-z0-9-]\.(?:[a-z]{2,}|xn--)|^(?:mailto|tel|data|javascript):",
    re.IGNORECASE,
)
_MAX_TOKEN = 200


def _defanged_tokens(text):
    for token in (text or "").split():
        if len(token) > _MAX_TOKEN or _LINKISH.search(token):
            yield LINK_PLACEHOLDER
        else:
            yield token


def quotable(text, limit=80):
    """``text`` with every URL, address or host name replaced by a
    placeholder, runs of white space folded, cut to ``limit`` characters at a
    word boundary (an ellipsis marks the cut)."""
    words = []
    for token in _defanged_tokens(text):
        if words and token == LINK_PLACEHOLDER == words[-1]:
            continue  # one placeholder for a run of links
        words.append(token)
    quoted = " ".join(words)
    if len(quoted) <= limit:
        return quoted
    cut = quoted[: limit - 1].rsplit(" ", 1)[0] or quoted[: limit - 1]
    return cut.rstrip() + "…"
