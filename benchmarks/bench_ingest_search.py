"""Ingest throughput and search latency, each beside a naive baseline in the same run.

    python benchmarks/bench_ingest_search.py [--docs 100000] [--throughput-docs 2000] [--rounds 3]
    python benchmarks/bench_ingest_search.py --throughput-only

1. Throughput on ~5 KB documents: luoshi's ingest with extraction (decode, clean, fold, hash,
   extract, store facts, index) and without it (``luoshi ingest --no-facts``), against a baseline
   that only reads each file and inserts its raw text; rounds interleave the three.
2. A corpus of --docs generated documents (recombined demo readouts) is ingested, then a fixed
   query set is timed with FTS5 (luoshi search) and with the baseline LIKE scan in both scripts.
Peak memory (max RSS) is reported for the ingest, which streams files in batches.
"""

from __future__ import annotations

import argparse
import compileall
import json
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from luoshi.demo.generate import readout
from luoshi.pipeline import ingest_paths
from luoshi.store import open_store
from luoshi.text.fold import to_simplified, to_traditional

QUERIES = [
    "前海",
    "橫琴",
    "会",
    "倒排工期",
    "年度工作任务",
    "市委書記",
    "滨海新区 领导小组",
    "規則銜接",
    "营商环境改革实施意见",
    "一事三地",
    "督查督办",
    "口岸",
    # rare and absent terms: the baseline's worst case, a scan of every row
    "第99999号简报",
    "跨境理财通",
]


def compile_tree(src: Path | str) -> Path:
    """Write the bytecode of every module below ``src``, as an installed luoshi has it, and return
    ``src``. A shell that sets PYTHONDONTWRITEBYTECODE (this machine's do) otherwise has each run
    of a tree without bytecode compile its modules again (≈ 0.1–0.5 s of CPU), and a comparison
    of two trees charges that to whichever lacks it."""
    compileall.compile_dir(str(src), quiet=2)
    return Path(src)


def write_corpus(folder: Path, n: int, parts: int, seed: int) -> int:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for i in range(n):
        texts = [readout(rng, i).body for _ in range(parts)]
        text = f"第{i}号简报\n" + "\n".join(texts)
        if i % 3 == 0:
            text = to_traditional(text)
        data = text.encode("utf-8")
        sub = folder / f"{i // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"doc-{i:06d}.txt").write_bytes(data)
        total += len(data)
    return total


def baseline_ingest(folder: Path, db: Path) -> float:
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE raw(id INTEGER PRIMARY KEY, path TEXT, text TEXT)")
    t0 = time.perf_counter()
    for i, path in enumerate(sorted(folder.rglob("*.txt"))):
        conn.execute("INSERT INTO raw(path, text) VALUES (?, ?)", (str(path), path.read_text("utf-8")))
        if i % 200 == 0:
            conn.commit()
    conn.commit()
    conn.close()
    return time.perf_counter() - t0


