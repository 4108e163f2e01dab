"""Extractive thread summary: what the customer wants, the facts they gave,
what was already tried, and who the thread is waiting for."""

import re

_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_TRIED = re.compile(
    r"\b(tried|already|attempted|restarted|rebooted|reinstalled|cleared|reset|"
    r"followed|did not help|didn't help|still)\b",
    re.IGNORECASE,
)
_GREETING = re.compile(
    r"^(hi|hello|dear|hey|good (morning|afternoon|evening))\b[^.!?]*[,!.]?$", re.I
)


def sentences(text):
    parts = (part.strip() for part in _SENTENCE.split(text or ""))
    return [p for p in parts if len(p) > 2 and not _GREETING.match(p)]


def _cut(text, size):
    return text if len(text) <= size else text[: size - 1].rsplit(" ", 1)[0] + "…"


def summarize(messages, facts=(), size=160):
    """``messages``: ``[(from_customer, text)]`` oldest first, quotes already
    removed; ``facts``: references, phone numbers... Returns a few lines."""
    customer = [text for is_customer, text in messages if is_customer and text]
    lines = []
    if customer:
        first = sentences(customer[0])
        if first:
            lines.append("Wants: " + _cut(" ".join(first[:2]), size))
    if facts:
        lines.append("Facts: " + _cut(", ".join(facts), size))
    tried = [s for text in customer for s in sentences(text) if _TRIED.search(s)]
    if tried:
        lines.append("Tried: " + _cut(" ".join(dict.fromkeys(tried[-2:])), size))
    if messages:
        last_is_customer, last_text = messages[-1]
        if last_is_customer:
            waiting, count = sentences(last_text), unanswered(messages)
            lines.append(
                "Pending: waiting for us"
                + (
                    f" ({count} customer messages since our last answer)"
                    if count > 1
                    else ""
                )
                + (
                    ": " + _cut(waiting[-1], size)
                    if waiting and len(customer) > 1
                    else ""
                )
            )
        else:
            lines.append("Pending: waiting for the customer")
    return "\n".join(lines)


def unanswered(messages):
    """Customer messages since the last agent answer (frustration signal)."""
    count = 0
    for is_customer, _text in reversed(messages):
        if not is_customer:
            break
        count += 1
    return count
