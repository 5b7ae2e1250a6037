"""Follow-through, stored: the phrase statistics the linker weighs evidence by, and each
directive's later mentions, cached until the documents change (``luoshi.services.follow``
computes them; ``luoshi.link.follow`` is the algorithm).

Tables (plain columns, the same on SQLite and PostgreSQL, shared by every worker):

- ``follow_stats`` — one row: how many documents the statistics were counted over (a sample of
  at most ``SAMPLE``), how many the store held, its newest document id, and a version.
- ``follow_phrases`` — document frequencies in the sample: every character, every character
  pair seen in two documents or more, and the boilerplate 4-character phrases.
- ``follow_runs`` — per directive, the store's newest document and the statistics' version its
  mentions were computed at: the cache is current while both are.
- ``follow_mentions`` — the mentions (later document, label, span, cue, score)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Float,
    ForeignKey,
    Integer,
    String,
    bindparam,
    delete,
    func,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from luoshi.link.follow import SHINGLE, Mention, PhraseStats
from luoshi.store.orm import Base
from luoshi.store.schema import CitationRow, DirectiveRow, DocumentRow
from luoshi.text import to_simplified

SAMPLE = 2000  # documents the phrase statistics are counted over (all of a smaller store)
CHUNK = 500  # ids per IN (…) list
LOCKS = 0x666F6C6C  # PostgreSQL advisory locks of follow-through ("foll"): (LOCKS, 0) the
# statistics, (LOCKS, document id) a source document's cached mentions


class FollowStatsRow(Base):
    __tablename__ = "follow_stats"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    sample: Mapped[int] = mapped_column(Integer)
    documents: Mapped[int] = mapped_column(Integer)
    newest_id: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)


class FollowPhraseRow(Base):
    __tablename__ = "follow_phrases"

    phrase: Mapped[str] = mapped_column(String(8), primary_key=True)
    documents: Mapped[int] = mapped_column(Integer)


class FollowRunRow(Base):
    __tablename__ = "follow_runs"

    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    newest_id: Mapped[int] = mapped_column(Integer)
    stats_version: Mapped[int] = mapped_column(Integer)


class FollowMentionRow(Base):
    __tablename__ = "follow_mentions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(ForeignKey("directives.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    day: Mapped[str | None] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(8))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    cue: Mapped[str | None] = mapped_column(String(60))
    score: Mapped[float] = mapped_column(Float)
    aligned: Mapped[list[list[int]]] = mapped_column(JSON)


TABLES = (FollowStatsRow, FollowPhraseRow, FollowRunRow, FollowMentionRow)


def installed(conn: Connection) -> bool:
    return inspect(conn).has_table(FollowMentionRow.__tablename__)


def _chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _pg_lock(conn: Connection, key: int) -> None:
    """On PostgreSQL, one writer at a time for ``key`` until the transaction ends (SQLite's
    write transactions are one at a time already)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"), {"space": LOCKS, "key": key})


# -- the store's state ---------------------------------------------------------------------------


def newest_document(conn: Connection) -> int:
    return int(conn.scalar(select(func.max(DocumentRow.id))) or 0)


@dataclass(frozen=True)
class StatsState:
    sample: int
    documents: int
    newest_id: int
    version: int


def stats_state(conn: Connection) -> StatsState | None:
    row = conn.execute(
        select(
            FollowStatsRow.sample, FollowStatsRow.documents, FollowStatsRow.newest_id, FollowStatsRow.version
        ).where(FollowStatsRow.id == 1)
    ).first()
    return StatsState(row.sample, row.documents, row.newest_id, row.version) if row else None


def load_stats(conn: Connection, state: StatsState) -> PhraseStats:
    counts = {p: int(n) for p, n in conn.execute(select(FollowPhraseRow.phrase, FollowPhraseRow.documents))}
    return PhraseStats(state.sample, counts)


def sample_texts(conn: Connection, size: int = SAMPLE) -> tuple[int, Iterator[str]]:
    """(how many documents the store holds, the simplified texts of at most ``size`` of them,
    spread evenly over the ids)."""
    ids = list(conn.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))
    step = max(1, len(ids) / size) if ids else 1
    chosen = [ids[int(k * step)] for k in range(min(size, len(ids)))]

    def texts() -> Iterator[str]:
        for chunk in _chunks(chosen, 200):
            for title, body in conn.execute(
                select(DocumentRow.title, DocumentRow.text).where(DocumentRow.id.in_(chunk))
            ):
                yield to_simplified(f"{title or ''}\n{body}")

    return len(ids), texts()


