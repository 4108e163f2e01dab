"""Deterministic routing rules evaluated on plain facts about a case.

The ORM layer turns rules and cases into these structures; nothing here
touches the database, so rule semantics are tested in isolation.
"""

import re
from dataclasses import dataclass

from .regex_safety import MAX_TEXT


@dataclass
class CaseFacts:
    sender: str = ""  # normalised email
    subject: str = ""
    body: str = ""
    tag_ids: frozenset = frozenset()  # partner and company tags
    is_vip: bool = False
    channel_id: int = 0
    team_id: int = 0
    language: str = ""
    intent_id: int = 0  # of the intent catalogue
    intent: str = ""  # its name, for the reasons
    intent_confidence: float = 0.0

    @property
    def domain(self):
        return self.sender.rpartition("@")[2]


@dataclass(frozen=True)
class RuleSpec:
    rule_id: int
    senders: tuple = ()  # "ann@x.com", "x.com", "@x.com" or "*@x.com"
    tag_ids: frozenset = frozenset()
    vip_only: bool = False
    keywords: tuple = ()
    regex: re.Pattern | None = None
    match_in: str = "both"  # subject, body or both
    channel_ids: frozenset = frozenset()
    team_ids: frozenset = frozenset()
    languages: frozenset = frozenset()
    intent_id: int = 0
    min_confidence: float = 0.0
    continue_after: bool = False


def split_list(text):
    """Comma, semicolon or newline separated values, stripped and lowercased."""
    return tuple(
        part.strip().lower() for part in re.split(r"[,;\n]", text or "") if part.strip()
    )


def keyword_regex(keyword):
    """The whole-word search for one keyword: a literal, linear."""
    return re.compile(rf"\b{re.escape(keyword)}\b")


def _sender_matches(senders, facts):
    """The first entry of ``senders`` naming this address, its domain or a
    parent domain ("x.com" also covers "eu.x.com")."""
    for sender in senders:
        bare = sender.lstrip("*@")
        if "@" in bare:
            if facts.sender == bare:
                return sender
        elif facts.domain == bare or facts.domain.endswith("." + bare):
            return sender
    return None


def matches(rule, facts):
    """``(True, reasons)`` when every condition set on ``rule`` holds for
    ``facts``; an unset condition always holds. ``reasons`` say which
    conditions matched, for the routing log."""
    reasons = []
    if rule.team_ids and facts.team_id not in rule.team_ids:
        return False, []
    if rule.senders:
        hit = _sender_matches(rule.senders, facts)
        if not hit:
            return False, []
        reasons.append(f"sender {hit}")
    if rule.tag_ids:
        if not rule.tag_ids & facts.tag_ids:
            return False, []
        reasons.append("customer tag")
    if rule.vip_only:
        if not facts.is_vip:
            return False, []
        reasons.append("VIP")
    if rule.keywords or rule.regex:
        text = {
            "subject": facts.subject,
            "body": facts.body,
        }.get(rule.match_in, f"{facts.subject}\n{facts.body}")
        # a pattern's time grows with the text: the first characters decide
        text = text[:MAX_TEXT]
        lowered = text.lower()
        word = next(
            (k for k in rule.keywords if keyword_regex(k).search(lowered)),
            None,
        )
        found = rule.regex.search(text) if rule.regex else None
        if not word and not found:
            return False, []
        reasons.append(f"keyword {word}" if word else f"pattern {found.group(0)[:40]}")
    if rule.channel_ids:
        if facts.channel_id not in rule.channel_ids:
            return False, []
        reasons.append("channel")
    if rule.languages:
        if (facts.language or "").lower() not in rule.languages:
            return False, []
        reasons.append(f"language {facts.language}")
    if rule.intent_id:
        if (
            facts.intent_id != rule.intent_id
            or facts.intent_confidence < rule.min_confidence
        ):
            return False, []
        reasons.append(f"intent {facts.intent} ({facts.intent_confidence:.0%})")
    return True, reasons


def evaluate(rules, facts):
    """``[(rule, reasons)]`` of the rules that apply, in order: the first match
    stops evaluation unless it says to continue."""
    applied = []
    for rule in rules:
        ok, reasons = matches(rule, facts)
        if ok:
            applied.append((rule, reasons))
            if not rule.continue_after:
                break
    return applied
