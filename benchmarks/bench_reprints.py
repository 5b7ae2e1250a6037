"""Reprints: signature cost per document and candidate lookup at --docs stored documents, each
beside a baseline measured in the same run.

    python benchmarks/bench_reprints.py [--docs 100000] [--queries 1000] [--corpus varied|template]

1. Signature (luoshi.link.reprints.Fingerprint.of: 5-character shingles, 128-permutation
   MinHash in numpy, 42 band keys) on demo readouts (~430 characters) and on realistic readouts
   (~1,200 characters, see below), against the previous implementation (the MinHash products
   laid out one shingle a row, ``signature_by_rows``) in interleaved rounds, and against the
   same MinHash written as a plain Python loop. Wall and CPU time per document.
2. A store of --docs readouts is written through the store's real write path
   (Store.add_documents, which links each batch), then for --queries new readouts and reprints
   of stored ones: the lookup (luoshi.store.stories.candidates: one statement, the newest 16
   documents per band key), the same lookup in the in-memory index a process keeps once it has
   linked many documents (stories.BandIndex, with its load time and the cost of its check before
   each batch), against the baseline lookup that reads every document sharing a key
   (one ``IN`` over the 42 keys) and a linear scan of all stored signatures in numpy; the same
   lookup with 42 keys that match nothing (the statement's fixed cost: 42 index seeks, no
   rows); then the whole link of one new document (lookup, signature filter, exact comparison),
   rolled back. Wall time and the thread's CPU time (the machine is shared: the wall time of a
   0.2 ms call includes waits for a core).

Corpus ``varied`` (default): each readout is a demo generator header (meeting, date, four named
officials) and 5–8 paragraphs of clauses drawn at random from the ~2,500 distinct clauses of the
demo corpus and the test texts, paragraphs shuffled: two unrelated ones share 5% of their
shingles on average (the report gives the mean, p99 and maximum over 300 of them), close to the
real readouts of the genre (at most 9%). Corpus ``template``: the demo generator's readouts
alone, one template, 30% shared — band keys collide far more than in any real archive.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import combinations
from pathlib import Path
from typing import TypeVar

import numpy as np
from sqlalchemy import Connection, select

from luoshi.demo.generate import readout
from luoshi.ingest import document_from_text
from luoshi.link import reprints
from luoshi.link.reprints import Fingerprint
from luoshi.store import open_store, stories

T = TypeVar("T")

ROOT = Path(__file__).resolve().parent.parent
CLAUSE = re.compile(r"[，。；！？,;\n\"“”]")


def clause_pool() -> list[str]:
    """Distinct clauses (6 characters or more, mostly Chinese) of the demo corpus and the tests."""
    found: set[str] = set()
    for base in (ROOT / "src/luoshi/demo/corpus", ROOT / "tests"):
        for path in sorted(base.rglob("*")):
            if path.is_file() and path.suffix in (".txt", ".html", ".json", ".jsonl", ".py"):
                for piece in CLAUSE.split(path.read_text(encoding="utf-8", errors="ignore")):
                    piece = piece.strip()
                    han = sum("\u4e00" <= c <= "\u9fff" for c in piece)
                    if len(piece) >= 6 and "<" not in piece and ">" not in piece and han >= 0.8 * len(piece):
                        found.add(piece)
    return sorted(found)


class Texts:
    """Readouts of the chosen corpus: (title, body)."""

    def __init__(self, corpus: str) -> None:
        self.corpus = corpus
        self.clauses = clause_pool() if corpus == "varied" else []

    def __call__(self, rng: random.Random, index: int) -> tuple[str, str]:
        r = readout(rng, index)
        if self.corpus == "template":
            return r.title, r.body
        paragraphs = [
            "".join(
                "，".join(rng.sample(self.clauses, rng.randint(2, 5))) + "。"
                for _ in range(rng.randint(2, 4))
            )
            for _ in range(rng.randint(5, 8))
        ]
        rng.shuffle(paragraphs)
        return r.title, "\n".join([r.body.split("\n")[0], *paragraphs])


def shared_shingles(texts: Texts, n: int = 300) -> dict[str, float]:
    rng = random.Random(4)
    sets = [reprints.shingles(texts(rng, 10**7 + i)[1]) for i in range(n)]
    values = []
    for a, b in combinations(sets, 2):
        common = np.intersect1d(a, b, assume_unique=True).size
        values.append(common / (a.size + b.size - common))
    return {
        "jaccard_unrelated_mean": float(np.mean(values)),
        "jaccard_unrelated_p99": float(np.quantile(values, 0.99)),
        "jaccard_unrelated_max": float(np.max(values)),
    }


def python_minhash(hashes: list[int], a: list[int], b: list[int]) -> list[int]:
    """The slow baseline: the same permutations, one Python loop per permutation."""
    mask = (1 << 32) - 1
    prints = [h & mask for h in hashes]
    return [min(((ai * x + bi) & mask) for x in prints) for ai, bi in zip(a, b, strict=True)]


def fingerprint_by_rows(text: str) -> Fingerprint:
    """Fingerprint.of as it was before: the MinHash products one shingle a row."""
    ordered = reprints.pieces(text)
    hashes = reprints.unique(ordered)
    sig = reprints.signature_by_rows(hashes)
    return Fingerprint(ordered, hashes, sig, tuple(reprints.band_keys(sig)) if hashes.size else ())


def per_doc(fn: Callable[[T], object], items: list[T], clock: Callable[[], float]) -> float:
    t0 = clock()
    for item in items:
        fn(item)
    return (clock() - t0) / len(items) * 1000


def bench_signature(n: int, texts: Texts, rounds: int = 5) -> dict[str, float]:
    rng = random.Random(1)
    short = [readout(rng, i).body for i in range(n)]
    long = [texts(rng, i)[1] for i in range(n)]
    a, b = (v.astype(np.int64).tolist() for v in reprints._permutations())
    for t in long[:5]:  # the baselines compute the same signature
        assert fingerprint_by_rows(t).keys == Fingerprint.of(t).keys
        assert python_minhash(reprints.shingles(t).tolist(), a, b) == Fingerprint.of(t).signature.tolist()
    times: dict[str, list[float]] = {}
    for _ in range(rounds):  # interleaved: the machine's speed drifts
        for label, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
            for name, fn, items in (
                ("signature", Fingerprint.of, long),
                ("baseline_by_rows", fingerprint_by_rows, long),
                ("signature_short", Fingerprint.of, short),
                ("baseline_by_rows_short", fingerprint_by_rows, short),
            ):
                times.setdefault(f"{name}_{label}_ms", []).append(per_doc(fn, items, clock))
    out = {name: min(values) for name, values in times.items()}
    out["characters_mean"] = statistics.mean(len(reprints.normalise(t)) for t in long)
    out["characters_mean_short"] = statistics.mean(len(reprints.normalise(t)) for t in short)
    sample = [reprints.shingles(t).tolist() for t in long[:50]]
    out["baseline_python_minhash_ms"] = per_doc(
        lambda h: python_minhash(h, a, b),
        sample,
        time.process_time,
    )
    out["ratio_by_rows_vs_signature_cpu"] = out["baseline_by_rows_cpu_ms"] / out["signature_cpu_ms"]
    out["ratio_python_vs_signature_cpu"] = out["baseline_python_minhash_ms"] / out["signature_cpu_ms"]
    return out


def build_store(
    db: str, n: int, texts: Texts, batch: int = 1000, write: bool = True
) -> tuple[float, list[str]]:
    """``n`` readouts through Store.add_documents; returns seconds and a few stored bodies
    (``write=False``: the bodies of a store built before with the same arguments)."""
    store = open_store(db)
    rng = random.Random(2)
    kept: list[str] = []
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        docs = []
        for i in range(start, min(start + batch, n)):
            title, body = texts(rng, i)
            if write:
                docs.append(document_from_text(f"{title}\n{body}", f"d{i}"))
            if i % max(n // 200, 1) == 0:
                kept.append(body)
        if not write:
            continue
        with store.transaction() as conn:
            store.add_documents(conn, [(d, None) for d in docs])
        print(f"  stored {min(start + batch, n)} documents", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return time.perf_counter() - t0, kept


def _quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * len(ordered))] * 1000


ROWS_TABLE = "bench_band_rows"  # the band index as it was before migration 0017, for the baseline
OLD_ROW_SQL = (
    "SELECT band_key, document_id FROM (SELECT band_key, document_id FROM "
    + ROWS_TABLE
    + " WHERE band_key = ? ORDER BY document_id DESC LIMIT 16) AS k{i}"
)


def old_rows_table(conn: Connection, ids: list[int], matrix: np.ndarray) -> None:
    """The rows the store held before migration 0017 (one per band key and document, the keys of
    the stored signatures), in a table of the benchmark's own, made once per store."""
    raw = conn.connection
    cursor = raw.cursor()
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {ROWS_TABLE} (band_key BIGINT NOT NULL, document_id INTEGER NOT NULL, "
        "PRIMARY KEY (band_key, document_id))"
    )
    cursor.execute(f"SELECT count(*) FROM {ROWS_TABLE}")
    (stored,) = cursor.fetchone() or (0,)
    if stored == 0:
        cursor.execute("BEGIN")  # (luoshi's connections leave transactions to the caller)
        for start in range(0, len(ids), 5000):
            part = matrix[start : start + 5000]
            full = ~(part == np.iinfo(np.uint32).max).all(axis=1)
            keys = reprints.band_keys_of(part[full])
            docs = np.asarray(ids[start : start + 5000])[full]
            cursor.executemany(
                f"INSERT OR IGNORE INTO {ROWS_TABLE} VALUES (?, ?)",
                list(zip(keys.ravel().tolist(), np.repeat(docs, keys.shape[1]).tolist(), strict=True)),
            )
        cursor.execute("COMMIT")
    cursor.close()


