"""People: what clustering costs after ingest, beside the ingest it follows (measured in the
same run).

    python benchmarks/bench_people.py [--docs 2000] [--more 200] [--db URL]

1. The demo corpus (luoshi.demo): ingest (read, extract, store), then the people service's
   ``refresh`` (read the new documents' facts into sightings, cluster their names, write the
   careers).
2. --docs generated readouts (luoshi.demo.generate: fictional officials drawn from 384 names
   across six cities and four years, so one name is many people — the hard case for the
   clustering) stored the same way, then ``refresh``; then --more new readouts and the
   incremental ``refresh`` (only their names are clustered again) against ``rebuild`` (every
   document read and every name clustered again).

Reported: seconds, milliseconds per document, and each cost as a share of the ingest it follows.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

from luoshi.demo import corpus_path
from luoshi.demo.generate import readout
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.model import Document, Facts
from luoshi.pipeline import ingest_paths
from luoshi.services import people
from luoshi.store import Store, open_store


def _add(store: Store, rng: random.Random, n: int, start: int) -> tuple[float, float]:
    """Extract and store ``n`` readouts: (wall seconds, CPU seconds)."""
    began, cpu = time.perf_counter(), time.process_time()
    docs: list[tuple[Document, Facts | None]] = []
    for i in range(start, start + n):
        r = readout(rng, i)
        doc = document_from_text(f"{r.title}\n\n{r.body}\n", f"gen-{i:06d}")
        docs.append((doc, extract(doc)))
    for k in range(0, len(docs), 200):
        with store.transaction() as conn:
            store.add_documents(conn, docs[k : k + 200])
    return time.perf_counter() - began, time.process_time() - cpu


def bench_demo(folder: Path, db: str | None) -> dict[str, float]:
    store = open_store(db or str(folder / "demo.db"))
    began = time.perf_counter()
    report = ingest_paths(store, [corpus_path()])
    ingest = time.perf_counter() - began
    refresh = people.refresh(store)
    counts = people.counts(store)
    return {
        "documents": len(report.added),
        "ingest_s": round(ingest, 3),
        "refresh_s": round(refresh.seconds, 3),
        "refresh_share_of_ingest": round(refresh.seconds / ingest, 3),
        "people": counts["people"],
        "names": counts["names"],
    }


def bench_generated(folder: Path, n: int, more: int, db: str | None) -> dict[str, float | None]:
    path = folder / "generated.db"
    store = open_store(db or str(path))
    rng = random.Random(7)
    ingest, _ = _add(store, rng, n, 0)
    first = people.refresh(store)
    counts = people.counts(store)
    ingest_more, ingest_more_cpu = _add(store, rng, more, n)
    whole: people.RefreshReport | None = None
    if db is None:  # the baseline on a copy of the store as it is now
        store.engine.dispose()
        shutil.copy(path, folder / "baseline.db")
        baseline = open_store(str(folder / "baseline.db"))
        whole = people.refresh(baseline, incremental=False)
        baseline.engine.dispose()
    incremental = people.refresh(store)
    began = time.perf_counter()
    people.rebuild(store)
    rebuild = time.perf_counter() - began
    after = people.counts(store)
    return {
        "documents": n,
        "ingest_s": round(ingest, 3),
        "ingest_ms_per_doc": round(ingest / n * 1000, 3),
        "refresh_s": round(first.seconds, 3),
        "refresh_ms_per_doc": round(first.seconds / n * 1000, 3),
        "refresh_share_of_ingest": round(first.seconds / ingest, 3),
        "sightings": counts["sightings"],
        "names": counts["names"],
        "people": counts["people"],
        "more_documents": more,
        "ingest_more_s": round(ingest_more, 3),
        "ingest_more_cpu_s": round(ingest_more_cpu, 3),
        "incremental_refresh_s": round(incremental.seconds, 3),
        "incremental_refresh_cpu_s": round(incremental.cpu, 3),
        "incremental_names": incremental.names,
        "incremental_names_clustered_whole": incremental.whole,
        "incremental_persons_written": incremental.people,
        "incremental_share_of_ingest": round(incremental.seconds / ingest_more, 3),
        "incremental_cpu_share_of_ingest": round(incremental.cpu / ingest_more_cpu, 3),
        "baseline_whole_names_s": round(whole.seconds, 3) if whole else None,
        "baseline_whole_names_cpu_s": round(whole.cpu, 3) if whole else None,
        "baseline_cpu_share_of_ingest": round(whole.cpu / ingest_more_cpu, 3) if whole else None,
        "baseline_persons_written": whole.people if whole else None,
        "incremental_vs_baseline_cpu": round(incremental.cpu / whole.cpu, 3) if whole else None,
        "people_after": after["people"],
        "rebuild_s": round(rebuild, 3),
        "incremental_vs_rebuild": round(incremental.seconds / rebuild, 3),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--more", type=int, default=200)
    parser.add_argument(
        "--db", help="a PostgreSQL URL for the generated corpus (default: SQLite in a temp folder)"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        out = {
            "demo": bench_demo(folder, None),
            "generated": bench_generated(folder, args.docs, args.more, args.db),
        }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
