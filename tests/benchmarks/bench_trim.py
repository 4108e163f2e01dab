#!/usr/bin/env python3
"""How well is the customer's new text separated from quotes and signatures?

Runs our trimmer (hybrid_support_intake/tools/body_clean.py) and, with
--libraries, the best existing Python libraries (talon, email-reply-parser,
mail-parser-reply, unquotemail; installed into .bench-venv so that Odoo's
environment is untouched) on the labelled corpora, in the same run: shared/'s
email_reply_trimmer corpus and tests/corpora/replies (text and HTML bodies).
For each trimmer and corpus it prints exact matches, near matches (normalised
edit distance <= 0.1) and the replies where it lost text the customer wrote
(a word of the expected text missing from its output), with the words lost.
HTML bodies go to the libraries that read HTML (talon, unquotemail) as HTML,
to the others as html_to_text's text; every output is compared as text.

    python3 tests/benchmarks/bench_trim.py [--libraries] [--corpus DIR ...]
        [--show-misses]
"""

import argparse
import difflib
import importlib
import json
import re
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPORA = [
    ROOT.parent / "shared" / "data" / "email_reply_trimmer",
    ROOT / "tests" / "corpora" / "replies",
]
VENV = ROOT / ".bench-venv"
WORD = re.compile(r"\w+")
LIBRARIES = ["talon", "email-reply-parser", "mail-parser-reply", "unquotemail"]
NEAR = 0.1  # edit distance / length of the longer text

RUNNER = r"""
import json, sys
texts = json.load(sys.stdin)
out = {}
def run(name, fn, html_fn=None):
    res = {}
    for key, text in texts.items():
        try:
            if key.endswith(".html") and html_fn:
                res[key] = html_fn(text["html"]) or ""
            else:
                res[key] = fn(text["text"]) or ""
        except Exception as error:
            res[key] = f"<error {type(error).__name__}>"
    out[name] = res
try:
    from talon import quotations
    run(
        "talon",
        lambda t: quotations.extract_from_plain(t),
        lambda h: quotations.extract_from_html(h),
    )
except Exception as error:
    out["talon"] = str(error)
try:
    from email_reply_parser import EmailReplyParser
    run("email-reply-parser", lambda t: EmailReplyParser.parse_reply(t))
except Exception as error:
    out["email-reply-parser"] = str(error)
try:
    from mailparser_reply import EmailReplyParser as MPR
    parser = MPR(languages=["en", "de", "fr", "es", "it", "nl", "pl", "sv", "no", "ru"])
    run("mail-parser-reply", lambda t: parser.parse_reply(text=t))
except Exception as error:
    out["mail-parser-reply"] = str(error)
try:
    from unquotemail import Unquote
    run(
        "unquotemail",
        lambda t: Unquote(html=None, text=t).get_text(),
        lambda h: Unquote(html=h, text=None).get_html(),
    )
except Exception as error:
    out["unquotemail"] = str(error)
json.dump(out, sys.stdout)
"""