def time_throughput(work: Path, n: int, rounds: int) -> dict[str, object]:
    """Each round times the raw baseline, then luoshi with and without extraction, on fresh
    databases. Rounds interleave the three so that the machine's drift hits all of them;
    wall-clock and CPU (one core: the process's own CPU time) are both reported."""
    small = work / "five-kb"
    size = write_corpus(small, n, parts=4, seed=1)
    runs: dict[str, list[tuple[float, float]]] = {
        "raw_insert_baseline": [],
        "with_facts": [],
        "without_facts": [],
    }
    rss_growth: dict[str, float] = {}
    for r in range(rounds):
        for label in runs:
            db = work / f"{label}-{r}.db"
            rss_before = rss_mb()
            wall, cpu = time.perf_counter(), time.process_time()
            if label == "raw_insert_baseline":
                baseline_ingest(small, db)
            else:
                report = ingest_paths(open_store(str(db)), [small], with_facts=label == "with_facts")
                assert len(report.added) == n, report.rejected[:3]
            runs[label].append((time.perf_counter() - wall, time.process_time() - cpu))
            rss_growth.setdefault(label, round(rss_mb() - rss_before, 1))
            for stale in work.glob(f"{label}-{r}.db*"):
                stale.unlink()
    result: dict[str, object] = {"documents": n, "avg_kb": round(size / n / 1024, 2), "rounds": rounds}
    for label, times in runs.items():
        walls = [w for w, _ in times]
        ratios = [base[0] / w for base, w in zip(runs["raw_insert_baseline"], walls, strict=True)]
        result[label] = {
            "docs_per_s_each_round": [round(n / w, 1) for w in walls],
            "docs_per_s_median": round(n / statistics.median(walls), 1),
            "cpu_docs_per_s_median": round(n / statistics.median(c for _, c in times), 1),
            "mb_per_s_median": round(size / statistics.median(walls) / 1e6, 2),
            "ratio_to_raw_baseline_median": round(statistics.median(ratios), 4),
            "rss_growth_mb": rss_growth[label],
        }
    result["max_rss_mb"] = round(rss_mb(), 1)
    return result


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--throughput-docs", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3, help="Interleaved rounds of the throughput runs.")
    ap.add_argument("--throughput-only", action="store_true", help="Skip the large corpus and searches.")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument(
        "--search-only", action="store_true", help="Reuse WORKDIR/large.db; time the searches only."
    )
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="luoshi-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    out: dict[str, object] = {"python": sys.version.split()[0]}

    if args.search_only:
        time_searches(work / "large.db", out)
        return
    # 1. Throughput on ~5 KB documents: full ingest, ingest without extraction, raw baseline.
    out["throughput"] = time_throughput(work, args.throughput_docs, args.rounds)
    print(json.dumps(out["throughput"], ensure_ascii=False), flush=True)
    if args.throughput_only:
        return

    # 2. The large corpus, then search latency.
    big = work / "corpus"
    t0 = time.perf_counter()
    big_size = write_corpus(big, args.docs, parts=1, seed=2)
    gen = time.perf_counter() - t0
    db = work / "large.db"
    store = open_store(str(db))
    t0 = time.perf_counter()
    report = ingest_paths(store, [big], batch_size=500)
    elapsed = time.perf_counter() - t0
    assert not report.rejected, report.rejected[:3]
    out["large_ingest"] = {
        "documents": store.counts()["documents"],
        "generate_s": round(gen, 1),
        "ingest_s": round(elapsed, 1),
        "docs_per_s": round(args.docs / elapsed, 1),
        "mb_per_s": round(big_size / elapsed / 1e6, 2),
        "max_rss_mb": round(rss_mb(), 1),
        "db_mb": round(db.stat().st_size / 1e6, 1),
    }
    print(json.dumps(out["large_ingest"], ensure_ascii=False), flush=True)

    time_searches(db, out)


def time_searches(db: Path, out: dict[str, object]) -> None:
    store = open_store(str(db))
    fts_times: list[float] = []
    like_times: list[float] = []
    per_query = {}
    conn = sqlite3.connect(db)
    for q in QUERIES:
        mine = []
        for _ in range(5):
            t0 = time.perf_counter()
            hits = store.search(q, limit=10, use_cache=False)
            mine.append((time.perf_counter() - t0) * 1000)
        fts_times.extend(mine)
        t0 = time.perf_counter()
        terms = [to_simplified(t) for t in q.split()]
        where = " AND ".join("(text LIKE ? OR text LIKE ?)" for _ in terms)
        params = [p for t in terms for p in (f"%{t}%", f"%{to_traditional(t)}%")]
        rows = conn.execute(f"SELECT id FROM documents WHERE {where} LIMIT 10", params).fetchall()
        like_times.append((time.perf_counter() - t0) * 1000)
        per_query[q] = {
            "fts_ms": round(statistics.median(mine), 1),
            "like_ms": round(like_times[-1], 1),
            "fts_hits": len(hits),
            "like_hits": len(rows),
        }
    out["search"] = {
        "queries": len(QUERIES),
        "fts_p50_ms": round(statistics.median(fts_times), 2),
        "fts_p95_ms": round(percentile(fts_times, 0.95), 2),
        "like_p50_ms": round(statistics.median(like_times), 2),
        "like_p95_ms": round(percentile(like_times, 0.95), 2),
        "per_query": per_query,
    }
    print(json.dumps(out["search"], ensure_ascii=False), flush=True)
    result = Path(__file__).with_name("out")
    result.mkdir(exist_ok=True)
    (result / "ingest_search.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
