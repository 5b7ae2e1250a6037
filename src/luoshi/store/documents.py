"""Writing documents and their facts: the rows of a batch (``luoshi.store.rows``, built where
the documents were extracted), inserted once per content hash — on SQLite on the driver's
cursor, on PostgreSQL by COPY into a staging table and one INSERT … ON CONFLICT DO NOTHING — the
fact tables by the driver's executemany (COPY on PostgreSQL), reprint links, the people queue and
the citation index; rejections and the marks of a distributed ingest's batches."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Engine, delete, insert, inspect, select, text, update

from luoshi.messages import message
from luoshi.model import Document, Facts
from luoshi.store import stories, version
from luoshi.store.rows import DOCUMENT_COLUMNS, FACET_COLUMNS, JSON_COLUMNS, DocumentRows, document_rows
from luoshi.store.schema import (
    CitationRow,
    DirectiveRow,
    DocumentRow,
    MentionRow,
    PersonRow,
    RejectionRow,
    TaskBatchRow,
    WrittenBatchRow,
    utcnow,
)
from luoshi.store.writers import Overlap, after_commit, retrying, transaction_state, write_transaction

T = TypeVar("T")
LINK_LOCK = 0x6C756F7368692D6C  # PostgreSQL advisory lock held by a transaction linking reprints


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the statement inserted no row")
    return int(key[0])


@dataclass
class IngestOutcome:
    document_id: int
    new: bool


# Fact rows are plain tuples in these columns, written with the driver's executemany (COPY on
# PostgreSQL); ``rows.fact_rows`` builds them without the document's id.
_FACT_COLUMNS: dict[str, tuple[str, ...]] = {
    MentionRow.__tablename__: ("document_id", "person_id", "post", "start", "end"),
    CitationRow.__tablename__: ("document_id", "title", "start", "end"),
    TaskBatchRow.__tablename__: ("document_id", "count", "what", "start", "end"),
    DirectiveRow.__tablename__: (
        "document_id",
        "ordinal",
        "speaker",
        "addressee",
        "deadline",
        "text",
        "start",
        "end",
    ),
}
FTS_INSERT = "INSERT INTO document_fts(rowid, tuni, tbi, uni, bi) VALUES (?, ?, ?, ?, ?)"
BATCH_CACHE_KIB = 32 * 1024  # SQLite: the page cache while a batch of documents is inserted


@contextmanager
def _batch_cache(conn: Connection) -> Iterator[None]:
    """SQLite: this connection's page cache raised to BATCH_CACHE_KIB while a batch's rows are
    inserted, then set back, so that a pooled connection (a web server's) keeps no more than it
    had. A batch of 200 readouts dirties about 6 MB of pages (the documents, the search index's
    segments, the fact tables' indexes), three times SQLite's default cache, which then spills
    pages to the log before the commit and reads evicted index pages back (3–7 % of the write
    in replays of the same batches)."""
    cursor = conn.connection.cursor()
    try:
        (kept,) = cursor.execute("PRAGMA cache_size").fetchone()
        cursor.execute(f"PRAGMA cache_size=-{BATCH_CACHE_KIB}")
        try:
            yield
        finally:
            with suppress(sqlite3.Error):  # (never in place of the error that ended the batch)
                cursor.execute(f"PRAGMA cache_size={int(kept)}")
    finally:
        cursor.close()


def insert_many(
    conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], binary: bool = False
) -> None:
    """One executemany on the driver. For rows of plain numbers and strings SQLAlchemy's
    per-row parameter handling costs more than the insert itself, and ingest writes dozens of
    fact rows per document. On PostgreSQL a COPY; with ``binary`` (the ingest's own tables,
    whose values are of the columns' types: ints for integers, strings for text and JSON) a
    binary COPY where every column's type has a plain binary form (``_binary_types``): the
    server parses no text, the driver escapes none."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        # COPY: a tenth of the time of psycopg's executemany for ingest's fact rows
        types = _binary_types(conn, table, columns) if binary else None
        if types and not _of_binary_forms(types, rows):
            types = None
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        sql = f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN"
        try:
            with cursor.copy(sql + (" (FORMAT BINARY)" if types else "")) as copy:
                if types:
                    copy.set_types(types)
                for row in rows:
                    copy.write_row(row)
        finally:
            cursor.close()
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"  # sqlite3 | psycopg
    conn.exec_driver_sql(
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join([mark] * len(columns))})",
        rows,
    )


# PostgreSQL types whose binary form the driver makes from the Python values the ingest holds
# (``varchar`` and ``json`` are received as text is: the server checks length and JSON as for text)
_BINARY_FORMS = {
    "integer": "int4",
    "smallint": "int2",
    "bigint": "int8",
    "boolean": "bool",
    "text": "text",
    "character varying": "text",
    "json": "text",
    "bytea": "bytea",
    "timestamp with time zone": "timestamptz",
}


def _binary_types(conn: Connection, table: str, columns: tuple[str, ...]) -> list[str] | None:
    """The driver's names for a binary COPY of ``columns`` into ``table`` (a session's
    temporary table too), or None when one has no plain binary form here. Asked at each
    call (one catalogue look-up a table and batch): a type kept from an earlier transaction
    would be read wrongly after another process altered the column."""
    found: dict[str, str] = {
        str(name): str(kind)
        for name, kind in conn.exec_driver_sql(
            "SELECT attname, format_type(atttypid, NULL) FROM pg_attribute "
            "WHERE attrelid = to_regclass(%(t)s) AND attnum > 0 AND NOT attisdropped",
            {"t": conn.dialect.identifier_preparer.quote(table)},
        )
    }
    forms = [_BINARY_FORMS.get(found.get(c, "")) for c in columns]
    return None if None in forms else [f for f in forms if f is not None]


_INTEGER_LIMITS = {"int2": 1 << 15, "int4": 1 << 31, "int8": 1 << 63}


def _of_binary_forms(types: list[str], rows: list[tuple[Any, ...]]) -> bool:
    """Whether every value is what its column's binary form is made from as a text COPY would
    read it: the driver's binary dumpers wrap an integer out of range (2**31 stored as
    -2**31) and refuse, or read otherwise, values a text COPY converts (a naive datetime,
    ``"3"`` for an integer, ``"f"`` for a boolean). Where one is not, the text COPY runs:
    the server converts or refuses it as before."""
    for form, values in zip(types, zip(*rows, strict=True), strict=True):
        if form in _INTEGER_LIMITS:
            limit = _INTEGER_LIMITS[form]
            if not all(v is None or (type(v) is int and -limit <= v < limit) for v in values):
                return False
        elif form == "text":
            if not all(v is None or type(v) is str for v in values):
                return False
        elif form == "bool":
            if not all(v is None or type(v) is bool for v in values):
                return False
        elif form == "bytea":
            if not all(v is None or isinstance(v, bytes | bytearray | memoryview) for v in values):
                return False
        elif not all(v is None or (isinstance(v, datetime) and v.tzinfo is not None) for v in values):
            return False  # (timestamptz)
    return True


def _insert_new_sqlite(
    conn: Connection, columns: tuple[str, ...], values: list[tuple[Any, ...]]
) -> list[int]:
    """Insert documents (all new: one writer at a time) on the driver's cursor; their ids. The
    JSON columns come as UTF-8 bytes (``rows.JSON_COLUMNS``) and are stored as text."""
    quote = conn.dialect.identifier_preparer.quote
    marks = ", ".join("CAST(? AS TEXT)" if c in JSON_COLUMNS else "?" for c in columns)
    sql = f"INSERT INTO documents ({', '.join(map(quote, columns))}) VALUES ({marks})"
    cursor = conn.connection.cursor()
    ids: list[int] = []
    try:
        for row in values:
            cursor.execute(sql, row)
            ids.append(int(cursor.lastrowid or 0))
    finally:
        cursor.close()
    return ids


_STAGED_DOCUMENTS = "luoshi_staged_documents"  # temporary tables of a PostgreSQL session


def staged(
    conn: Connection,
    table: str,
    definition: str,
    columns: tuple[str, ...],
    rows: list[Any],
    binary: bool = False,
) -> None:
    """``rows`` copied into the session's temporary table ``table`` (made on first use, emptied
    at each commit and before each use); ``binary`` as for ``insert_many``."""
    conn.exec_driver_sql(f"CREATE TEMPORARY TABLE IF NOT EXISTS {table} {definition}")
    conn.exec_driver_sql(f"DELETE FROM {table}")
    insert_many(conn, table, columns, rows, binary)


def _compress_fast(conn: Connection) -> None:
    """PostgreSQL: the documents' long values (texts, offsets, facts: about 16 KB a document)
    compressed by lz4 for this transaction where the server has it: half the time of the
    default pglz, for a quarter more space; readers see the same values. The staging table's
    compressed values are kept as they are by the INSERT … SELECT into ``documents``."""
    info = conn.connection.info
    if "luoshi_lz4" not in info:
        info["luoshi_lz4"] = bool(
            conn.exec_driver_sql(
                "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
            ).first()
        )
    if info["luoshi_lz4"]:
        conn.exec_driver_sql("SET LOCAL default_toast_compression = lz4")


def _insert_new_pg(
    conn: Connection, columns: tuple[str, ...], values: list[tuple[Any, ...]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Insert documents on PostgreSQL: COPY into a staging table, then one INSERT … ON CONFLICT
    DO NOTHING, which skips any that a concurrent writer stored first (it waits for that
    writer's transaction instead of failing). The ids of the inserted ones and of the skipped
    ones, by content hash."""
    quote = conn.dialect.identifier_preparer.quote
    names = ", ".join(map(quote, columns))
    definition = f"ON COMMIT DELETE ROWS AS SELECT 0 AS ord, {names} FROM documents WITH NO DATA"
    rows = [(k, *v) for k, v in enumerate(values)]
    staged(conn, _STAGED_DOCUMENTS, definition, ("ord", *columns), rows, binary=True)
    result = conn.exec_driver_sql(
        f"INSERT INTO documents ({names}) SELECT {names} FROM {_STAGED_DOCUMENTS} ORDER BY ord "
        "ON CONFLICT (content_hash) DO NOTHING RETURNING content_hash, id"
    )
    inserted = {h: int(i) for h, i in result}
    at = columns.index("content_hash")
    skipped = [v[at] for v in values if v[at] not in inserted]
    raced: dict[str, int] = {}
    if skipped:
        raced = {
            h: int(i)
            for h, i in conn.execute(
                select(DocumentRow.content_hash, DocumentRow.id).where(DocumentRow.content_hash.in_(skipped))
            )
        }
    return inserted, raced


TERMS_PARTS = 3  # statements the search index's insert is cut into (``Overlap``: one per window)
_TERMS_INSERT = (
    "INSERT INTO document_terms (id, terms, partial) "
    "SELECT * FROM unnest(%b::integer[], %b::tsvector[], %b::boolean[])"
)


class _Tsvector(bytes):
    """A tsvector in ``tsvectorrecv``'s binary form (``fts.pg_tsvector``)."""


def _tsvector_dumper() -> type:
    from psycopg import adapt, pq
    from psycopg.postgres import types

    class TsvectorDumper(adapt.Dumper):
        format = pq.Format.BINARY
        oid = types["tsvector"].oid

        def dump(self, obj: Any) -> bytes:
            return bytes(obj)

    return TsvectorDumper


def _stage_terms_pg(conn: Connection, terms: list[tuple[int, bytes, bool]]) -> Overlap:
    """The INSERTs of the documents' tsvectors (``fts.pg_tsvector``: binary, built with the
    rows; the server neither parses nor sorts them) into ``document_terms`` — they maintain the
    GIN index, the most costly statements of a batch — in TERMS_PARTS parts, for the server to
    run while this process computes (``writers.Overlap``). Each part carries its rows as binary
    array parameters (no staging table: the server reads each row once)."""
    dbapi: Any = conn.connection.dbapi_connection
    if "luoshi_tsvector" not in conn.connection.info:
        dbapi.adapters.register_dumper(_Tsvector, _tsvector_dumper())
        conn.connection.info["luoshi_tsvector"] = True
    n = len(terms)
    parts: list[list[tuple[int, bytes, bool]]] = [[] for _ in range(min(n, TERMS_PARTS))]
    for k, row in enumerate(terms):
        parts[k * TERMS_PARTS // n].append(row)
    return Overlap(
        conn,
        [
            (
                _TERMS_INSERT,
                ([i for i, _, _ in part], [_Tsvector(v) for _, v, _ in part], [p for _, _, p in part]),
            )
            for part in parts
        ],
    )


class DocumentWriter:
    """The writing half of ``Store`` (its state is set up by ``Store.__init__``)."""

    engine: Engine
    is_sqlite: bool
    _person_ids: dict[str, int]
    _links_reprints: bool | None
    _recent_prints: stories.RecentFingerprints
    _queues_people: bool | None
    _indexes_citations: bool | None
    _has_facets: bool | None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: on SQLite it takes the write lock when it begins, waiting its
        turn behind other writers (bounded; see ``luoshi.store.writers``)."""
        with write_transaction(self.engine) as conn:
            yield conn

    def run(self, work: Callable[[Connection], T]) -> T:
        """``work`` in a write transaction; run again from its start when PostgreSQL aborts it
        for a deadlock or a serialization failure (see ``luoshi.store.writers.retrying``). Ids
        cached during a transaction that did not commit are forgotten."""
        try:
            return retrying(self.engine, work, on_failure=self.forget_cache)
        except BaseException:
            self.forget_cache()
            raise

    def add_document(self, conn: Connection, doc: Document, facts: Facts | None) -> IngestOutcome:
        """Insert ``doc`` (and its facts) unless a document with the same content is stored."""
        return self.add_documents(conn, [(doc, facts)])[0]

    def add_documents(
        self, conn: Connection, items: list[tuple[Document, Facts | None]]
    ) -> list[IngestOutcome]:
        """Insert a batch of documents with their facts (``add_rows`` of their ``document_rows``)."""
        backend = conn.dialect.name
        return self.add_rows(conn, [document_rows(doc, facts, backend) for doc, facts in items])

    def add_rows(self, conn: Connection, items: list[DocumentRows]) -> list[IngestOutcome]:
        """Insert a batch of documents, given as their rows (``rows.document_rows``, built for
        this store's backend); each is skipped when a document with the same content is stored
        already (or earlier in the batch). Each table is written with one statement (or COPY)
        for the whole batch; what needs the store is done here: ids, persons' ids, reprint
        links, the people queue."""
        if self.is_sqlite and len(items) > 1:
            with _batch_cache(conn):
                return self._add_rows(conn, items)
        return self._add_rows(conn, items)

    def _add_rows(self, conn: Connection, items: list[DocumentRows]) -> list[IngestOutcome]:
        for item in items:
            if item.backend != conn.dialect.name:
                raise ValueError(message("store.rows_backend", built=item.backend, store=conn.dialect.name))
        hashes = [item.content_hash for item in items]
        known: dict[str, int] = {
            h: int(i)
            for h, i in conn.execute(
                select(DocumentRow.content_hash, DocumentRow.id).where(DocumentRow.content_hash.in_(hashes))
            )
        }
        # First the new documents (the first of any in-batch duplicates), inserted in one statement.
        fresh: list[DocumentRows] = []
        seen: set[str] = set()
        for item in items:
            if item.content_hash not in known and item.content_hash not in seen:
                seen.add(item.content_hash)
                fresh.append(item)
        new_ids: dict[str, int] = {}
        if fresh:
            if self._has_facets is None:  # a store opened without migrating (before 0014) has none
                self._has_facets = "year" in {c["name"] for c in inspect(conn).get_columns("documents")}
            width = len(DOCUMENT_COLUMNS) - (0 if self._has_facets else FACET_COLUMNS)
            columns = (*DOCUMENT_COLUMNS[:width], "ingested_at")
            stamp = DocumentRow.ingested_at.type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
            now = utcnow()
            at = stamp(now) if stamp else now
            values = [(*item.document[:width], at) for item in fresh]
            if self.is_sqlite:
                new_ids = dict(
                    zip(
                        (item.content_hash for item in fresh),
                        _insert_new_sqlite(conn, columns, values),
                        strict=True,
                    )
                )
            else:
                _compress_fast(conn)
                new_ids, raced = _insert_new_pg(conn, columns, values)
                known.update(raced)  # stored meanwhile by a concurrent writer
                fresh = [item for item in fresh if item.content_hash in new_ids]
        outcomes: list[IngestOutcome] = []
        added: set[str] = set()
        for item in items:
            h = item.content_hash
            if h in new_ids and h not in added:
                added.add(h)
                outcomes.append(IngestOutcome(new_ids[h], True))
            else:
                outcomes.append(IngestOutcome(known.get(h) or new_ids[h], False))
        ids = [new_ids[item.content_hash] for item in fresh]
        terms: Overlap | None = None  # PostgreSQL: the search index's INSERT, run while linking
        if self.is_sqlite:
            cursor = conn.connection.cursor()
            try:
                cursor.executemany(FTS_INSERT, [(i, *item.terms) for i, item in zip(ids, fresh, strict=True)])
            finally:
                cursor.close()
        elif fresh:
            terms = _stage_terms_pg(conn, [(i, *item.terms) for i, item in zip(ids, fresh, strict=True)])
        try:
            self._add_facts(conn, ids, fresh, terms)
        except BaseException as e:
            if terms is not None:
                terms.abandon(e)
            raise
        if terms is not None:
            terms.finish()
        return outcomes

    def _add_facts(
        self, conn: Connection, ids: list[int], fresh: list[DocumentRows], terms: Overlap | None
    ) -> None:
        """The new documents' facts, reprint links (while the server inserts ``terms``), the
        people queue and the citation index."""
        person_ids = self._person_ids_for(conn, {name for item in fresh for name in item.persons})
        if terms is not None:
            terms.start()
        tables: dict[str, list[tuple[Any, ...]]] = {table: [] for table in _FACT_COLUMNS}
        mentions = tables[MentionRow.__tablename__]
        others = [(tables[table], table) for table in _FACT_COLUMNS if table != MentionRow.__tablename__]
        for doc_id, item in zip(ids, fresh, strict=True):
            facts = item.facts
            if facts is None:
                continue
            mentions += [
                (doc_id, person_ids[name], post, start, end)
                for name, post, start, end in facts[MentionRow.__tablename__]
            ]
            for rows, table in others:
                rows += [(doc_id, *row) for row in facts[table]]
        if terms is not None:
            terms.wait()
        for table, columns in _FACT_COLUMNS.items():
            insert_many(conn, table, columns, tables[table], binary=True)
        if self._links_reprints is None:
            self._links_reprints = stories.installed(conn)
        if fresh and self._links_reprints:
            if not self.is_sqlite:
                # One linker at a time, to the commit: a reprint written by a concurrent
                # transaction (another worker of a distributed ingest) is then committed, and
                # found, before this batch looks for its candidates.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LINK_LOCK})
            prints = [(i, item.fingerprint) for i, item in zip(ids, fresh, strict=True)]
            stories.link_fingerprints(conn, prints, self._recent_prints, terms)
            for (i, fp), item in zip(prints, fresh, strict=True):
                self._recent_prints.remember(i, item.content_hash, fp)
            self._recent_prints.linked += len(prints)
        from luoshi.store import cited  # loaded by writers only: a search starts without them
        from luoshi.store import people as people_tables

        if self._queues_people is None:
            self._queues_people = people_tables.installed(conn)
        if fresh and self._queues_people:  # read into people by luoshi.services.people
            people_tables.queue(conn, ids)
        if self._indexes_citations is None:
            self._indexes_citations = cited.installed(conn)
        if fresh and self._indexes_citations:
            cited.write_rows(
                conn, [(i, item.cited) for i, item in zip(ids, fresh, strict=True) if item.cited is not None]
            )
        if fresh:
            version.mark(conn, version.DATA, version.DOCUMENTS)

    def _person_ids_for(self, conn: Connection, names: set[str]) -> dict[str, int]:
        """Ids of the persons named, creating the missing ones. Ids read or made in a transaction
        are kept for the process (shared by its threads) only once it has committed: another
        thread's transaction must not write a person's id that a rollback then takes away."""
        shared = self._person_ids
        state = transaction_state(conn)
        mine: dict[str, int] | None = state.get("person_ids")
        if mine is None:
            mine = state["person_ids"] = {}
            after_commit(conn, lambda: self._person_ids.update(mine))
        missing = sorted(name for name in names if name not in shared and name not in mine)
        if missing:
            for name, pid in conn.execute(
                select(PersonRow.name, PersonRow.id).where(PersonRow.name.in_(missing))
            ):
                mine[name] = int(pid)
            new = [name for name in missing if name not in mine]
            if new and not self.is_sqlite:  # concurrent writers may add the same person
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                stmt = pg_insert(PersonRow).on_conflict_do_nothing(index_elements=[PersonRow.name])
                conn.execute(stmt, [{"name": name} for name in new])
                for name, pid in conn.execute(
                    select(PersonRow.name, PersonRow.id).where(PersonRow.name.in_(new))
                ):
                    mine[name] = int(pid)
            elif new:
                result = conn.execute(
                    insert(PersonRow).returning(PersonRow.id, sort_by_parameter_order=True),
                    [{"name": name} for name in new],
                )
                mine.update(zip(new, map(int, result.scalars()), strict=True))
        return {name: shared[name] if name in shared else mine[name] for name in names}

    def forget_cache(self, conn: Connection | None = None) -> None:
        """Drop the ids kept (after a failed batch, as a precaution); with ``conn``, also those
        read or made in its transaction (after a savepoint rolled back, which took them away)."""
        self._person_ids = {}  # a new dict: another thread may be reading the old one
        if conn is not None:
            transaction_state(conn).get("person_ids", {}).clear()  # (in place: kept for the commit)

    def add_rejection(self, conn: Connection, key: str, reason: str) -> None:
        conn.execute(insert(RejectionRow).values(key=key, reason=reason))

    def claim_batch(self, conn: Connection, run: str, part: int, batch: int) -> dict[str, Any] | None:
        """Mark batch ``batch`` of partition ``part`` of distributed ingest run ``run`` as written
        by this transaction, or, when a committed transaction wrote it already (a task run again
        after its worker died), the report that one left. A concurrent writer of the same batch
        waits here for the first to commit or roll back."""
        from sqlalchemy.dialects import postgresql, sqlite  # loaded by a distributed ingest only

        key = {"run": run, "part": part, "batch": batch}
        claim = (sqlite.insert if self.is_sqlite else postgresql.insert)(WrittenBatchRow).values(**key)
        if conn.execute(claim.on_conflict_do_nothing().returning(WrittenBatchRow.run)).first():
            return None
        found = conn.scalar(select(WrittenBatchRow.report).filter_by(**key))
        return dict(found or {})

    def settle_batch(self, conn: Connection, run: str, part: int, batch: int, report: dict[str, Any]) -> None:
        """Keep the report of a batch claimed in this transaction (``claim_batch``)."""
        conn.execute(update(WrittenBatchRow).filter_by(run=run, part=part, batch=batch).values(report=report))

    def forget_batches(self, run: str, older_than: datetime | None = None) -> None:
        """Drop the marks of run ``run`` (it ended), and those older than ``older_than`` (runs
        whose client died)."""
        stmt = delete(WrittenBatchRow).where(WrittenBatchRow.run == run)
        if older_than is not None:
            stmt = delete(WrittenBatchRow).where(
                (WrittenBatchRow.run == run) | (WrittenBatchRow.at < older_than)
            )
        with self.transaction() as conn:
            conn.execute(stmt)
