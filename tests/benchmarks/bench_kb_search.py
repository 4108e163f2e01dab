#!/usr/bin/env python3
"""Knowledge base search at scale: 5,000 published articles, customers' words.

Creates a throw-away database with hybrid_support_kb, inserts the articles in
bulk (one per banking77 training message group: the title and body are
customers' own requests of one intent, so that the words are real), then
times, for banking77 test messages as queries:

- today's suggestion before the index (every call reads every published
  article, converts its HTML and fits TF-IDF over all of them; reproduced
  here as it was);
- ``_suggest`` with the precomputed index: the first call (build), then
  the median and 95th percentile of the next ones, each reading the
  articles' signature from PostgreSQL as in production;
- the rebuild after one article changed;
- the sentence encoder blended in, when ``--encoder`` names its folder.

It also prints how often the article of the query's intent is among the
top 3 (same for both when the ranking is unchanged: a check, not a goal).

    python3 tests/benchmarks/bench_kb_search.py [--articles 5000] [--queries 300]
"""

import argparse
import json
import random
import statistics
import time
from pathlib import Path

from common import (
    BANKING77,
    add_db_options,
    bench_database,
    describe,
    read_labelled,
    superuser_env,
)

INSERT = """
INSERT INTO hybrid_support_kb_article
    (name, body, keywords, state, audience, company_id, create_date, write_date)
SELECT jsonb_build_object('en_US', a.title), jsonb_build_object('en_US', a.body),
       a.keywords, 'published', 'public', %(company)s, now(), now()
FROM jsonb_to_recordset(%(rows)s::jsonb) AS a(title text, body text, keywords text)
RETURNING id
"""


def read_banking77(folder):
    def read(name):
        return list(zip(*read_labelled(Path(folder) / name), strict=True))

    return read("train.csv"), read("test.csv")


def synthetic(count):
    """Articles and queries of made-up words, when banking77 is not here."""
    rng = random.Random(7)
    words = [f"w{i}" for i in range(3000)]
    train = [
        (
            " ".join(rng.choices(words[i % 77 * 30 : i % 77 * 30 + 60], k=12)),
            str(i % 77),
        )
        for i in range(count * 2)
    ]
    return train, train[: count // 10]


def make_articles(train, count, rng):
    by_intent = {}
    for text, intent in train:
        by_intent.setdefault(intent, []).append(text)
    intents = sorted(by_intent)
    rows, intent_of = [], []
    for i in range(count):
        intent = intents[i % len(intents)]
        texts = rng.sample(by_intent[intent], min(6, len(by_intent[intent])))
        rows.append(
            {
                "title": texts[0].rstrip("?.!"),
                "keywords": intent.replace("_", " "),
                "body": "".join(f"<p>{text}</p>" for text in texts[1:]),
            }
        )
        intent_of.append(intent)
    return rows, intent_of


def old_suggest(Article, text, limit=3, company=None):
    """``_suggest`` as it was before the index (commit f495857^)."""
    from odoo.tools import html2plaintext

    from odoo.addons.hybrid_support_intake.tools.similarity import rank

    company = company if company is not None else Article.env.company
    articles = Article.search(
        [("state", "=", "published"), ("company_id", "in", [company.id, False])]
    )
    documents = [
        (
            article.id,
            f"{article.name} {article.keywords or ''} "
            f"{html2plaintext(article.body or '')}",
        )
        for article in articles
    ]
    return Article.browse(key for key, _score in rank(text, documents, limit=limit))


def timed(function, queries):
    times, results = [], []
    for query in queries:
        started = time.perf_counter()
        results.append(function(query))
        times.append((time.perf_counter() - started) * 1000)
    return times, results


def top3(results, queries_intents, intent_of_id):
    hits = sum(
        intent in {intent_of_id.get(article.id) for article in found[:3]}
        for found, intent in zip(results, queries_intents, strict=True)
    )
    return hits / max(1, len(results))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_db_options(parser)
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--old-queries",
        type=int,
        default=10,
        help="queries for the suggestion before the index (seconds each)",
    )
    parser.add_argument("--data", default=str(BANKING77))
    parser.add_argument(
        "--encoder",
        default="",
        help="folder of a sentence encoder (hybrid_support_ai's setting)",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="CI: 300 articles, 20 queries"
    )
    args = parser.parse_args()
    if args.smoke:
        args.articles, args.queries, args.old_queries = 300, 20, 3
    if Path(args.data, "train.csv").exists():
        train, test = read_banking77(args.data)
        source = "banking77"
    else:
        train, test = synthetic(args.articles)
        source = "synthetic words (banking77 not found)"
    rng = random.Random(42)
    rows, intents = make_articles(train, args.articles, rng)
    queries = rng.sample(test, min(args.queries, len(test)))

    modules = ["hybrid_support_kb"] + (["hybrid_support_ai"] if args.encoder else [])
    with bench_database(args, "kb", modules) as db:
        with superuser_env(db, {"lang": "en_US"}) as env:
            cr = env.cr
            cr.execute(INSERT, {"company": env.company.id, "rows": json.dumps(rows)})
            ids = [row[0] for row in cr.fetchall()]
            intent_of_id = dict(zip(ids, intents, strict=True))
            if args.encoder:
                env["ir.config_parameter"].set_param(
                    "hybrid_support_ai.embedding_model", args.encoder
                )
            cr.commit()
            Article = env["hybrid.support.kb.article"]
            texts = [text for text, _intent in queries]
            query_intents = [intent for _text, intent in queries]
            print(f"{len(ids)} published articles ({source}), {len(texts)} queries")

            old_times, old_results = timed(
                lambda q: old_suggest(Article, q), texts[: args.old_queries]
            )
            env.invalidate_all()
            print(f"before the index (read + fit per call): {describe(old_times)}")

            started = time.perf_counter()
            Article._suggest(texts[0])
            build = time.perf_counter() - started
            before = cr.sql_log_count
            new_times, new_results = timed(Article._suggest, texts)
            queries_per_call = (cr.sql_log_count - before) / len(texts)
            print(f"index build (first call): {build:.2f} s")
            print(
                f"with the index: {describe(new_times)}, "
                f"{queries_per_call:.1f} SQL queries per call (target: median under 20 ms)"
            )
            print(
                f"speed-up (median): x{statistics.median(old_times) / statistics.median(new_times):.0f}"
            )
            print(
                f"top-3 intent hit rate: before {top3(old_results, query_intents[: len(old_results)], intent_of_id):.2f} "
                f"on {len(old_results)}, with the index {top3(new_results, query_intents, intent_of_id):.2f} "
                f"on {len(new_results)}"
            )
            Article.browse(ids[0]).write({"keywords": "changed keywords"})
            started = time.perf_counter()
            Article._suggest(texts[0])
            print(
                f"rebuild after one article changed: {time.perf_counter() - started:.2f} s"
            )
            if args.encoder:
                print("sentence encoder: blended in (first call encodes every article)")
            cr.rollback()


if __name__ == "__main__":
    main()