def old_sql_lookup(conn: Connection, keys: tuple[int, ...]) -> dict[int, list[int]]:
    """``stories.candidates`` before migration 0017: 42 range reads, up to 16 rows each."""
    found: dict[int, list[int]] = {}
    cursor = conn.connection.cursor()
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), 100):
        chunk = wanted[start : start + 100]
        cursor.execute(" UNION ALL ".join(OLD_ROW_SQL.format(i=i) for i in range(len(chunk))), tuple(chunk))
        for key, doc_id in cursor.fetchall():
            found.setdefault(int(key), []).append(int(doc_id))
    cursor.close()
    return found


class OldIndex:
    """``stories.BandIndex.candidates`` before this session: every (key, document) row in two
    sorted arrays, two binary searches per key, a slice (sorted when longer than 16) per key."""

    def __init__(self, index: stories.BandIndex) -> None:
        self.keys, self.docs = index._keys(), index.docs

    def candidates(self, keys: tuple[int, ...]) -> dict[int, list[int]]:
        wanted = np.fromiter(sorted(set(keys)), dtype=np.int64)
        low = np.searchsorted(self.keys, wanted, side="left").tolist()
        high = np.searchsorted(self.keys, wanted, side="right").tolist()
        found: dict[int, list[int]] = {}
        for key, a, b in zip(wanted.tolist(), low, high, strict=True):
            if b > a:
                docs = (
                    self.docs[a:b]
                    if b - a <= stories.PER_KEY
                    else np.sort(self.docs[a:b])[-stories.PER_KEY :]
                )
                found[key] = docs.tolist()
        return found


