"""Writing documents and their facts: the rows of a batch, inserted once per content hash, the
fact tables by the driver's executemany (COPY on PostgreSQL), reprint links, the people queue and
the citation index; rejections and the marks of a distributed ingest's batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Connection, CursorResult, Engine, delete, insert, inspect, select, text, update

from luoshi.model import Document, Facts
from luoshi.store import fts, listing, stories
from luoshi.store.schema import (
    CitationRow,
    DirectiveRow,
    DocumentRow,
    MentionRow,
    PersonRow,
    RejectionRow,
    TaskBatchRow,
    WrittenBatchRow,
)
from luoshi.store.writers import retrying, write_transaction

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


# Fact rows are plain tuples in these columns, written with the driver's executemany.
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


@dataclass
class _FactRows:
    fts: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, list[tuple[Any, ...]]] = field(
        default_factory=lambda: {table: [] for table in _FACT_COLUMNS}
    )


def insert_many(conn: Connection, table: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """One executemany on the driver. For rows of plain numbers and strings SQLAlchemy's
    per-row parameter handling costs more than the insert itself, and ingest writes dozens of
    fact rows per document."""
    if not rows:
        return
    quote = conn.dialect.identifier_preparer.quote
    if conn.dialect.name == "postgresql":
        # COPY: a tenth of the time of psycopg's executemany for ingest's fact rows
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        with cursor.copy(f"COPY {quote(table)} ({', '.join(map(quote, columns))}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"  # sqlite3 | psycopg
    conn.exec_driver_sql(
        f"INSERT INTO {quote(table)} ({', '.join(map(quote, columns))}) "
        f"VALUES ({', '.join([mark] * len(columns))})",
        rows,
    )


def _insert_new_pg(conn: Connection, values: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, int]]:
    """Insert documents on PostgreSQL, skipping any that a concurrent writer stored first (it
    waits for that writer's transaction instead of failing). The ids of the inserted ones and of
    the skipped ones, by content hash."""
    from sqlalchemy.dialects.postgresql import insert as pg_insert  # loads only on PostgreSQL

    stmt = pg_insert(DocumentRow).on_conflict_do_nothing(index_elements=[DocumentRow.content_hash])
    result = conn.execute(stmt.returning(DocumentRow.content_hash, DocumentRow.id), values)
    inserted = {h: int(i) for h, i in result}
    skipped = [v["content_hash"] for v in values if v["content_hash"] not in inserted]
    raced: dict[str, int] = {}
    if skipped:
        raced = {
            h: int(i)
            for h, i in conn.execute(
                select(DocumentRow.content_hash, DocumentRow.id).where(DocumentRow.content_hash.in_(skipped))
            )
        }
    return inserted, raced


def _document_row(doc: Document, facts: Facts | None, with_facets: bool = True) -> dict[str, Any]:
    stored = facts.to_json() if facts else None
    event_date = facts.event_date if facts else None
    facets = listing.facet_values(stored, event_date, doc.published) if with_facets else {}
    return {
        "name": doc.id,
        "content_hash": doc.content_hash,
        "title": doc.title,
        "published": doc.published,
        "event_date": event_date,
        "source_url": doc.source_url,
        "source_site": doc.source_site,
        "source_path": doc.source_path,
        "source_format": doc.source_format,
        "encoding": doc.encoding,
        "script": doc.script,
        "original": doc.original,
        "text": doc.text,
        "offsets": doc.offsets.to_json(),
        "meta": doc.metadata,
        "facts": stored,
        **facets,
    }


def _collect_facts(doc_id: int, facts: Facts, person_ids: dict[str, int], rows: _FactRows) -> None:
    posts: dict[str, list[tuple[str, int, int]]] = {}
    for role in facts.roles:
        posts.setdefault(role.name, []).append((role.post, role.span.start, role.span.end))
    mentions = rows.tables[MentionRow.__tablename__]
    for person in facts.persons:
        pid = person_ids[person.name]
        mentions.append((doc_id, pid, None, person.span.start, person.span.end))
        mentions.extend((doc_id, pid, post, start, end) for post, start, end in posts.get(person.name, []))
    rows.tables[CitationRow.__tablename__].extend(
        (doc_id, d.title, d.span.start, d.span.end) for d in facts.documents
    )
    rows.tables[TaskBatchRow.__tablename__].extend(
        (doc_id, b.count, b.what, b.span.start, b.span.end) for b in facts.task_batches
    )
    rows.tables[DirectiveRow.__tablename__].extend(
        (doc_id, d.ordinal, d.speaker, d.addressee, d.deadline, d.text, d.span.start, d.span.end)
        for d in facts.directives
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
        """Insert a batch of documents with their facts; each is skipped when a document with the
        same content is stored already (or earlier in the batch). Fact rows are written with one
        statement per table for the whole batch."""
        hashes = [doc.content_hash for doc, _ in items]
        known: dict[str, int] = {
            h: int(i)
            for h, i in conn.execute(
                select(DocumentRow.content_hash, DocumentRow.id).where(DocumentRow.content_hash.in_(hashes))
            )
        }
        # First the new documents (the first of any in-batch duplicates), inserted in one statement.
        fresh: list[tuple[Document, Facts | None]] = []
        seen: set[str] = set()
        for doc, facts in items:
            if doc.content_hash not in known and doc.content_hash not in seen:
                seen.add(doc.content_hash)
                fresh.append((doc, facts))
        new_ids: dict[str, int] = {}
        if fresh:
            if self._has_facets is None:  # a store opened without migrating (before 0014) has none
                self._has_facets = "year" in {c["name"] for c in inspect(conn).get_columns("documents")}
            values = [_document_row(doc, facts, self._has_facets) for doc, facts in fresh]
            if self.is_sqlite:
                result = conn.execute(
                    insert(DocumentRow).returning(DocumentRow.id, sort_by_parameter_order=True), values
                )
                new_ids = dict(
                    zip((doc.content_hash for doc, _ in fresh), map(int, result.scalars()), strict=True)
                )
            else:
                new_ids, raced = _insert_new_pg(conn, values)
                known.update(raced)  # stored meanwhile by a concurrent writer
                fresh = [(doc, facts) for doc, facts in fresh if doc.content_hash in new_ids]
        rows = _FactRows()
        person_ids = self._person_ids_for(conn, {p.name for _, f in fresh if f for p in f.persons})
        for doc, facts in fresh:
            doc_id = new_ids[doc.content_hash]
            rows.fts.append({"id": doc_id, **fts.index_row(doc.title, doc.text, doc.simplified)})
            if facts:
                _collect_facts(doc_id, facts, person_ids, rows)
        outcomes: list[IngestOutcome] = []
        added: set[str] = set()
        for doc, _ in items:
            h = doc.content_hash
            if h in new_ids and h not in added:
                added.add(h)
                outcomes.append(IngestOutcome(new_ids[h], True))
            else:
                outcomes.append(IngestOutcome(known.get(h) or new_ids[h], False))
        if rows.fts and self.is_sqlite:
            conn.execute(text(fts.INSERT), rows.fts)
        elif rows.fts:
            conn.exec_driver_sql(fts.PG_INSERT, [(r["id"], *fts.pg_terms(r)) for r in rows.fts])
        for table, columns in _FACT_COLUMNS.items():
            insert_many(conn, table, columns, rows.tables[table])
        if self._links_reprints is None:
            self._links_reprints = stories.installed(conn)
        if fresh and self._links_reprints:
            if not self.is_sqlite:
                # One linker at a time, to the commit: a reprint written by a concurrent
                # transaction (another worker of a distributed ingest) is then committed, and
                # found, before this batch looks for its candidates.
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LINK_LOCK})
            stories.link(conn, [(new_ids[doc.content_hash], doc) for doc, _ in fresh], self._recent_prints)
        from luoshi.store import cited  # loaded by writers only: a search starts without them
        from luoshi.store import people as people_tables

        if self._queues_people is None:
            self._queues_people = people_tables.installed(conn)
        if fresh and self._queues_people:  # read into people by luoshi.services.people
            people_tables.queue(conn, [new_ids[doc.content_hash] for doc, _ in fresh])
        if self._indexes_citations is None:
            self._indexes_citations = cited.installed(conn)
        if fresh and self._indexes_citations:
            cited.write(conn, [cited.Indexed.of(new_ids[d.content_hash], d, f) for d, f in fresh if f])
        return outcomes

    def _person_ids_for(self, conn: Connection, names: set[str]) -> dict[str, int]:
        """Ids of the persons named, creating the missing ones (ids cached for the process)."""
        missing = sorted(names - self._person_ids.keys())
        if missing:
            for name, pid in conn.execute(
                select(PersonRow.name, PersonRow.id).where(PersonRow.name.in_(missing))
            ):
                self._person_ids[name] = int(pid)
            new = [name for name in missing if name not in self._person_ids]
            if new and not self.is_sqlite:  # concurrent writers may add the same person
                from sqlalchemy.dialects.postgresql import insert as pg_insert

                stmt = pg_insert(PersonRow).on_conflict_do_nothing(index_elements=[PersonRow.name])
                conn.execute(stmt, [{"name": name} for name in new])
                for name, pid in conn.execute(
                    select(PersonRow.name, PersonRow.id).where(PersonRow.name.in_(new))
                ):
                    self._person_ids[name] = int(pid)
            elif new:
                result = conn.execute(
                    insert(PersonRow).returning(PersonRow.id, sort_by_parameter_order=True),
                    [{"name": name} for name in new],
                )
                self._person_ids.update(zip(new, map(int, result.scalars()), strict=True))
        return self._person_ids

    def forget_cache(self) -> None:
        """Drop ids cached from a transaction that was rolled back."""
        self._person_ids.clear()

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
