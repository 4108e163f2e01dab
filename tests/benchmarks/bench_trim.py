#!/usr/bin/env python3
"""How well is the customer's new text separated from quotes and signatures?

Runs our trimmer (hybrid_support_intake/tools/body_clean.py) and, with
--libraries, the best existing Python libraries (talon, email-reply-parser,
mail-parser-reply, unquotemail; installed into .bench-venv so that Odoo's
environment is untouched) on a labelled corpus, in the same run, and prints
for each: exact matches and matches within a small edit distance.

    python3 tests/benchmarks/bench_trim.py [--libraries] [--corpus DIR]
"""

import argparse
import importlib.util
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "email_reply_trimmer"
VENV = ROOT / ".bench-venv"
LIBRARIES = ["talon", "email-reply-parser", "mail-parser-reply", "unquotemail"]
CLOSE = 10  # characters

RUNNER = r"""
import json, sys
texts = json.load(sys.stdin)
out = {}
def run(name, fn):
    res = {}
    for key, text in texts.items():
        try:
            res[key] = fn(text) or ""
        except Exception as error:
            res[key] = f"<error {type(error).__name__}>"
    out[name] = res
try:
    from talon import quotations
    run("talon", lambda t: quotations.extract_from_plain(t))
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
    run("unquotemail", lambda t: Unquote(html=None, text=t).get_text())
except Exception as error:
    out["unquotemail"] = str(error)
json.dump(out, sys.stdout)
"""


def normalise(text):
    return "\n".join(line.rstrip() for line in (text or "").strip().split("\n"))


def distance(a, b, limit=CLOSE):
    """Levenshtein distance, or limit + 1 once it exceeds ``limit`` (banded)."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
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


def body_clean():
    path = ROOT / "addons" / "hybrid_support_intake" / "tools" / "body_clean.py"
    spec = importlib.util.spec_from_file_location("body_clean", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(texts):
    module = body_clean()
    return {key: module.split_reply(text)[0] for key, text in texts.items()}


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--libraries", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args()
    names = sorted(p.name for p in (args.corpus / "emails").glob("*.txt"))
    texts = {n: (args.corpus / "emails" / n).read_text() for n in names}
    expected = {n: normalise((args.corpus / "trimmed" / n).read_text()) for n in names}
    results = {"hybrid_support (ours)": ours(texts)}
    if args.libraries:
        results.update(libraries(texts))
    print(f"corpus: {args.corpus} ({len(names)} emails)")
    print(f"{'trimmer':24} {'exact':>9} {'within ' + str(CLOSE) + ' chars':>16}")
    for name, outputs in results.items():
        if isinstance(outputs, str):
            print(f"{name:24} not available: {outputs[:60]}")
            continue
        exact = sum(normalise(outputs[n]) == expected[n] for n in names)
        close = sum(
            distance(normalise(outputs[n]), expected[n]) <= CLOSE for n in names
        )
        print(f"{name:24} {exact:>4}/{len(names):<4} {close:>10}/{len(names)}")
        if args.show_misses and "ours" in name:
            misses = [n for n in names if normalise(outputs[n]) != expected[n]]
            print("  misses:", ", ".join(misses) or "none")
    print("hostile lines, 50 copies each (split_reply, ours):")
    for name, seconds in hostile_lines().items():
        print(
            f"  {name:24} {len(HOSTILE[name]):>7} chars a line: {seconds * 1000:8.1f} ms"
        )


if __name__ == "__main__":
    main()
