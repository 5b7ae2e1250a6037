"""The writer's share of a distributed ingest, per document: what the client does for each batch a
worker sends back on SQLite (unpickle it, ``write_batch``), and what a worker does to write its
own batches on PostgreSQL (``write_batch`` through its connection, the search index maintained).

    python benchmarks/bench_dask_writer.py [--docs 1000] [--pg URL]

The batches are made first by ``process_partition`` (read, extract, build the rows: the workers'
part, timed apart) on the generated corpus of ``bench_dask_ingest`` (4.7 KB readouts), pickled
and unpickled as Dask ships them, then written in order into a new store. CPU time of this
process (the writer) and wall-clock time (on PostgreSQL it includes the server's work). Run it
with PYTHONPATH on another tree's ``src`` to compare (the script uses only ``Options``,
``process_partition``, ``iter_partitions`` and ``write_batch``).
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa
from bench_ingest_search import write_corpus
from sqlalchemy.engine import make_url

from luoshi.pipeline import Options, iter_partitions, process_partition, write_batch
from luoshi.store import open_store


def measure(url: str, corpus: Path, docs: int) -> dict[str, object]:
    store = open_store(url)
    fields = getattr(Options, "__dataclass_fields__", {})
    options = Options(backend=store.engine.dialect.name) if "backend" in fields else Options()
    cpu = time.process_time()
    batches = [b for part in iter_partitions([corpus]) for b in process_partition(part, options)]
    worker = time.process_time() - cpu
    cpu = time.process_time()
    blob = pickle.dumps(batches, protocol=5)
    pickled = time.process_time() - cpu
    cpu = time.process_time()
    batches = pickle.loads(blob)
    unpickled = time.process_time() - cpu
    cpu, wall = time.process_time(), time.perf_counter()
    for batch in batches:
        report = write_batch(store, batch)
        assert not report.rejected, report.rejected[:2]
    written, wall = time.process_time() - cpu, time.perf_counter() - wall
    store.engine.dispose()

    def ms(seconds: float) -> float:
        return round(1000 * seconds / docs, 3)

    return {
        "worker_cpu_ms_per_doc": ms(worker),
        "pickle_cpu_ms_per_doc": ms(pickled),
        "unpickle_cpu_ms_per_doc": ms(unpickled),
        "pickled_kb_per_doc": round(len(blob) / docs / 1024, 1),
        "write_cpu_ms_per_doc": ms(written),
        "write_wall_ms_per_doc": ms(wall),
        "write_docs_per_s_wall": round(docs / wall, 1),
        "load": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG"), help="PostgreSQL URL (server).")
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="luoshi-bench-writer-"))
    corpus = work / "corpus"
    if not corpus.is_dir():
        write_corpus(corpus, args.docs, parts=4, seed=1)
    out: dict[str, object] = {"documents": args.docs}
    db = work / "writer.db"
    for stale in work.glob("writer.db*"):
        stale.unlink()
    out["sqlite"] = measure(str(db), corpus, args.docs)
    print(json.dumps(out["sqlite"]), flush=True)
    if args.pg:
        server = sa.create_engine(make_url(args.pg).set(database="postgres"), isolation_level="AUTOCOMMIT")
        name = f"luoshi_bench_{uuid.uuid4().hex[:10]}"
        with server.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        try:
            url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
            out["postgresql"] = measure(url, corpus, args.docs)
            print(json.dumps(out["postgresql"]), flush=True)
        finally:
            with server.connect() as conn:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            server.dispose()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
