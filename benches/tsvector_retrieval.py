#!/usr/bin/env python3
"""First-stage (candidate retrieval) comparison: SQLite FTS5 BM25 vs PostgreSQL full-text search.

What it measures
----------------
factdesk's linker asks a full-text index for the best CANDIDATES (30) claims whose text or
search context holds ANY of a tweet's search terms, then re-ranks them in Rust. This script
measures only that first stage, on CheckThat! 2022 Task 2A (English): 14,231 verified claims as
documents, the tweets of each split as queries, the split's QRELs as the gold claims.

Every engine gets EXACTLY the same term list per tweet, so the numbers compare the engines'
matching and ranking, not query building. The terms approximate `linker::analyze` /
`linker::search_terms` (which cannot be called from Python): the tweet's lower-cased words
(runs of Unicode letters/digits, 2+ characters), with URLs (http(s)://..., pic.twitter.com/...,
anything with a '/'), @mentions and '#' removed, minus a standard English stopword list (NLTK's),
deduplicated in order of first appearance. (The product also drops its reporting verbs,
negations and meta words, keeps handles as words, splits CamelCase, and adds a few synonyms
and aliases.) On this corpus every term is below COMMON_TERM_CLAIMS (20,000 claims), so the
product's query is exactly the OR of all its terms, as here.

Engines (each returns the top K for the OR of the terms):
  fts5-bm25        fts5(text, search_context, tokenize='porter unicode61 remove_diacritics 2'),
                   MATCH '{text search_context} : ("t1" OR "t2" ...)' ORDER BY rank (bm25)
  pg-ts_rank       tsv = to_tsvector('english', text || ' ' || search_context) (stored
                   generated column, GIN index); q = to_tsquery('english', 't1' | 't2' | ...);
                   WHERE tsv @@ q ORDER BY ts_rank(tsv, q) DESC, pk LIMIT K
  pg-ts_rank/n1    ts_rank(tsv, q, 1)     (rank / (1 + log(document length)))
  pg-ts_rank_cd    ts_rank_cd(tsv, q)     (cover density)
  pg-ts_rank_cd/n1 ts_rank_cd(tsv, q, 1)
The script also checks that websearch_to_tsquery('english', 't1 or t2 or ...') parses to the
same tsquery as the to_tsquery form, and reports how many tweets differ.

Metrics per split and engine: MAP@5 (the lab's official measure; per query the sum of
precision at each gold hit in the top 5, divided by min(|gold|, 5) as benches/linker.rs does;
mean over queries), R@5 and R@30 (share of the gold claims found in the top 5 / top 30,
averaged over queries; R@30 is the pool the Rust re-ranker sees), R@all (the gold claim matches
the boolean query at all: a matching/stemming limit no ranking can fix), the mean number of
claims matched, and the median wall-clock ms per query (FTS5 in-process with Python's sqlite3;
PostgreSQL through psycopg over a Unix socket, round trip included: informational only).

How to run
----------
    python3 -m venv /tmp/tsv-venv && /tmp/tsv-venv/bin/pip install 'psycopg[binary]'
    rm -rf /tmp/pgT; .ci/postgres start /tmp/pgT > /tmp/pgT.env; . /tmp/pgT.env
    /tmp/tsv-venv/bin/python benches/tsvector_retrieval.py ../shared/data/checkthat2022-2a-en [--splits dev-test,train,dev]
    .ci/postgres stop /tmp/pgT

The data folder is the first argument, else $FACTDESK_CHECKTHAT, else
../shared/data/checkthat2022-2a-en beside the current directory. The PostgreSQL URL is
$FACTDESK_TEST_POSTGRES (or --pg-url). The script creates the schema `tsv_retrieval_bench` in that
database and drops it when done (--keep leaves it). --json FILE also writes every number.
"""

import argparse
import json
import os
import re
import sqlite3
import statistics
import sys
import time
from pathlib import Path

K = 30  # factdesk's store::CANDIDATES

SPLITS = {
    # name: (queries file, gold file), as benches/common/checkthat.rs
    "train": ("CT2022-Task2A-EN-Train-Dev_Queries.tsv", "CT2022-Task2A-EN-Train_QRELs.tsv"),
    "dev": ("CT2022-Task2A-EN-Train-Dev_Queries.tsv", "CT2022-Task2A-EN-Dev_QRELs.tsv"),
    "dev-test": ("CT2022-Task2A-EN-Dev-Test_Queries.tsv", "CT2022-Task2A-EN-Dev-Test_QRELs.tsv"),
}

# NLTK's English stopword list (nltk.corpus.stopwords.words('english'), 179 words).
STOPWORDS = frozenset("""
i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
yourselves he him his himself she she's her hers herself it it's its itself they them their
theirs themselves what which who whom this that that'll these those am is are was were be been
being have has had having do does did doing a an the and but if or because as until while of at
by for with about against between into through during before after above below to from up down
in out on off over under again further then once here there when where why how all any both
each few more most other some such no nor not only own same so than too very s t can will just
don don't should should've now d ll m o re ve y ain aren aren't couldn couldn't didn didn't
doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma mightn mightn't mustn mustn't
needn needn't shan shan't shouldn shouldn't wasn wasn't weren weren't won won't wouldn wouldn't
""".split())

