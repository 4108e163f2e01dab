"""Refuse regular expressions that backtrack catastrophically.

Python's ``re`` backtracks: ``(a+)+$`` takes longer than the age of the
universe on 40 "a" and a "!", and ``\\s*[:#]?\\s*`` re-splits a run of
spaces between its two parts (quadratic: 24,000 spaces took 7 seconds). A
pattern an administrator types is run on every incoming email, so one slow
pattern stalls the mail gateway. ``check_linear`` runs a compiled pattern
against hostile texts built from the pattern itself and refuses it when one
takes longer than a budget; nothing here runs at mail time.

The hostile texts are a prefix that the pattern accepts (every cut of an
example match, so that the engine reaches the repeat under test), then a long
run of one character the pattern reads (each literal, a member of each class,
space, letter, digit...), then nothing or a character that makes the match
fail at the end. Each text grows by one character up to 40 (exponential
patterns explode there, and a matching engine cannot be interrupted, so they
must be caught while still fast), then doubles up to ``MAX_TEXT`` (polynomial
patterns). It is a test, not a proof: a pattern that passes is fast on these
texts, and the text given to patterns at mail time is capped at ``MAX_TEXT``.
"""

import re
import time
from re import _constants as C
from re import _parser as sre_parse

# Characters of text given to admin patterns at mail time (references,
# routing); the timing test runs on texts of this length.
MAX_TEXT = 20_000
# A pattern slower than this on one hostile text is refused (seconds).
BUDGET = 0.05

_ALWAYS = " a0A-.\n"
_TAILS = ("", "\x01")
_MAX_PREFIXES = 24
_CATEGORY_CHAR = {
    C.CATEGORY_DIGIT: "0",
    C.CATEGORY_NOT_DIGIT: "a",
    C.CATEGORY_SPACE: " ",
    C.CATEGORY_NOT_SPACE: "a",
    C.CATEGORY_WORD: "a",
    C.CATEGORY_NOT_WORD: " ",
    C.CATEGORY_LINEBREAK: "\n",
    C.CATEGORY_NOT_LINEBREAK: "a",
}
_REPEATS = (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT)


class SlowPattern(ValueError):
    """The pattern backtracks on some text: the reason says which."""


def _class_chars(items):
    """Characters the class ``[...]`` reads (one per member), or, for a
    negated class, characters it accepts among common ones."""
    if items and items[0][0] is C.NEGATE:
        excluded = set(_class_chars(items[1:]))
        return [ch for ch in " a0A-.,x" if ch not in excluded][:2]
    chars = []
    for op, av in items:
        if op is C.LITERAL:
            chars.append(chr(av))
        elif op is C.RANGE:
            chars += [chr(av[0]), chr(av[1])]
        elif op is C.CATEGORY:
            chars.append(_CATEGORY_CHAR.get(av, "a"))
    return chars


def _example(parsed):
    """A short text matched by ``parsed`` (the first branch of each
    alternative, each repeat at its minimum but at least once)."""
    out = []
    for op, av in parsed:
        if op is C.LITERAL:
            out.append(chr(av))
        elif op is C.NOT_LITERAL:
            out.append("a" if av != ord("a") else "b")
        elif op is C.ANY:
            out.append("a")
        elif op is C.IN:
            out.append((_class_chars(av) or ["a"])[0])
        elif op in _REPEATS:
            low, _high, sub = av
            out.append(_example(sub) * min(max(low, 1), 100))
        elif op is C.SUBPATTERN:
            out.append(_example(av[3]))
        elif op is C.ATOMIC_GROUP:
            out.append(_example(av))
        elif op is C.BRANCH:
            out.append(_example(av[1][0]))
        # anchors, lookarounds and back references add nothing
    return "".join(out)


def _inner(op, av):
    """The sub-sequences of one item, where a prefix may stop inside it."""
    if op in _REPEATS:
        return [av[2]]
    if op is C.SUBPATTERN:
        return [av[3]]
    if op is C.ATOMIC_GROUP:
        return [av]
    if op is C.BRANCH:
        return av[1]
    return []


def _prefixes(parsed, depth=0):
    """Texts that the pattern reads from the start and stops in the middle
    of: every cut of an example match, inside groups and repeats too."""
    found = [""]
    items = list(parsed)
    for index, (op, av) in enumerate(items):
        head = _example(items[:index])
        if depth < 6:
            for sub in _inner(op, av):
                found += [head + tail for tail in _prefixes(sub, depth + 1)]
        found.append(head + _example([(op, av)]))
    return found


def _chars(parsed):
    """Every character the pattern reads: literals, class members."""
    chars = []
    for op, av in parsed:
        if op in (C.LITERAL, C.NOT_LITERAL):
            chars.append(chr(av))
        elif op is C.IN:
            chars += _class_chars(av)
        elif op is C.ANY:
            chars.append("a")
        for sub in _inner(op, av):
            chars += _chars(sub)
        if op in (C.ASSERT, C.ASSERT_NOT):
            chars += _chars(av[1])
    return chars


def hostile_texts(pattern):
    """``(prefix, run character, tail)`` triples for ``check_linear``."""
    parsed = sre_parse.parse(pattern.pattern, pattern.flags)
    prefixes = list(dict.fromkeys(p[:200] for p in _prefixes(parsed)))
    prefixes = prefixes[:_MAX_PREFIXES]
    chars = list(dict.fromkeys(_ALWAYS + "".join(_chars(parsed))))
    return [(p, ch, tail) for p in prefixes for ch in chars for tail in _TAILS]


def _sizes(limit):
    yield from range(1, 41)
    size = 80
    while size < limit:
        yield size
        size *= 2
    yield limit


def _elapsed(compiled, text):
    """CPU seconds of this thread to find every match: other processes on a
    busy server do not count."""
    start = time.thread_time()
    for _match in compiled.finditer(text):
        pass
    return time.thread_time() - start


def check_linear(compiled, budget=BUDGET, limit=MAX_TEXT):
    """Raise SlowPattern when ``compiled`` takes more than ``budget`` seconds
    to find all its matches in one of the hostile texts of up to ``limit``
    characters. Each text grows until it is slow or reaches ``limit``."""
    if isinstance(compiled, str):
        compiled = re.compile(compiled)
    if isinstance(compiled.pattern, bytes):
        raise SlowPattern("only text patterns are supported")
    for prefix, char, tail in hostile_texts(compiled):
        for size in _sizes(limit):
            text = prefix + char * size + tail
            elapsed = _elapsed(compiled, text)
            if elapsed > budget:  # measured again: a pause is not a pattern
                elapsed = min(elapsed, _elapsed(compiled, text))
            if elapsed > budget:
                shown = (prefix[:30] + char * 3 + "...").encode("unicode_escape")
                raise SlowPattern(
                    f"it backtracks: {elapsed:.2f} s on a text of "
                    f"{len(text):,} characters like '{shown.decode()}' "
                    f"(at most {budget * 1000:.0f} ms are allowed); use "
                    "possessive repeats (*+, ++, ?+) or bounded ones ({0,20}), "
                    "and no nested or adjacent repeats of the same characters"
                )
