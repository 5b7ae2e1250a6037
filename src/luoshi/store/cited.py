"""Cited documents and replicable outcomes, stored (tables in ``luoshi.store.schema``,
migration 0012). ``write`` runs in the store's write path for each batch of new documents
with facts, and over the documents stored before migration 0012 (``luoshi.services.citations``
calls it a batch at a time): the citations of each document with their sentences
(``luoshi.link.citations.document_citations``), the short forms it introduces, a row per cited
title, and the outcomes it reports. Which title a short form stands for across documents is
decided when it is read, so a short form learnt later applies to every document at once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, func, insert, inspect, select, update

from luoshi.link.citations import bare_key, document_citations, work_key
from luoshi.model import Document, Facts, Outcome
from luoshi.store import version
from luoshi.store.schema import (
    CitedAliasRow,
    CitedMentionRow,
    CitedTitleRow,
    DocumentRow,
    FactBackfillRow,
    OutcomeRow,
)

BACKFILL = "citations"  # the name of the marker row in fact_backfill
TABLES = (CitedMentionRow, CitedAliasRow, CitedTitleRow, OutcomeRow)
MENTION_COLUMNS = (
    "document_id",
    "key",
    "form",
    "start",
    "end",
    "sentence_start",
    "sentence_end",
    "sentence",
    "day",
)
OUTCOME_COLUMNS = (
    "document_id",
    "kind",
    "title",
    "title_original",
    "zone",
    "count",
    "day",
    "start",
    "end",
    "sentence_start",
    "sentence_end",
)


def installed(conn: Connection) -> bool:
    """Whether the store has the tables (a store not yet migrated indexes nothing; the documents
    it stores meanwhile are below the marker that migration 0012 sets)."""
    return inspect(conn).has_table(FactBackfillRow.__tablename__)


@dataclass
class Indexed:
    """What one stored document gives the index."""

    document_id: int
    text: str  # clean text, in the document's own script
    simplified: str
    cited: list[tuple[str, int, int]]  # titles in brackets: (title, start, end)
    day: str | None
    outcomes: list[Outcome] = field(default_factory=list)

    @classmethod
    def of(cls, document_id: int, doc: Document, facts: Facts) -> Indexed:
        cited = [(d.title, d.span.start, d.span.end) for d in facts.documents]
        day = facts.event_date or facts.published
        return cls(document_id, doc.text, doc.simplified, cited, day, list(facts.outcomes))


def _insert_titles(conn: Connection, titles: dict[str, str]) -> None:
    """A row for each key not stored yet (another writer may add the same key at the same time
    on PostgreSQL: its row is kept)."""
    if not titles:
        return
    stored = set(conn.scalars(select(CitedTitleRow.key).where(CitedTitleRow.key.in_(list(titles)))))
    rows = [
        {"key": key, "title": title, "work_key": work_key(key), "bare_key": bare_key(key)}
        for key, title in titles.items()
        if key not in stored
    ]
    if not rows:
        return
    # the backend's own dialect only (SQLAlchemy's PostgreSQL dialect is 80 ms of imports)
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        conn.execute(pg_insert(CitedTitleRow).on_conflict_do_nothing(index_elements=["key"]), rows)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        conn.execute(sqlite_insert(CitedTitleRow).on_conflict_do_nothing(index_elements=["key"]), rows)


@dataclass
class CitedRows:
    """What one document gives the index, without its id: built where the document was
    extracted (a Dask worker, or the ingesting process), written with its id by ``write_rows``."""

    titles: dict[str, str] = field(default_factory=dict)  # key → the title as written in full
    mentions: list[tuple[Any, ...]] = field(default_factory=list)  # MENTION_COLUMNS[1:]
    aliases: list[tuple[str, str]] = field(default_factory=list)  # (short key, full key)
    outcomes: list[tuple[Any, ...]] = field(default_factory=list)  # OUTCOME_COLUMNS[1:]


def rows_of(doc: Indexed) -> CitedRows:
    """The index rows of one document (its ``document_id`` is not used)."""
    out = CitedRows()
    found = document_citations(doc.simplified, doc.cited)
    for m in sorted(found.mentions, key=lambda m: m.form in ("short", "quoted")):
        if m.form != "quoted":  # a title as written in full where the document has it
            out.titles.setdefault(m.key, m.title if m.form != "short" else m.key)
    for m in found.mentions:
        a, b = m.sentence
        out.mentions.append((m.key, m.form, m.start, m.end, a, b, doc.text[a:b], doc.day))
    out.aliases = sorted({(f.short, f.full) for f in found.short_forms})
    out.outcomes = [
        (
            o.kind,
            o.title,
            o.title_original or doc.text[o.span.start : o.span.end],
            o.zone,
            o.count,
            o.date or doc.day,
            o.span.start,
            o.span.end,
            o.sentence.start,
            o.sentence.end,
        )
        for o in doc.outcomes
    ]
    return out


def write(conn: Connection, documents: Iterable[Indexed]) -> None:
    """Index the citations and outcomes of ``documents`` (stored in this transaction or before)."""
    write_rows(conn, [(doc.document_id, rows_of(doc)) for doc in documents])


def write_rows(conn: Connection, documents: Iterable[tuple[int, CitedRows]]) -> None:
    """Write the index rows of documents (their ids, their ``rows_of``)."""
    from luoshi.store.documents import insert_many  # the driver's executemany (documents loads this module)

    titles: dict[str, str] = {}
    mentions: list[tuple[Any, ...]] = []
    aliases: set[tuple[str, str, int]] = set()
    outcomes: list[tuple[Any, ...]] = []
    for doc_id, rows in documents:
        for key, title in rows.titles.items():
            titles.setdefault(key, title)
        mentions.extend((doc_id, *m) for m in rows.mentions)
        aliases.update((short, full, doc_id) for short, full in rows.aliases)
        outcomes.extend((doc_id, *o) for o in rows.outcomes)
    _insert_titles(conn, titles)
    insert_many(conn, CitedMentionRow.__tablename__, MENTION_COLUMNS, mentions, binary=True)
    insert_many(
        conn,
        CitedAliasRow.__tablename__,
        ("short_key", "full_key", "document_id"),
        sorted(aliases),
        binary=True,
    )
    insert_many(conn, OutcomeRow.__tablename__, OUTCOME_COLUMNS, outcomes, binary=True)


# -- the documents stored before migration 0012 -----------------------------------------------


def backfill_below(conn: Connection, lock: bool = False) -> int:
    """Documents with ids below this are still to be indexed (0: none). ``lock`` holds the
    marker for this transaction on PostgreSQL, so that two processes never index one batch twice
    (on SQLite the write transaction holds the whole database)."""
    stmt = select(FactBackfillRow.below).where(FactBackfillRow.name == BACKFILL)
    if lock and conn.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return int(conn.scalar(stmt) or 0)


def set_backfill_below(conn: Connection, below: int) -> None:
    if (
        conn.execute(
            update(FactBackfillRow).where(FactBackfillRow.name == BACKFILL).values(below=below)
        ).rowcount
        == 0
    ):
        conn.execute(insert(FactBackfillRow).values(name=BACKFILL, below=below))


def stored_before(conn: Connection, below: int, limit: int) -> list[Any]:
    """The newest ``limit`` documents with ids below ``below``: id, text, facts, dates."""
    return list(
        conn.execute(
            select(
                DocumentRow.id,
                DocumentRow.text,
                DocumentRow.facts,
                DocumentRow.event_date,
                DocumentRow.published,
            )
            .where(DocumentRow.id < below)
            .order_by(DocumentRow.id.desc())
            .limit(limit)
        )
    )


def clear(conn: Connection) -> None:
    """Forget the index; every stored document is below the marker again (to be re-indexed)."""
    for table in TABLES:
        conn.execute(delete(table))
    newest = conn.scalar(select(func.max(DocumentRow.id)))
    set_backfill_below(conn, newest + 1 if newest is not None else 0)
    version.mark(conn, version.DOCUMENTS)  # the titles get new ids
