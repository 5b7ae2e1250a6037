"""Search at scale: the query set of ``bench_ingest_search`` on large stores built by a raw path,
the current query strategy beside the one before it in the same process.

    python benchmarks/bench_search_scale.py build --sqlite /tmp/search/100k.db \
        [--pg postgresql+psycopg://USER@/DB?host=DIR&port=P] --docs 100000
    python benchmarks/bench_search_scale.py search --sqlite /tmp/search/100k.db [--pg URL] [--runs 5]

``build`` makes the stores (migrated by ``open_store``) and fills them with ``--docs`` generated
1.6 KB readouts (the demo generator, a third in traditional script, as ``write_corpus`` of
``bench_ingest_search``) by a raw path: document rows and search-index rows only, no facts, no
reprint links, written in large transactions (SQLite) or COPY (PostgreSQL, whose GIN index is
dropped for the load and built again after it, then ``VACUUM ANALYZE``). The same documents get
the same ids in every store. Peak RSS of the build is reported.

``search`` times ``Store.search(q, limit=20)`` uncached for every query, ``--runs`` times after
one warm run, new strategy and old (``OldSearch`` below, the query side before session 7)
interleaved query by query, on each store given; reports p50/p95 per engine and strategy, the
ratio old ÷ new measured in the same run, the load average, and whether the top 20 (ids, in
order) is the same for both strategies and for both engines.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import sqlite3
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench_ingest_search import QUERIES, percentile
from sqlalchemy import Connection, select, text
from sqlalchemy.engine import make_url

from luoshi.demo.generate import readout
from luoshi.store import Store, fts, open_store
from luoshi.store.listing import DocumentFilters
from luoshi.store.schema import DocumentRow
from luoshi.text.fold import to_simplified, to_traditional

BATCH = 5000
_NO_ID = 2**31 - 1


def documents(n: int, seed: int = 2) -> Any:
    """(id, name, title, text) of the generated corpus, ids from 1."""
    rng = random.Random(seed)
    for i in range(n):
        body = f"第{i}号简报\n" + readout(rng, i).body
        if i % 3 == 0:
            body = to_traditional(body)
        yield i + 1, f"doc-{i:07d}", body.split("\n", 1)[0], body


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    now = datetime.now(UTC).isoformat(sep=" ")
    lite: sqlite3.Connection | None = None
    if args.sqlite:
        Path(args.sqlite).parent.mkdir(parents=True, exist_ok=True)
        open_store(args.sqlite).engine.dispose()  # migrated
        lite = sqlite3.connect(args.sqlite)
        lite.execute("PRAGMA synchronous=OFF")
    pg: Any = None
    if args.pg:
        import psycopg

        open_store(args.pg).engine.dispose()
        url = make_url(args.pg)
        host, port = url.query["host"], url.query.get("port")
        pg = psycopg.connect(dbname=url.database, user=url.username, host=str(host), port=str(port or 5432))
        pg.execute("DROP INDEX IF EXISTS ix_document_terms")
    batch: list[tuple[int, str, str, str]] = []

    def flush() -> None:
        meta = "{}"
        docs = []
        for i, name, title, body in batch:
            script = "traditional" if (i - 1) % 3 == 0 else "simplified"
            digest = hashlib.sha256(body.encode()).hexdigest()
            docs.append((i, name, digest, title, "txt", "utf-8", script, body, body, "[]", meta, now))
        rows = [(i, fts.index_row(title, body, to_simplified(body))) for i, _, title, body in batch]
        if lite is not None:
            lite.executemany(
                "INSERT INTO documents (id, name, content_hash, title, source_format, encoding, script, "
                "original, text, offsets, meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                docs,
            )
            lite.executemany(fts.INSERT.replace(":id", ":rowid"), [{"rowid": i, **r} for i, r in rows])
            lite.commit()
        if pg is not None:
            with pg.cursor() as cur:
                with cur.copy(
                    "COPY documents (id, name, content_hash, title, source_format, encoding, script, "
                    "original, text, offsets, meta, ingested_at) FROM STDIN"
                ) as copy:
                    for d in docs:
                        copy.write_row(d)
                with cur.copy("COPY document_terms (id, terms, partial) FROM STDIN") as copy:
                    for i, r in rows:
                        terms, partial = fts.pg_terms(r)
                        copy.write_row((i, " ".join(map(fts._lexeme, terms.split(" "))), partial))
            pg.commit()
        batch.clear()

    for item in documents(args.docs):
        batch.append(item)
        if len(batch) >= BATCH:
            flush()
            if item[0] % 50_000 == 0:
                print(item[0], round(time.perf_counter() - t0, 1), "s", file=sys.stderr, flush=True)
    if batch:
        flush()
    out: dict[str, Any] = {"documents": args.docs, "load_s": round(time.perf_counter() - t0, 1)}
    if lite is not None:
        lite.close()
        out["sqlite_mb"] = round(Path(args.sqlite).stat().st_size / 1e6, 1)
    if pg is not None:
        t1 = time.perf_counter()
        pg.execute(
            "SELECT setval(pg_get_serial_sequence('documents', 'id'), (SELECT max(id) FROM documents))"
        )
        pg.execute("SET maintenance_work_mem = '256MB'")
        pg.execute("CREATE INDEX ix_document_terms ON document_terms USING gin (terms)")
        pg.commit()
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE")
        out["pg_index_s"] = round(time.perf_counter() - t1, 1)
        out["pg_mb"] = round(pg.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6, 1)
        pg.close()
    out["max_rss_mb"] = round(rss_mb(), 1)
    out["load_average"] = os.getloadavg()
    print(json.dumps(out), flush=True)


def old_newest_matches(self: Store, conn: Connection, words: list[str], window: int | None) -> list[int]:
    """``DocumentSearch._newest_matches`` before session 7 (the baseline)."""
    if self.is_sqlite:
        return list(
            conn.scalars(
                text(
                    "SELECT rowid FROM document_fts WHERE document_fts MATCH :q "
                    "ORDER BY rowid DESC LIMIT :window"
                ),
                {"q": " AND ".join(map(fts.word_expression, words)), "window": window},
            )
        )
    check = fts.needs_check(words)
    found: list[int] = []
    before = _NO_ID
    batch_size = window or self.RANK_WINDOW * 10
    while window is None or len(found) < window:
        batch = conn.execute(
            text(
                "SELECT id, partial FROM document_terms WHERE terms @@ CAST(:q AS tsquery) "
                "AND id < :before ORDER BY id DESC LIMIT :window"
            ),
            {"q": fts.pg_query(words), "before": before, "window": batch_size},
        ).all()
        doubtful = [i for i, partial in batch if check or partial]
        ok: set[int] = set()
        if doubtful:
            columns = (DocumentRow.id, DocumentRow.title, DocumentRow.text)
            for r in conn.execute(select(*columns).where(DocumentRow.id.in_(doubtful))):
                if fts.contains(words, r.title, r.text):
                    ok.add(r.id)
        found.extend(i for i, partial in batch if not (check or partial) or i in ok)
        if len(batch) < batch_size:
            break
        before = batch[-1][0]
    return found[:window] if window is not None else found


def old_store(url: str) -> Store:
    store = open_store(url)
    store._newest_matches = old_newest_matches.__get__(store)  # type: ignore[method-assign]
    store._ids = DocumentRow.id.in_  # type: ignore[method-assign,assignment]  # the old strategy's plain IN
    return store


def search(args: argparse.Namespace) -> None:
    engines = {"sqlite": args.sqlite, "postgresql": args.pg, "sqlite_base": args.sqlite_base}
    stores = {
        (engine, strategy): (open_store if strategy == "new" else old_store)(url)
        for engine, url in engines.items()
        if url
        for strategy in ("new", "old")
    }
    out: dict[str, Any] = {"load_average_start": os.getloadavg()}
    for (engine, _), store in stores.items():
        with store.engine.connect() as conn:
            out[f"{engine}_documents"] = conn.scalar(select(DocumentRow.id).order_by(DocumentRow.id.desc()))
    times: dict[tuple[str, str], list[float]] = {k: [] for k in stores}
    per_query: dict[str, dict[str, Any]] = {}
    for q in QUERIES:
        found = {
            k: [h.document_id for h in s.search(q, limit=20, use_cache=False)] for k, s in stores.items()
        }
        mine: dict[tuple[str, str], list[float]] = {k: [] for k in stores}
        for run in range(args.runs):  # the order alternates: what runs second finds the caches warmer
            for k, store in list(stores.items())[:: -1 if run % 2 else 1]:
                t0 = time.perf_counter()
                store.search(q, limit=20, use_cache=False)
                mine[k].append((time.perf_counter() - t0) * 1000)
        for k in stores:
            times[k].extend(mine[k])
        same = [v for (e, _), v in found.items() if e != "sqlite_base"]  # (another corpus)
        base = [v for (e, _), v in found.items() if e == "sqlite_base"]
        per_query[q] = {
            **{f"{e}_{s}_ms": round(statistics.median(v), 1) for (e, s), v in mine.items()},
            "hits": len(same[0]),
            "same_top20_everywhere": all(v == same[0] for v in same) and all(v == base[0] for v in base),
        }
        print(q, json.dumps(per_query[q]), file=sys.stderr, flush=True)
    summary: dict[str, Any] = {}
    for (e, s), v in times.items():
        summary[f"{e}_{s}_p50_ms"] = round(statistics.median(v), 2)
        summary[f"{e}_{s}_p95_ms"] = round(percentile(v, 0.95), 2)
    for e in engines:
        if (e, "new") in times:  # (on SQLite the two strategies are the same code: a noise gauge)
            old, new = times[(e, "old")], times[(e, "new")]
            summary[f"{e}_p95_ratio_old_to_new"] = round(percentile(old, 0.95) / percentile(new, 0.95), 2)
            summary[f"{e}_p50_ratio_old_to_new"] = round(statistics.median(old) / statistics.median(new), 2)
    out["search"] = summary | {
        "queries": len(QUERIES),
        "runs": args.runs,
        "same_top20_queries": sum(1 for v in per_query.values() if v["same_top20_everywhere"]),
        "per_query": per_query,
    }
    if args.counts:  # the total `luoshi search` prints: capped and estimated, against counting every match
        counts: dict[str, Any] = {}
        for (engine, strategy), store in stores.items():
            if strategy != "new":
                continue
            for q in QUERIES:
                filters = DocumentFilters.of({"q": q})
                t0 = time.perf_counter()
                n, exact = store.count_matches(filters)
                capped = (time.perf_counter() - t0) * 1000
                t0 = time.perf_counter()
                every = store.count_documents(filters)
                full = (time.perf_counter() - t0) * 1000
                counts[f"{engine} {q}"] = {
                    "count_matches": [n, exact, round(capped, 1)],
                    "count_documents": [every, round(full, 1)],
                }
                print(q, engine, counts[f"{engine} {q}"], file=sys.stderr, flush=True)
        out["counts"] = counts
    out["load_average_end"] = os.getloadavg()
    print(json.dumps(out, ensure_ascii=False, indent=2), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=["build", "search"])
    ap.add_argument("--sqlite", default=None, help="SQLite file")
    ap.add_argument("--pg", default=None, help="PostgreSQL URL (its database must exist)")
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--sqlite-base", default=None, help="A smaller SQLite store timed beside --sqlite")
    ap.add_argument("--counts", action="store_true", help="Also time the totals (every match counted once)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=None, help="Also write the JSON here")
    args = ap.parse_args()
    build(args) if args.what == "build" else search(args)


if __name__ == "__main__":
    main()
