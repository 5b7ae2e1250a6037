"""The store: one service object over the database, used by the CLI, the web app and the ledger."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import orjson
from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Connection,
    CursorResult,
    Engine,
    Integer,
    any_,
    cast,
    column,
    create_engine,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url

from luoshi.model import Document, Facts
from luoshi.settings import default_db_path
from luoshi.store import fts, listing, stories
from luoshi.store.cache import VersionedCache
from luoshi.store.errors import StoreError, translate
from luoshi.store.migrate import current_revision, ensure_current
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
from luoshi.store.writers import configure_sqlite, retrying, write_transaction
from luoshi.text.fold import to_simplified
from luoshi.text.offsets import OffsetMap

T = TypeVar("T")
_NO_ID = 2**31 - 1  # above every document id (an integer column)
LINK_LOCK = 0x6C756F7368692D6C  # PostgreSQL advisory lock held by a transaction linking reprints


def new_id(result: CursorResult[Any]) -> int:
    """The primary key of the row an INSERT just wrote."""
    key = result.inserted_primary_key
    if key is None:
        raise RuntimeError("the statement inserted no row")
    return int(key[0])


def database_url(db: str) -> str:
    """A SQLAlchemy URL from a file path or a URL (``postgresql+psycopg://…``)."""
    return db if "://" in db else f"sqlite:///{Path(db).expanduser()}"


@dataclass
class IngestOutcome:
    document_id: int
    new: bool


@dataclass
class SearchHit:
    document_id: int
    name: str
    title: str | None
    published: str | None
    event_date: str | None
    score: float
    snippet: str  # clean text in the document's own script, matches wrapped in 【】
    spans: list[tuple[int, int]] = field(default_factory=list)  # matches in the clean text

    def to_json(self) -> dict[str, Any]:
        return {
            "document_id": self.document_id,
            "name": self.name,
            "title": self.title,
            "published": self.published,
            "event_date": self.event_date,
            "score": round(self.score, 4),
            "snippet": self.snippet,
            "spans": [list(s) for s in self.spans],
        }


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
    stored = facts.to_gold_shape() if facts else None
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


class Store:
    """Documents, their facts and the ledger in one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._person_ids: dict[str, int] = {}
        self._search_cache: VersionedCache[list[SearchHit]] = VersionedCache(512)
        self._listing_cache: VersionedCache[listing.Listing] = VersionedCache(256)
        self._match_cache: VersionedCache[list[int]] = VersionedCache(32)  # every match of a query
        self._links_reprints: bool | None = None  # whether the store has the stories tables
        self._recent_prints = stories.RecentFingerprints()
        self._queues_people: bool | None = None  # whether the store has the people tables
        self._indexes_citations: bool | None = None  # whether it has the tables of migration 0012
        self._has_facets: bool | None = None  # whether documents have the facet columns (0014)

    # -- writing -----------------------------------------------------------------------------

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

    def find_by_hash(self, conn: Connection, content_hash: str) -> int | None:
        return conn.scalar(select(DocumentRow.id).where(DocumentRow.content_hash == content_hash))

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

    # -- reading -----------------------------------------------------------------------------

    def load_document(self, doc_id: int) -> Document | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(DocumentRow).where(DocumentRow.id == doc_id)).mappings().first()
        if row is None:
            return None
        return Document(
            id=row["name"],
            original=row["original"],
            text=row["text"],
            simplified=to_simplified(row["text"]),
            offsets=OffsetMap.from_json(row["offsets"], len(row["text"])),
            title=row["title"],
            published=row["published"],
            source_url=row["source_url"],
            source_site=row["source_site"],
            source_path=row["source_path"],
            source_format=row["source_format"],
            encoding=row["encoding"],
            script=row["script"],
            content_hash=row["content_hash"],
            metadata=dict(row["meta"] or {}),
        )

    def data_version(self) -> tuple[int, int]:
        """Changes whenever a document is added or anything in the ledger changes (every
        ledger change is in the audit log)."""
        from luoshi.store.schema import AuditRow

        with self.engine.connect() as conn:
            return (
                conn.scalar(select(func.max(DocumentRow.id))) or 0,
                conn.scalar(select(func.max(AuditRow.id))) or 0,
            )

    def search(
        self,
        query: str,
        limit: int = 10,
        offset: int = 0,
        use_cache: bool = True,
        filters: listing.DocumentFilters | None = None,
    ) -> list[SearchHit]:
        """Ranked hits with snippets, among the documents ``filters`` select (their query is not
        used); repeated queries are answered from a cache until a document is added
        (``use_cache=False`` always asks the index, e.g. to time it)."""
        filters = filters if filters and filters.clauses() else None
        if not use_cache:
            return self._search(query, limit, offset, filters)
        with self.engine.connect() as conn:
            newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
        return self._search_cache.get(
            (query, limit, offset, filters), newest, lambda: self._search(query, limit, offset, filters)
        )

    def _search(
        self, query: str, limit: int, offset: int, filters: listing.DocumentFilters | None = None
    ) -> list[SearchHit]:
        terms = fts.query_terms(query)
        words = fts.query_words(query)
        if not terms or not words:
            return []
        columns = (
            DocumentRow.id,
            DocumentRow.name,
            DocumentRow.title,
            DocumentRow.published,
            DocumentRow.event_date,
            DocumentRow.text,
        )
        with self.engine.connect() as conn:
            among = None
            if filters is not None:  # the filtered matches, newest first
                newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
                every = self._match_cache.get(tuple(words), newest, lambda: self._all_matches(conn, words))
                stmt = listing.where(select(DocumentRow.id), [*filters.clauses(), self._among(every)])
                among = list(conn.scalars(stmt.order_by(DocumentRow.id.desc())))
            ranked, rows = self._search_fts(conn, words, columns, offset, limit, among)
        hits = []
        for doc_id, score in ranked:
            row = rows[doc_id]
            spans = fts.find_terms(to_simplified(row.text), terms)
            hits.append(
                SearchHit(
                    doc_id,
                    row.name,
                    row.title,
                    row.published,
                    row.event_date,
                    score,
                    highlight(row.text, spans),
                    spans,
                )
            )
        return hits

    RANK_WINDOW = 300

    def newest_matches(self, conn: Connection, words: list[str], window: int) -> list[int]:
        """Ids of the newest ``window`` documents holding every word (simplified, lower-cased:
        ``fts.query_words``), newest first, without ranking or reading them."""
        return self._newest_matches(conn, words, window) if words else []

    def _newest_matches(self, conn: Connection, words: list[str], window: int | None) -> list[int]:
        """Ids of the newest ``window`` documents holding every word (every one when None): both
        indexes are walked newest first and stop there, so this costs little even for a word in
        every document."""
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
        # PostgreSQL: the tsvector answers for the pairs; candidates that may still lack a word
        # (longer words, documents indexed by characters only) are checked on their text.
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

    def _search_fts(
        self,
        conn: Connection,
        words: list[str],
        columns: tuple[Any, ...],
        offset: int,
        limit: int,
        among: list[int] | None = None,
    ) -> tuple[list[tuple[int, float]], dict[int, Any]]:
        """One page of BM25-ranked matches and their rows. Matches are ranked RANK_WINDOW at a
        time, newest first: the first page ranks the newest RANK_WINDOW, later pages reach into
        the next-newest RANK_WINDOW, and so on (every match is reachable, once). Common words stay
        fast on large corpora, and for a readout archive the newest matches are the ones worth
        ranking first. A word's document frequency, which weighs it against the query's other
        words, is exact below the window and estimated from how densely its newest matches fall.
        ``among``: the matches to rank (filtered), newest first, instead of all of them."""
        window = self.RANK_WINDOW
        first, last = offset // window, (offset + max(limit, 1) - 1) // window  # windows this page needs
        if not words:
            return [], {}
        wanted = (last + 1) * window
        ids = self._newest_matches(conn, words, wanted) if among is None else among[:wanted]
        if len(ids) <= first * window:
            return [], {}
        total = ids[0]  # ids are assigned in order: the newest match bounds the corpus closely enough
        frequency: dict[str, float] = {}
        if len(set(words)) > 1:  # with one word its weight is the same for every document
            total = max(total, conn.scalar(select(func.max(DocumentRow.id))) or 0)
            for word in set(words):
                own = self._newest_matches(conn, [word], window)
                full = len(own) >= window
                frequency[word] = len(own) * total / (total - own[-1] + 1) if full else len(own)
        ids = ids[first * window :]
        rows = {r.id: r for r in conn.execute(select(*columns).where(DocumentRow.id.in_(ids)))}
        ranked: list[tuple[int, float]] = []
        for k in range(0, len(ids), window):
            chunk = [rows[i] for i in ids[k : k + window]]
            scores = fts.bm25(words, [(r.id, r.title, r.text) for r in chunk], frequency, total)
            ranked.extend(sorted(scores.items(), key=lambda item: (-item[1], -item[0])))
        start = offset - first * window
        return ranked[start : start + limit], rows

    def list_documents(
        self,
        *,
        date_from: str | None = None,
        date_to: str | None = None,
        place: str | None = None,
        kind: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Documents newest first, filtered by event (or publication) date, place and meeting kind."""
        filters = listing.DocumentFilters.of(
            {"date_from": date_from, "date_to": date_to, "place": place, "kind": kind}
        )
        return self.browse(filters, limit=limit, offset=offset, facets=False).rows

    def browse(
        self,
        filters: listing.DocumentFilters,
        sort: str = "",
        limit: int = 50,
        offset: int = 0,
        facets: bool = True,
        use_cache: bool = True,
    ) -> listing.Listing:
        """One page of the documents the filters (and their query, if any) select, in ``sort``
        order (``listing.SORTS``; relevance for a search), with the total and, if asked, the
        facets. Answers are cached until a document is added."""
        sort = listing.parse_sort(sort, bool(fts.query_words(filters.q)))
        limit, offset = max(1, min(limit, listing.MAX_PAGE)), max(0, offset)
        with self.engine.connect() as conn:
            newest = conn.scalar(select(func.max(DocumentRow.id))) or 0
        if not use_cache:
            return self._browse(filters, sort, limit, offset, facets, newest)
        return self._listing_cache.get(
            (filters, sort, limit, offset, facets),
            newest,
            lambda: self._browse(filters, sort, limit, offset, facets, newest),
        )

    def _browse(
        self, filters: listing.DocumentFilters, sort: str, limit: int, offset: int, facets: bool, newest: int
    ) -> listing.Listing:
        clauses = filters.clauses()
        words = fts.query_words(filters.q)
        with self.engine.connect() as conn:
            if words:
                ids = self._match_cache.get(tuple(words), newest, lambda: self._all_matches(conn, words))
                clauses.append(self._among(ids))
            if words:  # the matches' total and facets in one pass
                total, counts = listing.count_with_facets(conn, clauses)
            else:
                total = (
                    conn.scalar(listing.where(select(func.count()).select_from(DocumentRow), clauses)) or 0
                )
                counts = listing.facet_counts(conn, clauses) if facets else {}
            if sort == "relevance":
                hits = self._search(filters.q, limit, offset, filters)
                found = {h.document_id: h for h in hits}
                rows = {
                    r.id: r
                    for r in conn.execute(select(*listing.ROW_COLUMNS).where(DocumentRow.id.in_(list(found))))
                }
                page = [
                    {
                        **listing.row_json(rows[h.document_id]),
                        "score": round(h.score, 4),
                        "snippet": h.snippet,
                    }
                    for h in hits
                ]
            else:
                stmt = listing.ordered(listing.where(select(*listing.ROW_COLUMNS), clauses), sort)
                page = [listing.row_json(r) for r in conn.execute(stmt.limit(limit).offset(offset))]
                if words:
                    self._add_snippets(conn, page, words, filters.q)
        return listing.Listing(total, page, offset, limit, sort, counts if facets else {})

    def _add_snippets(
        self, conn: Connection, page: list[dict[str, Any]], words: list[str], query: str
    ) -> None:
        terms = fts.query_terms(query)
        texts = dict(
            conn.execute(
                select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_([r["id"] for r in page]))
            ).all()
        )
        for row in page:
            text_ = texts[row["id"]]
            row["snippet"] = highlight(text_, fts.find_terms(to_simplified(text_), terms))

    def _among(self, ids: list[int]) -> ColumnElement[bool]:
        """``documents.id`` is one of ``ids`` (a JSON array on SQLite, an array on PostgreSQL:
        one parameter however many ids)."""
        if self.is_sqlite:
            return DocumentRow.id.in_(
                select(column("value")).select_from(func.json_each(orjson.dumps(ids).decode()))
            )
        return DocumentRow.id == any_(cast(ids, ARRAY(Integer)))

    def _all_matches(self, conn: Connection, words: list[str]) -> list[int]:
        """Ids of every document holding every word, newest first (on PostgreSQL each candidate
        that may lack a word is checked on its text, as for a page of hits)."""
        if self.is_sqlite:
            return list(
                conn.scalars(
                    text("SELECT rowid FROM document_fts WHERE document_fts MATCH :q ORDER BY rowid DESC"),
                    {"q": " AND ".join(map(fts.word_expression, words))},
                )
            )
        return self._newest_matches(conn, words, None)

    def document_facts(self, doc_id: int) -> dict[str, Any] | None:
        with self.engine.connect() as conn:
            return conn.scalar(select(DocumentRow.facts).where(DocumentRow.id == doc_id))

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {
                "documents": conn.scalar(select(func.count(DocumentRow.id))) or 0,
                "persons": conn.scalar(select(func.count(PersonRow.id))) or 0,
                "citations": conn.scalar(select(func.count(CitationRow.id))) or 0,
                "task_batches": conn.scalar(select(func.count(TaskBatchRow.id))) or 0,
                "directives": conn.scalar(select(func.count(DirectiveRow.id))) or 0,
                "rejections": conn.scalar(select(func.count(RejectionRow.id))) or 0,
            }

    def summary(self, top: int = 8) -> dict[str, Any]:
        """Figures for the demo and the dashboard."""
        with self.engine.connect() as conn:
            first, last = conn.execute(
                select(
                    func.min(func.coalesce(DocumentRow.event_date, DocumentRow.published)),
                    func.max(func.coalesce(DocumentRow.event_date, DocumentRow.published)),
                )
            ).one()
            cited = conn.execute(
                select(CitationRow.title, func.count(func.distinct(CitationRow.document_id)).label("n"))
                .group_by(CitationRow.title)
                .order_by(text("n DESC"), CitationRow.title)
                .limit(top)
            ).all()
            officials = conn.execute(
                select(PersonRow.name, func.count(func.distinct(MentionRow.document_id)).label("n"))
                .join(MentionRow, MentionRow.person_id == PersonRow.id)
                .group_by(PersonRow.name)
                .order_by(text("n DESC"), PersonRow.name)
                .limit(top)
            ).all()
            rejections = conn.execute(
                select(RejectionRow.key, RejectionRow.reason).order_by(RejectionRow.id)
            ).all()
        return {
            **self.counts(),
            "date_range": [first, last],
            "top_cited": [(t, n) for t, n in cited],
            "top_officials": [(p, n) for p, n in officials],
            "rejected": [(k, r) for k, r in rejections],
        }