def normalise(text):
    """Trailing spaces and runs of blank lines do not count."""
    lines = [line.rstrip() for line in (text or "").strip().split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def distance(a, b, limit):
    """Levenshtein distance, or limit + 1 once it exceeds ``limit`` (banded)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    start = 0  # the common start and end cost nothing
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a, b = a[start : len(a) - end], b[start : len(b) - end]
    if not a or not b:
        return max(len(a), len(b))
    limit = min(limit, max(len(a), len(b)))
    if len(a) * limit > 20_000_000:  # a long middle: changed lines, an upper bound
        lines_a, lines_b = a.splitlines(True), b.splitlines(True)
        matcher = difflib.SequenceMatcher(None, lines_a, lines_b, autojunk=False)
        changed = sum(
            max(sum(map(len, lines_a[i1:i2])), sum(map(len, lines_b[j1:j2])))
            for tag, i1, i2, j1, j2 in matcher.get_opcodes()
            if tag != "equal"
        )
        return min(changed, limit + 1)
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [limit + 1] * len(b)
        low, high = max(1, i - limit), min(len(b), i + limit)
        for j in range(low, high + 1):
            current[j] = min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (char_a != b[j - 1]),
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[len(b)]


def is_near(output, expected):
    limit = int(NEAR * max(len(output), len(expected)))
    return distance(output, expected, limit) <= limit


def lost_words(output, expected):
    """Words of the expected text (with their counts) missing from the output."""
    missing = Counter(WORD.findall(expected.lower()))
    missing.subtract(Counter(WORD.findall(output.lower())))
    return sum(count for count in missing.values() if count > 0)


def body_clean():
    """The addon's trimmer, without loading the addon (no ORM): its tools
    folder as a package of its own (body_clean imports its siblings)."""
    if "hs_intake_tools" not in sys.modules:
        package = types.ModuleType("hs_intake_tools")
        package.__path__ = [str(ROOT / "addons" / "hybrid_support_intake" / "tools")]
        sys.modules["hs_intake_tools"] = package
    return importlib.import_module("hs_intake_tools.body_clean")


def ours(texts):
    module = body_clean()
    return {key: module.split_reply(text["text"])[0] for key, text in texts.items()}


# Lines that make backtracking patterns slow: runs a pattern can split many
# ways, a long line with many candidate verbs, a long run without spaces.
HOSTILE = {
    "spaces": " " * 999 + "b",
    "spaces, star, spaces": "From" + " " * 900 + "*" + " " * 95,
    "quote marks": "> " * 499 + "b",
    "many verbs": ("wrote 1 " * 125)[:1000],
    "header then spaces": "On 1 Jan wrote:" + " " * 980 + "x",
    "pasted log line": "ERROR 500 at 12:04 on order S00042 while I wrote: " * 2000,
    "base64": "QUJD" * 25000,
}


def hostile_lines():
    """Seconds of split_reply on 50 copies of each hostile line."""
    module = body_clean()
    timings = {}
    for name, line in HOSTILE.items():
        started = time.perf_counter()
        module.split_reply("\n".join([line] * 50))
        timings[name] = time.perf_counter() - started
    return timings


def libraries(texts):
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", *LIBRARIES], check=True
        )
    result = subprocess.run(
        [str(python), "-c", RUNNER],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def load(corpus, module):
    """{name: {"text": body as text, "html": HTML body or None}}, {name: label}."""
    texts, expected = {}, {}
    for path in sorted((corpus / "emails").iterdir()):
        if path.suffix not in (".txt", ".html"):
            continue
        body = path.read_text()
        html = body if path.suffix == ".html" else None
        key = f"{corpus.name}/{path.name}"
        texts[key] = {"text": module.html_to_text(html) if html else body, "html": html}
        expected[key] = normalise((corpus / "trimmed" / path.name).read_text())
    return texts, expected


def as_text(outputs, module):
    """Library outputs of HTML bodies are HTML: compare their text."""
    for key, value in outputs.items():
        if key.endswith(".html") and "<" in value:
            outputs[key] = module.html_to_text(value)
    return outputs


def score(outputs, expected):
    names = list(expected)
    exact = [n for n in names if normalise(outputs[n]) == expected[n]]
    near = [n for n in names if is_near(normalise(outputs[n]), expected[n])]
    lost = {n: lost_words(outputs[n], expected[n]) for n in names}
    lost = {n: words for n, words in lost.items() if words}
    return exact, near, lost


def same_text_pairs(outputs, expected):
    """(pairs, equal): HTML and text bodies of one message (same label)."""
    pairs = equal = 0
    for key in expected:
        twin = key[: -len(".html")] + ".txt"
        if key.endswith(".html") and expected.get(twin) == expected[key]:
            pairs += 1
            equal += normalise(outputs[key]) == normalise(outputs[twin])
    return pairs, equal


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, nargs="+", default=DEFAULT_CORPORA)
    parser.add_argument("--libraries", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI: ours only, and fail when it loses any customer text",
    )
    args = parser.parse_args()
    if args.smoke:
        args.libraries = False
    losses = 0
    module = body_clean()
    for corpus in args.corpus:
        texts, expected = load(corpus, module)
        results = {"hybrid_support (ours)": ours(texts)}
        if args.libraries:
            for name, outputs in libraries(texts).items():
                results[name] = (
                    outputs if isinstance(outputs, str) else as_text(outputs, module)
                )
        total = len(expected)
        print(f"corpus: {corpus} ({total} emails)")
        print(f"{'trimmer':24} {'exact':>9} {'near':>9} {'lost text (words)':>19}")
        for name, outputs in results.items():
            if isinstance(outputs, str):
                print(f"{name:24} not available: {outputs[:60]}")
                continue
            exact, near, lost = score(outputs, expected)
            if "ours" in name:
                losses += len(lost)
            print(
                f"{name:24} {len(exact):>4}/{total:<4} {len(near):>4}/{total:<4}"
                f" {len(lost):>8} ({sum(lost.values())})"
            )
            if args.show_misses and "ours" in name:
                misses = [n for n in expected if n not in exact]
                print("  misses:", ", ".join(misses) or "none")
                print("  lost:", ", ".join(f"{n} ({w})" for n, w in lost.items()))
        pairs, equal = same_text_pairs(results["hybrid_support (ours)"], expected)
        if pairs:
            print(f"same clean text from HTML and plain text (ours): {equal}/{pairs}")
    print("hostile lines, 50 copies each (split_reply, ours):")
    for name, seconds in hostile_lines().items():
        print(
            f"  {name:24} {len(HOSTILE[name]):>7} chars a line: {seconds * 1000:8.1f} ms"
        )
    if args.smoke and losses:
        sys.exit(f"ours lost customer text in {losses} emails")


if __name__ == "__main__":
    main()
