"""Reprints: signature cost per document and candidate lookup at --docs stored documents, each
beside a baseline measured in the same run.

    python benchmarks/bench_reprints.py [--docs 100000] [--queries 1000]

1. Signature (luoshi.link.reprints.Fingerprint.of: 5-character shingles, 128-permutation
   MinHash in numpy, 42 band keys) on demo readouts (~430 characters) and on three readouts
   joined (~1,300 characters, the length of a real readout), against the same MinHash written
   as a plain Python loop over the same shingles.
2. A store of --docs generated readouts is written through the store's real write path
   (Store.add_documents, which links each batch), then for --queries new readouts and reprints
   of stored ones: the lookup (luoshi.store.stories.candidates: the newest 16 documents per
   band key) against the baseline lookup that reads every document sharing a key, and against a
   linear scan of all stored signatures in numpy; then the whole link of one new document
   (lookup, signature filter, exact comparison), rolled back.

The generated readouts share about 30% of their shingles with each other (one template), where
real readouts of the genre share at most 9%: band keys collide far more often here than in a
real archive, so these lookups are the hard case.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from luoshi.demo.generate import readout
from luoshi.ingest import document_from_text
from luoshi.link import reprints
from luoshi.link.reprints import Fingerprint
from luoshi.store import open_store, stories


def python_minhash(hashes: list[int], a: list[int], b: list[int]) -> list[int]:
    """The baseline: the same permutations, one Python loop per permutation."""
    mask = (1 << 32) - 1
    prints = [h & mask for h in hashes]
    return [min(((ai * x + bi) & mask) for x in prints) for ai, bi in zip(a, b, strict=True)]


def per_doc(fn, items, rounds: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(rounds):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - t0)
    return best / len(items) * 1000


def bench_signature(n: int) -> dict[str, float]:
    rng = random.Random(1)
    short = [readout(rng, i).body for i in range(n)]
    long = ["\n".join(readout(rng, i).body for _ in range(3)) for i in range(n)]
    a, b = (v.astype(np.int64).tolist() for v in reprints._permutations())
    sample = [reprints.shingles(t).tolist() for t in long[:100]]
    for t in long[:5]:  # the baseline computes the same signature
        assert (
            python_minhash(reprints.shingles(t).tolist(), a, b)
            == reprints.signature(reprints.shingles(t)).tolist()
        )
    out = {
        "signature_ms_430_chars": per_doc(Fingerprint.of, short),
        "signature_ms_1300_chars": per_doc(Fingerprint.of, long),
        "baseline_python_minhash_ms_1300_chars": per_doc(lambda h: python_minhash(h, a, b), sample, rounds=1),
    }
    out["speedup_vs_python"] = out["baseline_python_minhash_ms_1300_chars"] / out["signature_ms_1300_chars"]
    return out


def build_store(db: str, n: int, batch: int = 1000) -> tuple[float, list[str]]:
    """``n`` readouts through Store.add_documents; returns seconds and a few stored bodies."""
    store = open_store(db)
    rng = random.Random(2)
    kept: list[str] = []
    t0 = time.perf_counter()
    for start in range(0, n, batch):
        docs = []
        for i in range(start, min(start + batch, n)):
            r = readout(rng, i)
            docs.append(document_from_text(f"{r.title}\n{r.body}", f"d{i}"))
            if i % max(n // 200, 1) == 0:
                kept.append(r.body)
        with store.transaction() as conn:
            store.add_documents(conn, [(d, None) for d in docs])
        print(f"  stored {min(start + batch, n)} documents", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    return time.perf_counter() - t0, kept


def bench_lookup(db: str, queries: int, kept: list[str]) -> dict[str, float]:
    store = open_store(db)
    rng = random.Random(3)
    texts = [f"{r.title}\n{r.body}" for r in (readout(rng, 10**6 + i) for i in range(queries - len(kept)))]
    texts += [
        f"当前位置：首页 > 要闻\n{body}\n责任编辑：林海涛" for body in kept
    ]  # reprints of stored documents
    docs = [document_from_text(t, f"q{k}") for k, t in enumerate(texts)]
    prints = [Fingerprint.of(d.simplified) for d in docs]
    timings: dict[str, list[float]] = {"lookup": [], "baseline_in_all": [], "baseline_scan": [], "link": []}
    rows: list[int] = []
    with store.engine.connect() as conn:
        ids, blobs = zip(
            *conn.execute(
                select(stories.ReprintSignatureRow.document_id, stories.ReprintSignatureRow.signature)
            ),
            strict=True,
        )
        matrix = np.frombuffer(b"".join(blobs), dtype="<u4").reshape(len(ids), -1)
        for fp in prints:
            t0 = time.perf_counter()
            found = stories.candidates(conn, fp.keys)
            timings["lookup"].append(time.perf_counter() - t0)
            rows.append(sum(map(len, found.values())))
            t0 = time.perf_counter()
            list(
                conn.execute(
                    select(stories.ReprintBandRow.document_id).where(
                        stories.ReprintBandRow.band_key.in_(fp.keys)
                    )
                )
            )
            timings["baseline_in_all"].append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            estimates = (matrix == fp.signature).mean(axis=1)
            np.flatnonzero(estimates >= stories.MIN_ESTIMATE)
            timings["baseline_scan"].append(time.perf_counter() - t0)
    found_reprints = 0
    store._links_reprints = False  # the document is stored without linking, then linked, timed
    for k, (doc, fp) in enumerate(zip(docs, prints, strict=True)):
        with store.engine.connect() as conn:
            trans = conn.begin()
            (outcome,) = store.add_documents(conn, [(doc, None)])
            t0 = time.perf_counter()
            report = stories.link_fingerprints(conn, [(outcome.document_id, fp)])
            timings["link"].append(time.perf_counter() - t0)
            trans.rollback()
        found_reprints += bool(report.pairs) and k >= len(prints) - len(kept)
    out: dict[str, float] = {"stored_documents": len(ids), "queries": len(prints)}
    for name, values in timings.items():
        out[f"{name}_ms_median"] = statistics.median(values) * 1000
        out[f"{name}_ms_p95"] = sorted(values)[int(0.95 * len(values))] * 1000
    out["lookup_rows_mean"] = statistics.mean(rows)
    out["ratio_lookup_vs_in_all"] = out["baseline_in_all_ms_median"] / out["lookup_ms_median"]
    out["ratio_lookup_vs_scan"] = out["baseline_scan_ms_median"] / out["lookup_ms_median"]
    out["reprints_found"] = found_reprints
    out["reprints_asked"] = len(kept)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--signature-docs", type=int, default=2000)
    args = parser.parse_args()
    result: dict[str, object] = {"signature": bench_signature(args.signature_docs)}
    print(json.dumps(result, indent=1), file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "reprints.db")
        seconds, kept = build_store(db, args.docs)
        result["store"] = {
            "documents": args.docs,
            "seconds": seconds,
            "ms_per_document": seconds / args.docs * 1000,
        }
        result["lookup"] = bench_lookup(db, args.queries, kept)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