def highlight(text_: str, spans: list[tuple[int, int]], width: int = 60) -> str:
    """A snippet of ``text_`` around the first match, matches wrapped in 【】."""
    if not spans:
        return text_[: width * 2].replace("\n", " ")
    first = spans[0][0]
    start = max(0, first - width // 2)
    end = min(len(text_), first + width + width // 2)
    out = []
    cursor = start
    for a, b in spans:
        if a < cursor or b > end:
            continue
        out.append(text_[cursor:a])
        out.append("【" + text_[a:b] + "】")
        cursor = b
    out.append(text_[cursor:end])
    snippet = "".join(out).replace("\n", " ")
    return ("…" if start > 0 else "") + snippet + ("…" if end < len(text_) else "")


def _to_json(value: Any) -> str:
    # orjson writes Chinese as itself (UTF-8, not \uXXXX escapes: the facts column is 2.4 times
    # smaller) and is about ten times faster than json.dumps, which was a tenth of the store stage.
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits in a JSON record's fields
        return json.dumps(value, ensure_ascii=False)


def _check_sqlite_file(path: Path, shown: str, create: bool) -> None:
    """Refuse, with the reason, a path that cannot be (or, when not ``create``, is not yet) a store."""
    if path.is_dir():
        raise StoreError("db_is_directory", db=shown)
    if not path.exists():
        if not create:
            raise StoreError("db_missing", db=shown)
        folder = path.parent
        if not folder.is_dir():
            raise StoreError("db_dir_missing", dir=str(folder))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError("db_dir_unwritable", dir=str(folder))
        return
    # The file is read through SQLite, never with open()/close(): closing any descriptor of a
    # database file drops every POSIX lock this process holds on it, so a server checking the
    # file while its other connections write corrupted the store (SQLITE_IOERR_SHORT_READ).
    if not os.access(path, os.R_OK):
        raise StoreError("db_unreadable", db=shown)
    wal = path.with_name(path.name + "-wal")
    if path.stat().st_size == 0:
        if not create and not (wal.exists() and wal.stat().st_size):  # (a new store may live in
            raise StoreError("db_not_luoshi", db=shown)  # its write-ahead log until a checkpoint)
        return
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as e:
        code = (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            raise StoreError("db_not_database", db=shown) from None
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return  # a writer holds it: it is a database, and opening it will wait its turn
        raise StoreError("db_cannot_open", db=shown) from None


def _check_postgresql(engine: Engine, shown: str) -> None:
    """Refuse a PostgreSQL database that cannot hold and index Chinese: its encoding must be
    UTF8, and a probe of the index (Chinese tokens in, a query for them out) must answer."""
    probe = fts.pg_terms(fts.index_row("", "前海合作"))[0]
    with engine.connect() as conn:
        encoding, ctype = conn.execute(
            text("SELECT current_setting('server_encoding'), current_setting('lc_ctype')")
        ).one()
        found = False
        if encoding == "UTF8":
            found = bool(
                conn.scalar(
                    text("SELECT array_to_tsvector(string_to_array(:t, ' ')) @@ CAST(:q AS tsquery)"),
                    {"t": probe, "q": fts.pg_query(["海合", "作"])},
                )
            )
    if not found:
        raise StoreError("db_pg_no_chinese", db=shown, encoding=encoding, ctype=ctype)


def display_name(db: str) -> str:
    """``db`` as messages name it: the path as given, or the URL without its password."""
    return db if "://" not in db else make_url(db).render_as_string(hide_password=True)


def open_store(db: str | None = None, migrate: bool = True, create: bool = True) -> Store:
    """The store at ``db`` (a file path or a URL), migrated to this version's schema. With
    ``create=False`` (commands that only read) a missing or empty store is refused, not made.
    Raises StoreError, whose message says in one sentence why the store cannot be used."""
    target = db or default_db_path()
    url = make_url(database_url(target))
    shown = display_name(target)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            _check_sqlite_file(Path(url.database), shown, create)
        # Enough pooled connections for a web server's thread pool: opening one costs pragmas.
        engine = create_engine(url, pool_size=32, max_overflow=32, json_serializer=_to_json)
        configure_sqlite(engine)
    else:
        # UTF-8 on the wire whatever the database's encoding, so that one which cannot hold
        # Chinese can still be asked about it (``_check_postgresql``) and refused in a sentence.
        engine = create_engine(
            url,
            pool_size=8,
            max_overflow=24,
            pool_pre_ping=True,
            json_serializer=_to_json,
            client_encoding="utf8",
        )
    try:
        if engine.dialect.name == "postgresql":
            _check_postgresql(engine, shown)
        if not create and current_revision(engine) is None:
            raise StoreError("db_not_luoshi", db=shown)
        if migrate:
            ensure_current(engine, shown)
    except Exception as e:
        engine.dispose()
        found = translate(e, shown)
        if found is None:
            raise
        if found is e:
            raise
        raise found from e
    return Store(engine)