URL = re.compile(r"\S*://\S*|\bpic\.twitter\.com/\S*|\S*/\S*")
MENTION = re.compile(r"@\w+")
WORD = re.compile(r"[^\W_]+")  # a run of Unicode letters and digits


def search_terms(tweet):
    """The tweet's search terms (see the docstring): the same list goes to every engine."""
    text = URL.sub(" ", tweet)
    text = MENTION.sub(" ", text).replace("#", " ")
    out = []
    for word in WORD.findall(text.lower()):
        if len(word) >= 2 and word not in STOPWORDS and word not in out:
            out.append(word)
    return out


def load(data):
    docs = []  # (vclaim_id, text, search_context)
    with open(data / "vclaims.jsonl", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            field = lambda k: (v.get(k) or "").strip()
            context = " — ".join(s for s in (field("title"), field("subtitle")) if s)
            docs.append((field("vclaim_id"), field("vclaim"), context))
    return docs


def load_split(data, name):
    queries_file, gold_file = SPLITS[name]
    tweets = {}
    with open(data / queries_file, encoding="utf-8") as f:
        next(f)  # header
        for line in f:
            line = line.rstrip("\n")
            if "\t" in line:
                qid, text = line.split("\t", 1)
                tweets[qid] = text
    gold = {}  # in file order
    with open(data / gold_file, encoding="utf-8") as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if len(fields) >= 3:
                gold.setdefault(fields[0], set()).add(fields[2].strip())
    return [(qid, tweets[qid], rel) for qid, rel in gold.items() if qid in tweets]


def ap_at_5(ranked, gold):
    hits, total = 0, 0.0
    for i, doc in enumerate(ranked[:5]):
        if doc in gold:
            hits += 1
            total += hits / (i + 1)
    return total / min(len(gold), 5)


def recall(ranked, gold, k):
    return len(gold & set(ranked[:k])) / len(gold)


class Fts5:
    name = "fts5-bm25"

    def __init__(self, docs):
        self.db = sqlite3.connect(":memory:")
        self.db.execute(
            "CREATE VIRTUAL TABLE claims_fts USING fts5(text, search_context, "
            "tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        self.db.executemany(
            "INSERT INTO claims_fts (rowid, text, search_context) VALUES (?, ?, ?)",
            [(pk, text, ctx) for pk, (_, text, ctx) in enumerate(docs, 1)],
        )
        self.db.commit()

    @staticmethod
    def match(terms):
        quoted = " OR ".join('"%s"' % t.replace('"', "") for t in terms)
        return "{text search_context} : (%s)" % quoted

    def top(self, terms, k):
        if not terms:
            return []
        rows = self.db.execute(
            "SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? ORDER BY rank LIMIT ?",
            (self.match(terms), k),
        )
        return [r[0] for r in rows]

    def matched(self, terms):
        if not terms:
            return set()
        rows = self.db.execute("SELECT rowid FROM claims_fts WHERE claims_fts MATCH ?",
                               (self.match(terms),))
        return {r[0] for r in rows}


PG_SCHEMA = "tsv_retrieval_bench"
PG_RANKS = {
    "pg-ts_rank": "ts_rank(tsv, q)",
    "pg-ts_rank/n1": "ts_rank(tsv, q, 1)",
    "pg-ts_rank_cd": "ts_rank_cd(tsv, q)",
    "pg-ts_rank_cd/n1": "ts_rank_cd(tsv, q, 1)",
}


def pg_or(terms):
    """to_tsquery input: each term a quoted lexeme, joined by '|'."""
    return " | ".join("'%s'" % t.replace("\\", "").replace("'", "''") for t in terms)


class Postgres:
    def __init__(self, url, docs):
        import psycopg  # only this engine needs it

        self.conn = psycopg.connect(url, autocommit=True)
        c = self.conn
        c.execute("SET client_min_messages = warning")  # to_tsquery's stopword NOTICEs
        c.execute(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE")
        c.execute(f"CREATE SCHEMA {PG_SCHEMA}")
        c.execute(f"SET search_path = {PG_SCHEMA}")
        c.execute(
            "CREATE TABLE claims (pk int PRIMARY KEY, vclaim_id text NOT NULL, text text NOT NULL,"
            " search_context text NOT NULL, tsv tsvector GENERATED ALWAYS AS"
            " (to_tsvector('english'::regconfig, text || ' ' || search_context)) STORED)"
        )
        with c.cursor().copy("COPY claims (pk, vclaim_id, text, search_context) FROM STDIN") as cp:
            for pk, (vid, text, ctx) in enumerate(docs, 1):
                cp.write_row((pk, vid, text, ctx))
        c.execute("CREATE INDEX claims_tsv ON claims USING gin (tsv)")
        c.execute("ANALYZE claims")

    def top(self, rank, terms, k):
        if not terms:
            return []
        sql = (f"SELECT pk FROM claims, to_tsquery('english', %s) q WHERE tsv @@ q "
               f"ORDER BY {PG_RANKS[rank]} DESC, pk LIMIT %s")
        return [r[0] for r in self.conn.execute(sql, (pg_or(terms), k))]

    def matched(self, terms):
        if not terms:
            return set()
        rows = self.conn.execute(
            "SELECT pk FROM claims, to_tsquery('english', %s) q WHERE tsv @@ q", (pg_or(terms),))
        return {r[0] for r in rows}

    def websearch_differs(self, terms):
        if not terms:
            return False
        a, b = self.conn.execute(
            "SELECT to_tsquery('english', %s)::text, websearch_to_tsquery('english', %s)::text",
            (pg_or(terms), " or ".join(terms))).fetchone()
        return a != b

    def close(self, keep):
        if not keep:
            self.conn.execute(f"DROP SCHEMA {PG_SCHEMA} CASCADE")
        self.conn.close()


def timed(f, *args):
    start = time.perf_counter()
    out = f(*args)
    return out, (time.perf_counter() - start) * 1000


def run_split(name, queries, ids, fts, pg):
    engines = [(Fts5.name, fts.top, fts.matched)]
    if pg:
        engines += [(r, (lambda r: lambda t, k: pg.top(r, t, k))(r), pg.matched) for r in PG_RANKS]
    results = {}
    for engine, top, matched in engines:
        ap, r5, r30, rall, nmatch, ms = [], [], [], [], [], []
        for _, tweet, gold in queries:
            terms = search_terms(tweet)
            ranked, t = timed(top, terms, K)
            ranked = [ids[pk] for pk in ranked]
            ms.append(t)
            ap.append(ap_at_5(ranked, gold))
            r5.append(recall(ranked, gold, 5))
            r30.append(recall(ranked, gold, K))
            hits = matched(terms)
            nmatch.append(len(hits))
            rall.append(recall([ids[pk] for pk in hits], gold, len(hits)))
        n = len(queries)
        results[engine] = {
            "MAP@5": sum(ap) / n, "R@5": sum(r5) / n, "R@30": sum(r30) / n,
            "R@all": sum(rall) / n, "mean matched": sum(nmatch) / n,
            "median ms": statistics.median(ms),
        }
        print(f"  {engine} done", file=sys.stderr)
    extra = {
        "queries": len(queries),
        "queries without terms": sum(1 for _, t, _ in queries if not search_terms(t)),
        "mean terms": sum(len(search_terms(t)) for _, t, _ in queries) / len(queries),
    }
    if pg:
        extra["websearch_to_tsquery differs"] = sum(
            pg.websearch_differs(search_terms(t)) for _, t, _ in queries)
    return results, extra


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data", nargs="?", help="the CheckThat! 2022 2A English folder")
    p.add_argument("--splits", default="dev-test,train,dev")
    p.add_argument("--pg-url", default=os.environ.get("FACTDESK_TEST_POSTGRES"))
    p.add_argument("--no-pg", action="store_true", help="FTS5 only")
    p.add_argument("--keep", action="store_true", help="leave the PostgreSQL schema in place")
    p.add_argument("--json", help="also write the results to this file")
    a = p.parse_args()
    data = Path(a.data or os.environ.get("FACTDESK_CHECKTHAT")
                or Path.cwd().parent / "shared/data/checkthat2022-2a-en")
    docs = load(data)
    ids = {pk: d[0] for pk, d in enumerate(docs, 1)}
    print(f"{len(docs)} claims from {data}", file=sys.stderr)
    fts = Fts5(docs)
    pg = None
    if not a.no_pg:
        if not a.pg_url:
            sys.exit("no PostgreSQL URL: set FACTDESK_TEST_POSTGRES or pass --pg-url (or --no-pg)")
        pg = Postgres(a.pg_url, docs)
    everything = {}
    try:
        for name in a.splits.split(","):
            queries = load_split(data, name)
            print(f"{name}: {len(queries)} queries", file=sys.stderr)
            results, extra = run_split(name, queries, ids, fts, pg)
            everything[name] = {"engines": results, **extra}
            print(f"\n### {name}: " + ", ".join(f"{k} {v:.2f}" if isinstance(v, float)
                                                else f"{k} {v}" for k, v in extra.items()))
            print("\n| engine | MAP@5 | R@5 | R@30 | R@all | mean matched | median ms |")
            print("|---|---|---|---|---|---|---|")
            for engine, r in results.items():
                print(f"| {engine} | {r['MAP@5']:.4f} | {r['R@5']:.4f} | {r['R@30']:.4f} | "
                      f"{r['R@all']:.4f} | {r['mean matched']:.0f} | {r['median ms']:.2f} |")
            sys.stdout.flush()
    finally:
        if pg:
            pg.close(a.keep)
    if a.json:
        Path(a.json).write_text(json.dumps(everything, indent=2))


if __name__ == "__main__":
    main()