def save_stats(
    conn: Connection,
    sample: int,
    documents: int,
    newest: int,
    counts: Counter[str],
    boilerplate_share: float,
    boilerplate_min: int,
) -> StatsState:
    """Replace the statistics: every character, the pairs seen twice or more, and the
    4-character phrases frequent enough to be boilerplate."""
    _pg_lock(conn, 0)
    previous = stats_state(conn)
    version = (previous.version + 1) if previous else 1
    kept = [
        (p, n)
        for p, n in counts.items()
        if len(p) == 1
        or (len(p) == 2 and n >= 2)
        or (len(p) == SHINGLE and n >= boilerplate_min and n > boilerplate_share * sample)
    ]
    conn.execute(delete(FollowPhraseRow))
    for chunk in _chunks(kept, 5000):
        conn.execute(insert(FollowPhraseRow), [{"phrase": p, "documents": n} for p, n in chunk])
    conn.execute(delete(FollowStatsRow))
    state = StatsState(sample, documents, newest, version)
    conn.execute(
        insert(FollowStatsRow).values(
            id=1, sample=sample, documents=documents, newest_id=newest, version=version
        )
    )
    return state


# -- directives and candidates --------------------------------------------------------------------


@dataclass
class DirectiveInfo:
    id: int
    index: int  # 1-based, in the order of the document (the ledger's proposal codes D{doc}.{index})
    document_id: int
    text: str  # as written
    start: int
    end: int
    speaker: str | None
    addressee: str | None
    deadline: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "index": self.index,
            "text": self.text,
            "span": [self.start, self.end],
            "speaker": self.speaker,
            "addressee": self.addressee,
            "deadline": self.deadline,
        }


@dataclass
class SourceDocument:
    id: int
    name: str
    title: str | None
    day: str | None
    text: str


def source_document(conn: Connection, doc_id: int) -> SourceDocument | None:
    day = func.coalesce(DocumentRow.event_date, DocumentRow.published)
    row = conn.execute(
        select(DocumentRow.id, DocumentRow.name, DocumentRow.title, day.label("day"), DocumentRow.text).where(
            DocumentRow.id == doc_id
        )
    ).first()
    return SourceDocument(row.id, row.name, row.title, row.day, row.text) if row else None


def directives_of(conn: Connection, doc_id: int) -> list[DirectiveInfo]:
    rows = conn.execute(
        select(
            DirectiveRow.id,
            DirectiveRow.text,
            DirectiveRow.start,
            DirectiveRow.end,
            DirectiveRow.speaker,
            DirectiveRow.addressee,
            DirectiveRow.deadline,
        )
        .where(DirectiveRow.document_id == doc_id)
        .order_by(DirectiveRow.start, DirectiveRow.id)
    ).all()
    return [
        DirectiveInfo(r.id, i, doc_id, r.text, r.start, r.end, r.speaker, r.addressee, r.deadline)
        for i, r in enumerate(rows, 1)
    ]


def citations_within(
    conn: Connection, doc_id: int, start: int | None = None, end: int | None = None
) -> list[str]:
    """Titles the document cites (within ``[start, end)`` when given)."""
    stmt = select(CitationRow.title).where(CitationRow.document_id == doc_id)
    if start is not None and end is not None:
        stmt = stmt.where(CitationRow.start >= start, CitationRow.end <= end)
    return list(dict.fromkeys(conn.scalars(stmt.order_by(CitationRow.start))))


def citing(conn: Connection, titles: list[str], limit: int) -> list[int]:
    """Ids of the newest ``limit`` documents citing any of ``titles``."""
    if not titles:
        return []
    stmt = (
        select(CitationRow.document_id)
        .where(CitationRow.title.in_(titles))
        .group_by(CitationRow.document_id)
        .order_by(CitationRow.document_id.desc())
        .limit(limit)
    )
    if conn.dialect.name == "sqlite" and _cited_widely(conn, titles, limit):
        # SQLite reads every citation of the titles from the table, then sorts them; walking
        # the citations newest document first stops after ``limit`` documents (same answer)
        return [int(i) for i in conn.scalars(_NEWEST_CITING, {"titles": titles, "limit": limit})]
    return [int(i) for i in conn.scalars(stmt)]


_NEWEST_CITING = text(
    "SELECT document_id FROM citations INDEXED BY ix_citations_document_id WHERE title IN :titles"
    " GROUP BY document_id ORDER BY document_id DESC LIMIT :limit"
).bindparams(bindparam("titles", expanding=True))


def _cited_widely(conn: Connection, titles: list[str], limit: int) -> bool:
    """Whether walking the citations newest first finds ``limit`` documents citing ``titles``
    sooner than reading all of theirs and sorting: of ``n`` citations of them among ``total``,
    the walk reads about ``limit × total / n``, each a quarter of the cost of a row read and
    sorted (measured: 4–6 ms against 10–15 ms for a title cited 5,500 times among 200,000), so
    it wins when 4n² > limit × total. The count is read from the index of titles alone, the total
    is the highest id."""
    n = conn.scalar(select(func.count()).select_from(CitationRow).where(CitationRow.title.in_(titles))) or 0
    total = conn.scalar(select(func.max(CitationRow.id))) or 0
    return 4 * n * n > limit * total


