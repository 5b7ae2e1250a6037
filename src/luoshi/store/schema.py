"""Tables of the store. Kept dialect-neutral (SQLite by default, PostgreSQL for teams); the
full-text index is created per dialect by the migrations."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10), index=True)
    event_date: Mapped[str | None] = mapped_column(String(10), index=True)
    source_url: Mapped[str | None] = mapped_column(Text)
    source_site: Mapped[str | None] = mapped_column(String(200), index=True)
    source_path: Mapped[str | None] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(16))
    encoding: Mapped[str] = mapped_column(String(32))
    script: Mapped[str] = mapped_column(String(16), index=True)
    original: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    offsets: Mapped[list[list[int]]] = mapped_column(JSON)
    meta: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    facts: Mapped[dict[str, object] | None] = mapped_column(JSON)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What the document pages filter and count by (migration 0014), from the facts at ingest
    # (``luoshi.store.listing.facet_values``): the year of its day, its region, its meeting kind.
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    place: Mapped[str | None] = mapped_column(String(60), index=True)
    meeting_kind: Mapped[str | None] = mapped_column(String(40), index=True)


class PersonRow(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)  # simplified script


class MentionRow(Base):
    """A person named in a document, with the post attached in that mention (if any)."""

    __tablename__ = "mentions"
    __table_args__ = (Index("ix_mentions_person", "person_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    post: Mapped[str | None] = mapped_column(String(120))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class CitationRow(Base):
    __tablename__ = "citations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(Text, index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class TaskBatchRow(Base):
    __tablename__ = "task_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    count: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(String(200))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class DirectiveRow(Base):
    __tablename__ = "directives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int | None] = mapped_column(Integer)
    speaker: Mapped[str | None] = mapped_column(String(60))
    addressee: Mapped[str | None] = mapped_column(String(120))
    deadline: Mapped[str | None] = mapped_column(String(60))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)


class RejectionRow(Base):
    """An input that an ingest run rejected, kept so that nothing is lost silently."""

    __tablename__ = "rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WrittenBatchRow(Base):
    """A batch that a worker of a distributed ingest run wrote, with the report of what it
    stored. Written in the same transaction as the batch: a task run again after its worker
    died (perhaps after that commit) finds it and stores nothing twice (``Store.claim_batch``).
    The run's client deletes its rows when the run ends."""

    __tablename__ = "written_batches"

    run: Mapped[str] = mapped_column(String(32), primary_key=True)
    part: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    batch: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    report: Mapped[dict[str, object] | None] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# Shared records: organisational units and the audit log, used by the ledger and by accounts.


class UnitRow(Base):
    """An organisation that owns tasks, in a hierarchy (province → city → district / bureau)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))


class UnitAliasRow(Base):
    __tablename__ = "unit_aliases"

    alias: Mapped[str] = mapped_column(String(200), primary_key=True)  # normalised key
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)


class AuditRow(Base):
    """Append-only: who changed what, when, before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int | None] = mapped_column(Integer, index=True)
    action: Mapped[str] = mapped_column(String(40))
    before: Mapped[dict[str, object] | None] = mapped_column(JSON)
    after: Mapped[dict[str, object] | None] = mapped_column(JSON)


# --- cited documents and replicable outcomes (migration 0012) ---


class CitedTitleRow(Base):
    """A cited title, one row per key (``luoshi.link.citations.title_key``): its id is the one
    of its page. Which title a short form stands for is decided when it is read, from the
    aliases that every document introduced (``luoshi.link.citations.Resolver``)."""

    __tablename__ = "cited_titles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str] = mapped_column(Text)  # as first written, simplified
    work_key: Mapped[str] = mapped_column(String(300), index=True)
    bare_key: Mapped[str | None] = mapped_column(String(300), index=True)  # without its issuer


class CitedMentionRow(Base):
    """A citation in a document, with its sentence (``luoshi.link.citations.Mention``)."""

    __tablename__ = "cited_mentions"
    # Covers the index of titles (counts and dates per key) and the documents citing a title.
    __table_args__ = (Index("ix_cited_mentions_key", "key", "form", "document_id", "day"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(300))
    form: Mapped[str] = mapped_column(String(8))  # cited | full | short | quoted
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)  # in the document's own script
    day: Mapped[str | None] = mapped_column(String(10))  # the document's event (or publication) date


class CitedAliasRow(Base):
    """A short form that a document introduced for a full title ("以下简称《前海方案》")."""

    __tablename__ = "cited_aliases"

    short_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    full_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class OutcomeRow(Base):
    """A replicable outcome a document reports (``luoshi.model.Outcome``)."""

    __tablename__ = "outcomes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(Text)  # simplified
    title_original: Mapped[str] = mapped_column(Text)
    zone: Mapped[str | None] = mapped_column(String(60), index=True)
    count: Mapped[int | None] = mapped_column(Integer)
    day: Mapped[str | None] = mapped_column(String(10), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    sentence_start: Mapped[int] = mapped_column(Integer)
    sentence_end: Mapped[int] = mapped_column(Integer)


class FactBackfillRow(Base):
    """Documents stored before an index of facts existed are indexed later, a batch at a time:
    those with ids below ``below`` (0 when none are left). Documents stored after are indexed as
    they are written."""

    __tablename__ = "fact_backfill"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    below: Mapped[int] = mapped_column(Integer)
