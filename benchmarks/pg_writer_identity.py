"""Do two trees store the same rows on PostgreSQL? Write the batches of ``bench_dask_writer``
(the generated corpus of 4.7 KB readouts, built and written by the tree on PYTHONPATH, in order,
by ``write_batch``) into a new database that is kept, then compare two such databases: every
table's rows, sorted (``ingested_at`` and the written-at stamps left out; tsvectors also by
their binary form, ``tsvectorsend``).

    PYTHONPATH=/work/main/src:benchmarks python benchmarks/pg_writer_identity.py write --pg URL --db a
    PYTHONPATH=src:benchmarks python benchmarks/pg_writer_identity.py write --pg URL --db b
    python benchmarks/pg_writer_identity.py compare --pg URL a b
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

STAMPS = {"ingested_at", "at", "updated_at", "changed_at", "created_at"}


def write(url: str, name: str, docs: int, corpus: Path) -> None:
    from bench_ingest_search import write_corpus

    from luoshi.pipeline import Options, iter_partitions, process_partition, write_batch
    from luoshi.store import open_store

    if not corpus.is_dir():
        write_corpus(corpus, docs, parts=4, seed=1)
    server = sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
    server.dispose()
    store = open_store(make_url(url).set(database=name).render_as_string(hide_password=False))
    for part in iter_partitions([corpus]):
        for batch in process_partition(part, Options(backend="postgresql")):
            assert not write_batch(store, batch).rejected
    store.engine.dispose()


def digest(url: str, name: str) -> dict[str, tuple[int, str]]:
    engine = sa.create_engine(make_url(url).set(database=name))
    out: dict[str, tuple[int, str]] = {}
    with engine.connect() as conn:
        tables = conn.exec_driver_sql(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        ).scalars()
        for table in list(tables):
            columns = conn.exec_driver_sql(
                "SELECT column_name, data_type FROM information_schema.columns "
                f"WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
            ).all()
            shown = [f'"{c}"::text' for c, _ in columns if c not in STAMPS]
            shown += [f'md5(tsvectorsend("{c}"))' for c, kind in columns if kind == "tsvector"]
            rows = sorted(
                repr(tuple(r)) for r in conn.exec_driver_sql(f"SELECT {', '.join(shown)} FROM {table}")
            )
            out[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16])
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["write", "compare"])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--pg", required=True)
    ap.add_argument("--db")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "luoshi-identity-corpus")
    args = ap.parse_intermixed_args()
    if args.action == "write":
        write(args.pg, args.db, args.docs, args.corpus)
        return
    a, b = (digest(args.pg, name) for name in args.names)
    differ = [t for t in sorted(a.keys() | b.keys()) if a.get(t) != b.get(t)]
    for table in sorted(a.keys() | b.keys()):
        print("differ" if table in differ else "same  ", table, a.get(table), b.get(table))
    print(f"{len(differ)} tables differ" if differ else "every table the same")
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
