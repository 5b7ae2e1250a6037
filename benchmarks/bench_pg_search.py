"""Search latency and write throughput on PostgreSQL beside SQLite, the same documents and the
same query set, in one run.

    python benchmarks/bench_pg_search.py --pg postgresql+psycopg://USER@/postgres?host=DIR&port=P
        [--docs 100000] [--write-docs 2000] [--runs 5]

1. Writes (``Store.add_rows``, batches of 200, the search index maintained): ``--write-docs``
   4.7 KB readouts read and extracted, their rows built for each backend
   (``luoshi.store.rows``), then stored with their facts into a new SQLite file and a new
   PostgreSQL database, and again without facts; documents/s of the store stage per writer
   (reading, extraction and row building excluded: on a cluster they run on the workers).
2. A corpus of ``--docs`` 1.6 KB documents (the demo generator's readouts, a third in
   traditional script) is read once and stored without facts into both stores (the index and
   reprint links maintained), then the query set of ``bench_ingest_search`` is timed ``--runs``
   times per query on each (``Store.search``, uncached, limit 20), interleaved query by query.
   Reported: p50/p95 per engine, and whether each query's top 20 (document names, in order) is
   the same on both.

The PostgreSQL database is made on the server given by ``--pg`` (a role that may create
databases) and dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from functools import partial
from pathlib import Path

import sqlalchemy as sa
from bench_ingest_search import QUERIES, percentile, write_corpus
from sqlalchemy.engine import make_url

from luoshi.pipeline import Options, iter_partitions, process_partition
from luoshi.store import Store, open_store
from luoshi.store.rows import DocumentRows

Items = list[DocumentRows]


def read_all(folder: Path, with_facts: bool, backend: str) -> list[Items]:
    options = Options(with_facts=with_facts, backend=backend)
    batches: list[Items] = []
    for part in iter_partitions([folder]):
        for batch in process_partition(part, options):
            assert not batch.failed, batch.failed[:3]
            batches.append(batch.items)
    return batches


def store_all(store: Store, batches: list[Items]) -> float:
    t0 = time.perf_counter()
    for items in batches:
        store.run(partial(store.add_rows, items=items))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG"), required=False)
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--write-docs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--keep", action="store_true", help="Keep the PostgreSQL databases.")
    ap.add_argument(
        "--reuse", default=None, help="Time searches only, on WORKDIR/large.db and this PG database."
    )
    args = ap.parse_args()
    if not args.pg:
        raise SystemExit("--pg URL (or LUOSHI_BENCH_PG) is needed")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="luoshi-bench-pg-"))
    work.mkdir(parents=True, exist_ok=True)
    server = sa.create_engine(make_url(args.pg).set(database="postgres"), isolation_level="AUTOCOMMIT")
    made: list[str] = []

    def new_pg() -> str:
        name = f"luoshi_bench_{uuid.uuid4().hex[:10]}"
        with server.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        made.append(name)
        return make_url(args.pg).set(database=name).render_as_string(hide_password=False)

    out: dict[str, object] = {"load_average_start": os.getloadavg()[0]}
    try:
        if args.reuse:
            sqlite_url = str(work / "large.db")
            pg_url = make_url(args.pg).set(database=args.reuse).render_as_string(hide_password=False)
        else:
            # 1. Writes per writer, with and without facts.
            small = work / "five-kb"
            if not small.is_dir():
                write_corpus(small, args.write_docs, parts=4, seed=1)
            writes: dict[str, object] = {}
            for with_facts in (True, False):
                label = "with_facts" if with_facts else "without_facts"
                for db in (str(work / f"write-{label}.db"), new_pg()):
                    store = open_store(db)
                    batches = read_all(small, with_facts, store.engine.dialect.name)
                    n = sum(len(b) for b in batches)
                    seconds = store_all(store, batches)
                    engine = "sqlite" if "://" not in db else "postgresql"
                    writes[f"{engine}_{label}_docs_per_s"] = round(n / seconds, 1)
                    print(engine, label, round(n / seconds, 1), "documents/s", file=sys.stderr, flush=True)
            out["writes"] = writes | {"documents": args.write_docs, "load_average": os.getloadavg()[0]}
            print(json.dumps(out["writes"]), flush=True)

            # 2. The large corpus, into both stores.
            big = work / "corpus"
            if not big.is_dir():
                write_corpus(big, args.docs, parts=1, seed=2)
            sqlite_url, pg_url = str(work / "large.db"), new_pg()
            stores = {"sqlite": open_store(sqlite_url), "postgresql": open_store(pg_url)}
            spent = dict.fromkeys(stores, 0.0)
            count = 0
            for part in iter_partitions([big]):  # read for each, stored into both
                for label, store in stores.items():
                    for batch in process_partition(part, Options(with_facts=False, backend=label)):
                        t0 = time.perf_counter()
                        store.run(partial(store.add_rows, items=batch.items))
                        spent[label] += time.perf_counter() - t0
                        count += len(batch.items) if label == "sqlite" else 0
            out["large_build"] = {
                "documents": count,
                **{f"{k}_store_docs_per_s": round(count / v, 1) for k, v in spent.items()},
                "pg_database": pg_url.rsplit("/", 1)[-1].split("?")[0],
            }
            print(json.dumps(out["large_build"]), flush=True)
        stores = {"sqlite": open_store(sqlite_url), "postgresql": open_store(pg_url)}
        with stores["postgresql"].engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would have after a bulk load
        times: dict[str, list[float]] = {k: [] for k in stores}
        per_query: dict[str, dict[str, float | bool]] = {}
        for q in QUERIES:
            found: dict[str, list[str]] = {}
            mine: dict[str, list[float]] = {k: [] for k in stores}
            for label, store in stores.items():  # warm: the first run reads pages from disk
                found[label] = [h.name for h in store.search(q, limit=20, use_cache=False)]
            for _ in range(args.runs):
                for label, store in stores.items():
                    t0 = time.perf_counter()
                    store.search(q, limit=20, use_cache=False)
                    mine[label].append((time.perf_counter() - t0) * 1000)
            for label in stores:
                times[label].extend(mine[label])
            per_query[q] = {
                **{f"{k}_ms": round(statistics.median(v), 1) for k, v in mine.items()},
                "hits": len(found["sqlite"]),
                "same_top20": found["sqlite"] == found["postgresql"],
            }
        out["search"] = {
            "queries": len(QUERIES),
            "runs": args.runs,
            **{f"{k}_p50_ms": round(statistics.median(v), 2) for k, v in times.items()},
            **{f"{k}_p95_ms": round(percentile(v, 0.95), 2) for k, v in times.items()},
            "same_top20_queries": sum(1 for v in per_query.values() if v["same_top20"]),
            "load_average": os.getloadavg()[0],
            "per_query": per_query,
        }
        print(json.dumps(out["search"], ensure_ascii=False, indent=2), flush=True)
        target = Path(__file__).with_name("out")
        target.mkdir(exist_ok=True)
        (target / "pg_search.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))
    finally:
        if not args.keep:
            with server.connect() as conn:
                for name in made:
                    conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        server.dispose()


if __name__ == "__main__":
    main()
