"""Tables of the store. Kept dialect-neutral (SQLite by default, PostgreSQL for teams); the
full-text index is created per dialect by the migrations.

SQLAlchemy Core tables, not ORM classes: building the declarative classes cost a search more
than the rest of its start-up (issue 11). Each ``…Row`` name is the table with its columns as
attributes (``DocumentRow.id``), taken by SQLAlchemy wherever it takes the table. The tables still
written as ORM classes (ledger, accounts, people, follow-through) derive from
``luoshi.store.orm.Base``, on the same ``metadata``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


def utcnow() -> datetime:
    return datetime.now(UTC)


def col(name: str, kind: Any, *args: Any, null: bool = False, **kw: Any) -> Column[Any]:
    """A column, NOT NULL unless ``null`` (as the ORM made a column not typed ``… | None``)."""
    return Column(name, kind, *args, nullable=null, **kw)


def pk(name: str, kind: Any = Integer, *args: Any, **kw: Any) -> Column[Any]:
    """A primary-key column."""
    return Column(name, kind, *args, primary_key=True, nullable=False, **kw)


def document_id(**kw: Any) -> Column[Any]:
    """The document a row belongs to (deleted with it)."""
    return col("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), **kw)


def __getattr__(name: str) -> Any:
    """``schema.Base`` for modules written before the ORM's base moved to ``luoshi.store.orm``
    (imported only when asked for)."""
    if name == "Base":
        from luoshi.store.orm import Base

        return Base
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Rows:
    """A table whose columns read as attributes: ``DocumentRow.id`` is ``documents.c.id``."""

    def __init__(self, table: Table) -> None:
        self.__table__ = table
        self.__tablename__ = table.name

    def __getattr__(self, name: str) -> Column[Any]:
        if name.startswith("__"):  # (copy and pickle look for special names before __init__ ran)
            raise AttributeError(name)
        try:
            return self.__table__.c[name]
        except KeyError:
            raise AttributeError(f"table {self.__tablename__} has no column {name!r}") from None

    def __clause_element__(self) -> Any:  # (SQLAlchemy's protocol wants an expression's type)
        return self.__table__

    def __repr__(self) -> str:
        return f"Rows({self.__tablename__})"


def rows(name: str, *columns: Any) -> Rows:
    """A table of ``metadata``, its columns as attributes."""
    return Rows(Table(name, metadata, *columns))


DocumentRow = rows(
    "documents",
    pk("id"),
    col("name", String(300)),
    col("content_hash", String(64), unique=True),
    col("title", Text, null=True),
    col("published", String(10), null=True, index=True),
    col("event_date", String(10), null=True, index=True),
    col("source_url", Text, null=True),
    col("source_site", String(200), null=True, index=True),
    col("source_path", Text, null=True),
    col("source_format", String(16)),
    col("encoding", String(32)),
    col("script", String(16), index=True),
    col("original", Text),
    col("text", Text),
    col("offsets", JSON),
    col("meta", JSON, default=dict),
    col("facts", JSON, null=True),
    col("ingested_at", DateTime(timezone=True), default=utcnow),
    # What the document pages filter and count by (migration 0014), from the facts at ingest
    # (``luoshi.store.listing.facet_values``): the year of its day, its region, its meeting kind.
    col("year", Integer, null=True, index=True),
    col("place", String(60), null=True, index=True),
    col("meeting_kind", String(40), null=True, index=True),
)

PersonRow = rows(
    "persons",
    pk("id"),
    col("name", String(40), unique=True),  # simplified script
)

# A person named in a document, with the post attached in that mention (if any). On PostgreSQL
# migration 0018 drops the foreign keys of this table and of the three below (and the index on
# person_id): the writer keeps the references, a trigger on documents deletes the rows with theirs.
MentionRow = rows(
    "mentions",
    pk("id"),
    document_id(index=True),
    col("person_id", Integer, ForeignKey("persons.id")),
    col("post", String(120), null=True),
    col("start", Integer),
    col("end", Integer),
    Index("ix_mentions_person", "person_id"),
)

CitationRow = rows(
    "citations",
    pk("id"),
    document_id(index=True),
    col("title", Text, index=True),
    col("start", Integer),
    col("end", Integer),
)

TaskBatchRow = rows(
    "task_batches",
    pk("id"),
    document_id(index=True),
    col("count", Integer),
    col("what", String(200)),
    col("start", Integer),
    col("end", Integer),
)

DirectiveRow = rows(
    "directives",
    pk("id"),
    document_id(index=True),
    col("ordinal", Integer, null=True),
    col("speaker", String(60), null=True),
    col("addressee", String(120), null=True),
    col("deadline", String(60), null=True),
    col("text", Text),
    col("start", Integer),
    col("end", Integer),
)

# An input that an ingest run rejected, kept so that nothing is lost silently.
RejectionRow = rows(
    "rejections",
    pk("id"),
    col("key", Text),
    col("reason", Text),
    col("at", DateTime(timezone=True), default=utcnow),
)

# A batch that a worker of a distributed ingest run wrote, with the report of what it stored.
# Written in the same transaction as the batch: a task run again after its worker died (perhaps
# after that commit) finds it and stores nothing twice (``Store.claim_batch``). The run's client
# deletes its rows when the run ends.
WrittenBatchRow = rows(
    "written_batches",
    pk("run", String(32)),
    pk("part", Integer, autoincrement=False),
    pk("batch", Integer, autoincrement=False),
    col("report", JSON, null=True),
    col("at", DateTime(timezone=True), default=utcnow),
)


# Shared records: organisational units and the audit log, used by the ledger and by accounts.

# An organisation that owns tasks, in a hierarchy (province → city → district / bureau).
UnitRow = rows(
    "units",
    pk("id"),
    col("name", String(200), unique=True),
    col("parent_id", Integer, ForeignKey("units.id"), null=True),
)

UnitAliasRow = rows(
    "unit_aliases",
    pk("alias", String(200)),  # normalised key
    col("unit_id", Integer, ForeignKey("units.id"), index=True),
)

# Append-only: who changed what, when, before and after.
AuditRow = rows(
    "audit_log",
    pk("id"),
    col("at", DateTime(timezone=True), default=utcnow),
    col("actor", String(100)),
    col("entity", String(40)),
    col("entity_id", Integer, null=True, index=True),
    col("action", String(40)),
    col("before", JSON, null=True),
    col("after", JSON, null=True),
)

# One row (id 1): a counter that every committed change of what readers are shown moves
# (``luoshi.store.version``). The newest ids alone do not do it: on PostgreSQL two writers may
# commit in the other order than the one they took their ids in (migration 0019).
DataVersionRow = rows(
    "data_version",
    pk("id", Integer, autoincrement=False),
    col("value", BigInteger),
)


# --- cited documents and replicable outcomes (migration 0012) ---

# A cited title, one row per key (``luoshi.link.citations.title_key``): its id is the one of its
# page. Which title a short form stands for is decided when it is read, from the aliases that
# every document introduced (``luoshi.link.citations.Resolver``).
CitedTitleRow = rows(
    "cited_titles",
    pk("id"),
    col("key", String(300), unique=True),
    col("title", Text),  # as first written, simplified
    col("work_key", String(300), index=True),
    col("bare_key", String(300), null=True, index=True),  # without its issuer
)

# A citation in a document, with its sentence (``luoshi.link.citations.Mention``).
CitedMentionRow = rows(
    "cited_mentions",
    pk("id"),
    document_id(index=True),
    col("key", String(300)),
    col("form", String(8)),  # cited | full | short | quoted
    col("start", Integer),
    col("end", Integer),
    col("sentence_start", Integer),
    col("sentence_end", Integer),
    col("sentence", Text),  # in the document's own script
    col("day", String(10), null=True),  # the document's event (or publication) date
    # Covers the index of titles (counts and dates per key) and the documents citing a title.
    Index("ix_cited_mentions_key", "key", "form", "document_id", "day"),
)

# A short form that a document introduced for a full title ("以下简称《前海方案》").
CitedAliasRow = rows(
    "cited_aliases",
    pk("short_key", String(300)),
    pk("full_key", String(300)),
    pk("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE"), index=True),
)

# A replicable outcome a document reports (``luoshi.model.Outcome``).
OutcomeRow = rows(
    "outcomes",
    pk("id"),
    document_id(index=True),
    col("kind", String(16)),
    col("title", Text),  # simplified
    col("title_original", Text),
    col("zone", String(60), null=True, index=True),
    col("count", Integer, null=True),
    col("day", String(10), null=True, index=True),
    col("start", Integer),
    col("end", Integer),
    col("sentence_start", Integer),
    col("sentence_end", Integer),
)

# Documents stored before an index of facts existed are indexed later, a batch at a time: those
# with ids below ``below`` (0 when none are left). Documents stored after are indexed as they
# are written.
FactBackfillRow = rows(
    "fact_backfill",
    pk("name", String(40)),
    col("below", Integer),
)