def days(conn: Connection, ids: Iterable[int]) -> dict[int, str | None]:
    day = func.coalesce(DocumentRow.event_date, DocumentRow.published)
    out: dict[int, str | None] = {}
    for chunk in _chunks(sorted(set(ids))):
        out.update(
            {int(i): d for i, d in conn.execute(select(DocumentRow.id, day).where(DocumentRow.id.in_(chunk)))}
        )
    return out


@dataclass
class LaterDocument:
    id: int
    name: str
    title: str | None
    day: str | None
    text: str  # clean text, as written
    source_url: str | None
    source_site: str | None


def later_documents(conn: Connection, ids: Iterable[int]) -> dict[int, LaterDocument]:
    day = func.coalesce(DocumentRow.event_date, DocumentRow.published)
    out: dict[int, LaterDocument] = {}
    for chunk in _chunks(sorted(set(ids))):
        for r in conn.execute(
            select(
                DocumentRow.id,
                DocumentRow.name,
                DocumentRow.title,
                day.label("day"),
                DocumentRow.text,
                DocumentRow.source_url,
                DocumentRow.source_site,
            ).where(DocumentRow.id.in_(chunk))
        ):
            out[r.id] = LaterDocument(r.id, r.name, r.title, r.day, r.text, r.source_url, r.source_site)
    return out


# -- the cache of mentions -------------------------------------------------------------------------


def runs(conn: Connection, directive_ids: list[int], version: int) -> dict[int, int]:
    """For each directive with stored mentions counted with statistics ``version``: the newest
    document the store held then."""
    if not directive_ids:
        return {}
    stmt = select(FollowRunRow.directive_id, FollowRunRow.newest_id).where(
        FollowRunRow.directive_id.in_(directive_ids), FollowRunRow.stats_version == version
    )
    return {int(d): int(n) for d, n in conn.execute(stmt)}


def mentions_of(conn: Connection, directive_ids: list[int]) -> dict[int, list[Mention]]:
    """The stored mentions of the directives, oldest first."""
    out: dict[int, list[Mention]] = {d: [] for d in directive_ids}
    if not directive_ids:
        return out
    rows = conn.execute(
        select(
            FollowMentionRow.directive_id,
            FollowMentionRow.document_id,
            FollowMentionRow.day,
            FollowMentionRow.label,
            FollowMentionRow.start,
            FollowMentionRow.end,
            FollowMentionRow.aligned,
            FollowMentionRow.cue,
            FollowMentionRow.score,
        )
        .where(FollowMentionRow.directive_id.in_(directive_ids))
        .order_by(FollowMentionRow.day, FollowMentionRow.document_id)
    ).all()
    for r in rows:
        out[r.directive_id].append(
            Mention(
                r.directive_id,
                r.document_id,
                r.day,
                r.label,
                (r.start, r.end),
                [(a, b) for a, b in r.aligned or []],
                r.cue,
                r.score,
            )
        )
    return out


def save_mentions(
    conn: Connection,
    document_id: int,
    directive_ids: list[int],
    mentions: list[Mention],
    newest: int,
    version: int,
    after: int | None = None,
) -> None:
    """Store the mentions of the directives (of one document) as computed with the store's
    ``newest`` document: they replace the stored ones, or, with ``after``, add those found in
    the documents after it to the stored ones (which must still be those of ``after``)."""
    _pg_lock(conn, document_id)
    if after is not None:
        now = runs(conn, directive_ids, version)
        if len(now) < len(directive_ids) or any(n != after for n in now.values()):
            return  # another process stored newer results meanwhile
        conn.execute(
            delete(FollowMentionRow).where(
                FollowMentionRow.directive_id.in_(directive_ids), FollowMentionRow.document_id > after
            )
        )
    else:
        conn.execute(delete(FollowMentionRow).where(FollowMentionRow.directive_id.in_(directive_ids)))
    conn.execute(delete(FollowRunRow).where(FollowRunRow.directive_id.in_(directive_ids)))
    conn.execute(
        insert(FollowRunRow),
        [{"directive_id": d, "newest_id": newest, "stats_version": version} for d in directive_ids],
    )
    if mentions:
        conn.execute(
            insert(FollowMentionRow),
            [
                {
                    "directive_id": m.target,
                    "document_id": m.document,
                    "day": m.day,
                    "label": m.label,
                    "start": m.span[0],
                    "end": m.span[1],
                    "cue": (m.cue or "")[:60] or None,
                    "score": m.score,
                    "aligned": [list(a) for a in m.aligned],
                }
                for m in mentions
            ],
        )
