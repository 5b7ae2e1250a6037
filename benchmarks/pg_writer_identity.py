"""Do two trees store the same rows on PostgreSQL? Write the batches of ``bench_dask_writer``
(the generated corpus of 4.7 KB readouts, built and written by the tree on PYTHONPATH, in order,
by ``write_batch``) into a new database that is kept, then compare two such databases: every
table's rows, sorted (``ingested_at`` and the written-at stamps left out; tsvectors also by
their binary form, ``tsvectorsend``).

    PYTHONPATH=/work/main/src:benchmarks python benchmarks/pg_writer_identity.py write --pg URL --db a
    PYTHONPATH=src:benchmarks python benchmarks/pg_writer_identity.py write --pg URL --db b
    python benchmarks/pg_writer_identity.py compare --pg URL a b
    python benchmarks/pg_writer_identity.py compare a.db b.db      # two SQLite stores

Two SQLite files (names ending in ``.db``) are compared the same way; FTS5's shadow tables are
listed apart (their bytes depend on the transactions' boundaries; the index's content is
compared through the virtual table's own rows).
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
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


def _summary(rows: list[str]) -> tuple[int, str]:
    rows.sort()
    return len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest()[:16]


SHADOWS = ("_data", "_idx", "_docsize", "_config", "_content")


def sqlite_digest(path: str) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    with sqlite3.connect(path) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY 1")]
        for table in tables:
            if any(table.endswith(s) and table.removesuffix(s) in tables for s in SHADOWS):
                out[table] = (-1, "shadow")
                continue
            shown = [f'"{r[1]}"' for r in db.execute(f'PRAGMA table_info("{table}")') if r[1] not in STAMPS]
            out[table] = _summary([repr(r) for r in db.execute(f'SELECT {", ".join(shown)} FROM "{table}"')])
    return out


def digest(url: str, name: str) -> dict[str, tuple[int, str]]:
    if name.endswith(".db"):
        return sqlite_digest(name)
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
            out[table] = _summary(
                [repr(tuple(r)) for r in conn.exec_driver_sql(f"SELECT {', '.join(shown)} FROM {table}")]
            )
    engine.dispose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("action", choices=["write", "compare"])
    ap.add_argument("names", nargs="*")
    ap.add_argument("--pg", default="", help="the server's URL (not needed to compare two .db files)")
    ap.add_argument("--db")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--corpus", type=Path, default=Path(tempfile.gettempdir()) / "luoshi-identity-corpus")
    args = ap.parse_intermixed_args()
    if args.action == "write" or not all(name.endswith(".db") for name in args.names):
        if not args.pg:
            ap.error("--pg URL is needed to write or to compare PostgreSQL databases")
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