def _same(a: dict[int, list[int]], b: dict[int, list[int]]) -> bool:
    return {k: sorted(v) for k, v in a.items()} == {k: sorted(v) for k, v in b.items()}


def bench_lookup(db: str, queries: int, kept: list[str], texts: Texts) -> dict[str, float]:
    store = open_store(db)  # (a store built before migration 0017 is migrated here)
    rng = random.Random(3)
    fresh = [texts(rng, 10**6 + i) for i in range(queries - len(kept))]
    bodies = [f"{title}\n{body}" for title, body in fresh]
    bodies += [f"当前位置：首页 > 要闻\n{body}\n责任编辑：林海涛" for body in kept]  # reprints
    docs = [document_from_text(t, f"q{k}") for k, t in enumerate(bodies)]
    prints = [Fingerprint.of(d.simplified) for d in docs]
    nowhere = [tuple(rng.randrange(-(1 << 63), 1 << 63) for _ in range(reprints.BANDS)) for _ in prints]
    names = (
        "lookup",
        "lookup_no_match",
        "baseline_rows_lookup",
        "baseline_rows_no_match",
        "lookup_in_memory",
        "baseline_bisect_in_memory",
        "baseline_scan",
        "match",
        "match_in_memory",
        "link",
    )
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    rows: list[int] = []

    def timed(name: str, fn: Callable[..., T]) -> T:  # `...`: the lambdas bind loop variables as defaults
        w, c = time.perf_counter(), time.thread_time()
        result = fn()
        cpu[name].append(time.thread_time() - c)
        wall[name].append(time.perf_counter() - w)
        return result

    with store.engine.connect() as conn, store.engine.connect() as old_conn:
        ids, blobs = zip(
            *conn.execute(
                select(stories.ReprintSignatureRow.document_id, stories.ReprintSignatureRow.signature)
            ),
            strict=True,
        )
        matrix = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(ids), -1)
        w = time.perf_counter()
        old_rows_table(old_conn, list(ids), matrix)
        rows_table_s = time.perf_counter() - w
        index = stories.BandIndex()  # what a process that links many documents keeps
        w, c = time.perf_counter(), time.process_time()
        index.catch_up(conn)
        index_load = (time.perf_counter() - w, time.process_time() - c)
        w, c = time.perf_counter(), time.process_time()
        index.catch_up(conn)
        index_check = (time.perf_counter() - w, time.process_time() - c)
        index._merge()  # (a small store's rows may all wait in ``recent``: the baseline reads the arrays)
        old_index = OldIndex(index)
        new_id = max(ids) + 1  # (match: a document not stored, compared with the stored ones)
        differ = [0, 0, 0]  # queries where the lists answer otherwise than the rows, the index, the bisection
        for fp, keys in zip(prints, nowhere, strict=True):
            # Interleaved, so that the machine's load weighs on each alike; the baselines on
            # their own connection (``old_conn``: no memory map, as before).
            found = timed("lookup", lambda fp=fp: stories.candidates(conn, fp.keys))
            rows.append(sum(map(len, found.values())))
            before = timed("baseline_rows_lookup", lambda fp=fp: old_sql_lookup(old_conn, fp.keys))
            in_memory = timed("lookup_in_memory", lambda fp=fp: index.candidates(fp.keys))
            bisect = timed("baseline_bisect_in_memory", lambda fp=fp: old_index.candidates(fp.keys))
            differ[0] += not _same(found, before)
            differ[1] += not _same(found, in_memory)
            differ[2] += not _same(found, bisect)
            timed("lookup_no_match", lambda keys=keys: stories.candidates(conn, keys))
            timed("baseline_rows_no_match", lambda keys=keys: old_sql_lookup(old_conn, keys))
            timed(
                "baseline_scan",
                lambda fp=fp: np.flatnonzero((matrix == fp.signature).mean(axis=1) >= stories.MIN_ESTIMATE),
            )
            timed("match", lambda fp=fp: stories.match(conn, [(new_id, fp)]))
            timed("match_in_memory", lambda fp=fp: stories.match(conn, [(new_id, fp)], index=index))
        conn.rollback()
        old_conn.rollback()
    found_reprints = 0
    store._links_reprints = False  # the document is stored without linking, then linked, timed
    for k, (doc, fp) in enumerate(zip(docs, prints, strict=True)):
        with store.engine.connect() as conn:
            trans = conn.begin()
            (outcome,) = store.add_documents(conn, [(doc, None)])
            report = timed(
                "link",
                lambda conn=conn, outcome=outcome, fp=fp: stories.link_fingerprints(
                    conn, [(outcome.document_id, fp)]
                ),
            )
            trans.rollback()
        found_reprints += bool(report.pairs) and k >= len(prints) - len(kept)
    out: dict[str, float] = {"stored_documents": len(ids), "queries": len(prints)}
    for name, values in wall.items():
        out[f"{name}_ms_p50"], out[f"{name}_ms_p95"] = _quantiles(values)
    for name, values in cpu.items():
        out[f"{name}_cpu_ms_p50"], out[f"{name}_cpu_ms_p95"] = _quantiles(values)
    out["answers_differing_rows"], out["answers_differing_index"], out["answers_differing_bisect"] = differ
    out["lookup_documents_mean"] = statistics.mean(rows)
    out["baseline_rows_table_s"] = rows_table_s
    out["in_memory_index_load_s"], out["in_memory_index_load_cpu_s"] = index_load
    out["in_memory_index_catch_up_ms"] = index_check[0] * 1000  # before each batch: nothing new
    out["in_memory_index_mb"] = index.nbytes / 1e6
    out["ratio_rows_vs_lookup_cpu_p95"] = out["baseline_rows_lookup_cpu_ms_p95"] / out["lookup_cpu_ms_p95"]
    out["ratio_bisect_vs_in_memory_cpu_p95"] = (
        out["baseline_bisect_in_memory_cpu_ms_p95"] / out["lookup_in_memory_cpu_ms_p95"]
    )
    out["ratio_scan_vs_lookup_cpu"] = out["baseline_scan_cpu_ms_p50"] / out["lookup_cpu_ms_p50"]
    out["reprints_found"] = found_reprints
    out["reprints_asked"] = len(kept)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--signature-docs", type=int, default=1000)
    parser.add_argument("--corpus", choices=("varied", "template"), default="varied")
    parser.add_argument("--db", help="keep the store in this file, or use the one built there before")
    args = parser.parse_args()
    texts = Texts(args.corpus)
    result: dict[str, object] = {
        "load_average_at_start": os.getloadavg(),
        "corpus": {"kind": args.corpus, **shared_shingles(texts)},
        "signature": bench_signature(args.signature_docs, texts),
    }
    print(json.dumps(result, indent=1), file=sys.stderr)
    if args.docs:
        with tempfile.TemporaryDirectory() as tmp:
            db = args.db or str(Path(tmp) / "reprints.db")
            reuse = Path(db).exists()  # a store this benchmark built before, with the same --docs
            seconds, kept = build_store(db, args.docs, texts, write=not reuse)
            if not reuse:
                result["store"] = {
                    "documents": args.docs,
                    "seconds": seconds,
                    "ms_per_document": seconds / args.docs * 1000,
                }
            result["lookup"] = bench_lookup(db, args.queries, kept, texts)
    result["load_average_at_end"] = os.getloadavg()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
