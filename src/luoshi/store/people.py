"""People as clustered across documents: the tables and their queries (the clustering itself
is ``luoshi.link.people``; ``luoshi.services.people`` runs it over these tables).

Tables (plain columns, the same on SQLite and PostgreSQL):

- ``people_pending`` — documents whose names are not yet read into sightings: written by
  ``Store.add_documents`` with each new document (and for every stored document by migration
  0011); the service empties it.
- ``person_sightings`` — one row per name per document (id, document, name, day, the posts the
  text shows for it and the document's home places), with ``person_id``: the person it belongs
  to after the last clustering of its name. A sighting's id never changes.
- ``people`` — the persons: id (the smallest id of their sightings), name, the post that tells
  them apart, first and last day seen, counts. Rewritten, for a name, each time it is clustered.
- ``person_posts`` — career records: person, post (its one written form), place, tier, unit,
  head, first and last day seen held, the days a document says it began or ended, and the
  evidence (document, span, the post as written, the transfer word).
- ``person_decisions`` — merges and splits ordered by the office, kept as the mentions they
  join or part (so they outlive any re-clustering), with who and when; also in the audit log."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    bindparam,
    case,
    delete,
    func,
    insert,
    inspect,
    literal_column,
    select,
    text,
    update,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from luoshi.link.people import Career, Decisions, PostReader, Sighting
from luoshi.store import version
from luoshi.store.orm import Base
from luoshi.store.schema import AuditRow, DocumentRow, utcnow

CHUNK = 500  # parameters per IN (…) list
PEOPLE_LOCK = 0x6C756F7368692D70  # PostgreSQL advisory lock held while people are clustered


class PeoplePendingRow(Base):
    __tablename__ = "people_pending"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class SightingRow(Base):
    __tablename__ = "person_sightings"
    __table_args__ = (UniqueConstraint("document_id", "name", name="uq_person_sightings_document_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    day: Mapped[str | None] = mapped_column(String(10))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)


class PersonCareerRow(Base):
    __tablename__ = "people"
    __table_args__ = (Index("ix_people_documents", "documents", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(40), index=True)
    label: Mapped[str] = mapped_column(String(200))
    first_seen: Mapped[str | None] = mapped_column(String(10))
    last_seen: Mapped[str | None] = mapped_column(String(10))
    documents: Mapped[int] = mapped_column(Integer)
    posts: Mapped[int] = mapped_column(Integer)


class PostRecordRow(Base):
    __tablename__ = "person_posts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer)
    post: Mapped[str] = mapped_column(String(200), index=True)
    place: Mapped[str | None] = mapped_column(String(40))
    tier: Mapped[str | None] = mapped_column(String(4))
    unit: Mapped[str] = mapped_column(String(200))
    head: Mapped[str] = mapped_column(String(200))
    single_holder: Mapped[bool] = mapped_column(Boolean)
    first_seen: Mapped[str | None] = mapped_column(String(10))
    last_seen: Mapped[str | None] = mapped_column(String(10))
    began: Mapped[str | None] = mapped_column(String(10))
    ended: Mapped[str | None] = mapped_column(String(10))
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class PersonDecisionRow(Base):
    __tablename__ = "person_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # merge | split
    together: Mapped[list[list[Any]]] = mapped_column(JSON)  # mentions that are one person
    apart: Mapped[list[list[Any]]] = mapped_column(JSON)  # split: mentions never with ``together``
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str | None] = mapped_column(String(400))


TABLES = (PeoplePendingRow, SightingRow, PersonCareerRow, PostRecordRow, PersonDecisionRow)


def installed(conn: Connection) -> bool:
    """Whether the store has the tables (a store not yet migrated to 0011 queues nothing)."""
    return inspect(conn).has_table(PeoplePendingRow.__tablename__)


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lock(conn: Connection, wait: bool = True) -> bool:
    """Hold the clustering lock for the rest of the transaction (PostgreSQL; SQLite's write
    transaction is one already). Without ``wait``, False when another process holds it."""
    if conn.dialect.name != "postgresql":
        return True
    if wait:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PEOPLE_LOCK})
        return True
    return bool(conn.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": PEOPLE_LOCK}))


# -- the queue of documents --------------------------------------------------------------------


def queue(conn: Connection, document_ids: Iterable[int]) -> None:
    """Documents to read into sightings (new ones, or all of them for a rebuild)."""
    ids = sorted(set(document_ids))
    if not ids:
        return
    if conn.dialect.name == "postgresql":  # one statement, the ids as one array
        conn.execute(
            text(
                "INSERT INTO people_pending (document_id) SELECT unnest(CAST(:ids AS integer[])) ON CONFLICT DO NOTHING"
            ),
            {"ids": ids},
        )
        return
    known: set[int] = set()
    for chunk in _chunks(ids):
        known.update(
            conn.scalars(select(PeoplePendingRow.document_id).where(PeoplePendingRow.document_id.in_(chunk)))
        )
    rows = [{"document_id": i} for i in ids if i not in known]
    if rows:
        conn.execute(insert(PeoplePendingRow), rows)


def queue_all(conn: Connection) -> int:
    conn.execute(delete(PeoplePendingRow))
    conn.execute(text("INSERT INTO people_pending (document_id) SELECT id FROM documents"))
    return int(conn.scalar(select(func.count()).select_from(PeoplePendingRow)) or 0)


def has_pending(conn: Connection) -> bool:
    return conn.scalar(select(PeoplePendingRow.document_id).limit(1)) is not None


# The parts of a document's stored facts that its sightings are read from
# (``link.people.sightings_from_facts``): only these are read and decoded, not the whole facts.
SIGHTING_FACTS: tuple[tuple[str, ...], ...] = (
    ("persons",),
    ("places",),
    ("appointments",),
    ("spans", "persons"),
    ("spans", "roles"),
)


@cache
def post_reader() -> PostReader:
    """The reader of posts, with the extract gazetteer's post heads (one per process)."""
    from luoshi.extract.gazetteer import post_heads

    return PostReader(post_heads())


@cache
def _facts_query(dialect: Dialect) -> str:
    """The query of ``take_pending`` (id, day, each part of ``SIGHTING_FACTS``), up to the ids
    (``_rows_in``): read on the driver, as SQLAlchemy's per-row handling and its JSON decoding
    cost more than the query."""
    day = func.coalesce(DocumentRow.event_date, DocumentRow.published)
    parts = [DocumentRow.facts[path if len(path) > 1 else path[0]] for path in SIGHTING_FACTS]
    stmt = select(DocumentRow.id, day, *parts).where(DocumentRow.id == literal_column("0"))
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    assert sql.endswith(" = 0")
    return sql[: -len(" = 0")]


# A number orjson might read as a float (beyond 64 bits). JSON writes numbers in ASCII digits
# only: ``[0-9]`` finds the same numbers as ``\d`` (which also matches other scripts' digits,
# inside strings, that both decoders read alike) in 60 % of its time.
_LONG_NUMBER = re.compile(r"[0-9]{19}")


def json_value(value: str) -> Any:
    """A JSON text as ``json.loads`` reads it: by orjson (several times faster), unless it holds
    a number of 19 digits or more (which orjson reads as a float beyond 64 bits) or something
    orjson refuses (a lone surrogate, a number beyond a double)."""
    if _LONG_NUMBER.search(value) is None:
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            pass
    return json.loads(value)


def take_pending(conn: Connection, limit: int) -> list[tuple[int, str | None, dict[str, Any] | None, str]]:
    """Up to ``limit`` queued documents (id, day, the parts of their stored facts that sightings
    are read from, text), removed from the queue. The text is read only for facts stored before
    changes of post were (no ``appointments``): it is ``""`` for the others."""
    ids = list(
        conn.scalars(select(PeoplePendingRow.document_id).order_by(PeoplePendingRow.document_id).limit(limit))
    )
    if not ids:
        return []
    rows = sorted(_rows_in(conn, _facts_query(conn.dialect), ids), key=lambda r: int(r[0]))
    as_text = conn.dialect.name == "sqlite"  # (psycopg gives JSON decoded)
    out: list[tuple[int, str | None, dict[str, Any] | None, str]] = []
    for i, d, *found in rows:
        if as_text:
            found = [None if value is None else json_value(value) for value in found]
        out.append((int(i), d, _assembled(zip(SIGHTING_FACTS, found, strict=True)), ""))
    old = [i for i, _, facts, _ in out if facts and "appointments" not in facts]
    if old:
        texts = dict(
            conn.execute(select(DocumentRow.id, DocumentRow.text).where(DocumentRow.id.in_(old))).all()
        )
        out = [(i, d, f, texts.get(i, "")) for i, d, f, _ in out]
    conn.execute(delete(PeoplePendingRow).where(PeoplePendingRow.document_id.in_(ids)))
    return out


def _assembled(parts: Iterable[tuple[tuple[str, ...], Any]]) -> dict[str, Any] | None:
    """The facts made of ``parts`` (each of ``SIGHTING_FACTS`` with its value, None where
    absent): None when none is there."""
    out: dict[str, Any] | None = None
    for path, value in parts:
        if value is not None:
            out = out if out is not None else {}
            (out.setdefault(path[0], {}) if len(path) > 1 else out)[path[-1]] = value
    return out


# -- sightings ---------------------------------------------------------------------------------


def replace_sightings(conn: Connection, document_ids: Sequence[int], sightings: Sequence[Sighting]) -> None:
    """The sightings of ``document_ids`` become ``sightings``. A sighting that stays keeps its id,
    and its person unless what it shows changed; new ones wait without a person
    (``dirty_names``), and so do all the sightings of a name that lost one or changed one (such a
    name is clustered whole; new sightings alone are added to the persons, ``link.people.extend``).
    Each of ``sightings`` is given its stored id (``ref``): it is then what reading that row gives."""
    old: dict[tuple[int, str], tuple[int, str | None, dict[str, Any]]] = {}
    for chunk in _chunks(document_ids):
        rows = conn.execute(
            select(
                SightingRow.id, SightingRow.document_id, SightingRow.name, SightingRow.day, SightingRow.data
            ).where(SightingRow.document_id.in_(chunk))
        )
        for i, doc, name, day, data in rows:
            old[(int(doc), name)] = (int(i), day, data)
    new_keys = {s.key for s in sightings}
    gone = {key: found[0] for key, found in old.items() if key not in new_keys}
    for chunk in _chunks(list(gone.values())):
        conn.execute(delete(SightingRow).where(SightingRow.id.in_(chunk)))
    fresh = [s for s in sightings if s.key not in old]
    for s, ref in zip(fresh, next_sighting_ids(conn, len(fresh)), strict=True):
        s.ref = ref  # (the id storing it gives: not read back)
    insert_sightings(conn, fresh, {})  # tens of rows a document: one executemany (or COPY)
    for s in sightings:
        if s.key in old:
            s.ref = old[s.key][0]

    def old_same(s: Sighting) -> bool:
        return (old[s.key][1], old[s.key][2]) == (s.day, s.data())

    changed = [
        {"ref": old[s.key][0], "day": s.day, "data": s.data()}
        for s in sightings
        if s.key in old and not old_same(s)
    ]
    if changed:
        conn.execute(
            update(SightingRow)
            .where(SightingRow.id == bindparam("ref"))
            .values(day=bindparam("day"), data=bindparam("data"), person_id=None),
            changed,
            execution_options={"synchronize_session": False},
        )
    lost = sorted({name for _, name in gone})
    # A name that lost a sighting, or whose sighting shows something else now, is clustered
    # whole: every one of its sightings waits (new sightings alone extend the persons).
    again = sorted(set(lost) | {s.name for s in sightings if s.key in old and not old_same(s)})
    for chunk in _chunks(again):
        conn.execute(update(SightingRow).where(SightingRow.name.in_(chunk)).values(person_id=None))
    if lost:
        left = set(conn.scalars(select(SightingRow.name).where(SightingRow.name.in_(lost)).distinct()))
        write_people(conn, [n for n in lost if n not in left], [])  # names no document names any more


def any_sightings(conn: Connection, documents: Sequence[int] = (), names: Sequence[str] = ()) -> bool:
    """Whether a sighting of one of ``documents`` or bearing one of ``names`` is stored."""
    for column, values in ((SightingRow.document_id, documents), (SightingRow.name, names)):
        for chunk in _chunks(values):
            if conn.scalar(select(SightingRow.id).where(column.in_(chunk)).limit(1)) is not None:
                return True
    return False


def next_sighting_ids(conn: Connection, count: int) -> list[int]:
    """The ids the next ``count`` sightings stored get (in the order stored), taken now (to be
    given with them, ``insert_sightings``). SQLite gives a row of an INTEGER PRIMARY KEY
    (without AUTOINCREMENT) one more than the largest stored; PostgreSQL, its sequence's next."""
    if count <= 0:
        return []
    table = SightingRow.__tablename__
    if conn.dialect.name == "postgresql":
        found = conn.scalars(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table, "n": count},
        )
        return sorted(int(i) for i in found)
    top = int(conn.scalar(select(func.max(SightingRow.id))) or 0)
    return list(range(top + 1, top + 1 + count))


# The tables a first refresh fills (``indexes_built_after``).
FILLED = (SightingRow.__tablename__, PersonCareerRow.__tablename__, PostRecordRow.__tablename__)


@contextmanager
def indexes_built_after(conn: Connection) -> Iterator[None]:
    """On SQLite, when the people tables are all empty (a store's first refresh, which fills
    them in one transaction: ``first_people``; or its first batch of several), their secondary
    indexes are dropped for the block and created again at its end by their own stored SQL: a
    B-tree built once from sorted entries costs less than tens of thousands of entries
    inserted one by one in the order of the rows (a third of the inserts' time). Elsewhere
    (rows stored, PostgreSQL) the block runs as it is."""
    if conn.dialect.name != "sqlite" or any(
        conn.exec_driver_sql(f"SELECT 1 FROM {table} LIMIT 1").first() is not None for table in FILLED
    ):
        yield
        return
    marks = ", ".join(["?"] * len(FILLED))
    with _rebuilt(conn, f"tbl_name IN ({marks})", FILLED):
        yield


# Sightings given a person at once from which rebuilding the index of their persons
# (``person_index_built_after``) can pay: the rebuild reads every stored sighting.
MANY_PERSONS = 20_000


@contextmanager
def person_index_built_after(conn: Connection, changing: int) -> Iterator[None]:
    """On SQLite, when ``changing`` sightings are about to be given a person and they are at
    least half of those stored (the names of a first ingest of several batches, clustered after
    their sightings were stored: each gets its person by an ``UPDATE``), the index of the
    sightings' persons is dropped for the block and built once at its end (each ``UPDATE``
    would move its entry: 40 % of their time at 200,000 sightings). Otherwise, and on
    PostgreSQL, the block runs as it is."""
    if conn.dialect.name != "sqlite" or changing < MANY_PERSONS:
        yield
        return
    stored = int(conn.scalar(select(func.max(SightingRow.id))) or 0)  # (about their number)
    if changing * 2 < stored:
        yield
        return
    with _rebuilt(conn, "name = ?", ("ix_person_sightings_person_id",)):
        yield


@contextmanager
def _rebuilt(conn: Connection, where: str, values: Sequence[Any]) -> Iterator[None]:
    """The SQLite indexes ``where`` says (of ``sqlite_master``, with ``values``) dropped for the
    block and created again at its end by their own stored SQL: the same schema after. All in
    the caller's transaction: a reader sees the indexes as they were until it commits, and an
    error rolls the drop back with the rest (DDL is transactional on SQLite). The block must
    not swallow an error and let the transaction commit: the indexes would stay dropped."""
    if not conn.in_transaction():
        raise RuntimeError("the people tables' indexes are rebuilt inside a transaction only")
    found = conn.exec_driver_sql(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND {where} ORDER BY rowid",
        tuple(values),
    ).all()
    quote = conn.dialect.identifier_preparer.quote
    for name, _ in found:
        conn.exec_driver_sql(f"DROP INDEX {quote(name)}")
    yield
    for _, sql in found:
        conn.exec_driver_sql(sql)


SIGHTING_COLUMNS = ("id", "document_id", "name", "day", "data", "person_id")


def sighting_facts(facts: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The parts ``SIGHTING_FACTS`` of a document's facts (``Facts.to_json`` as stored), as
    ``take_pending`` reads them: None when none is there."""

    def part(path: tuple[str, ...]) -> Any:
        value: Any = facts
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        return value

    return _assembled((path, part(path)) for path in SIGHTING_FACTS)


def sightings_of(doc_id: int, day: str | None, facts: Mapping[str, Any] | None, text: str) -> list[Sighting]:
    """The sightings of one queued document (``take_pending``'s row: id, day, facts, text)."""
    from luoshi.extract import find_appointments
    from luoshi.link.people import sightings_from_facts
    from luoshi.model import Person, Span
    from luoshi.text import to_simplified

    facts = dict(facts or {})
    if facts and "appointments" not in facts:  # stored before changes of post were read
        persons = [Person(to_simplified(n), Span(0, 0)) for n in facts.get("persons") or []]
        facts["appointments"] = [a.to_json() for a in find_appointments(to_simplified(text), persons)]
    return sightings_from_facts(post_reader(), doc_id, day, facts)


def document_sightings(
    day: str | None, facts: bytes | str | None, text: str
) -> tuple[tuple[str, str | None, str], ...]:
    """The sightings of a document about to be stored, as rows without ids (name, day, data):
    what the refresh will read from it once stored (``take_pending``, ``sightings_of``), built
    where the document was extracted (``store.rows``)."""
    from luoshi.store.engine import _to_json

    if isinstance(facts, bytes):
        facts = facts.decode()
    parts = sighting_facts(json_value(facts)) if facts is not None else None
    if parts and "appointments" in parts:
        text = ""  # (the text is read only for facts without changes of post, as take_pending)
    return tuple((s.name, s.day, _to_json(s.data_as_json())) for s in sightings_of(0, day, parts, text))


def sighting_rows(sightings: Sequence[Sighting], person: Mapping[int, int]) -> list[tuple[Any, ...]]:
    """The rows (``SIGHTING_COLUMNS``) of ``sightings`` with the ids they hold and their persons
    (by sighting id; None for one not in ``person``)."""
    from luoshi.store.engine import _to_json

    return [
        (s.ref, s.document_id, s.name, s.day, _to_json(s.data_as_json()), person.get(s.ref))
        for s in sightings
    ]


def insert_sighting_rows(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Sighting rows as ``sighting_rows`` makes them, written in their order."""
    from luoshi.store.documents import insert_many

    insert_many(conn, SightingRow.__tablename__, SIGHTING_COLUMNS, rows)


def insert_sightings(conn: Connection, sightings: Sequence[Sighting], person: Mapping[int, int]) -> None:
    """Store new ``sightings`` with the ids they hold (``next_sighting_ids``) and their persons
    (by sighting id; None for one not in ``person``)."""
    insert_sighting_rows(conn, sighting_rows(sightings, person))


def sighting_counts(conn: Connection, names: Sequence[str]) -> tuple[dict[str, int], set[str]]:
    """How many sightings each of ``names`` has, and which of them have one with a person."""
    counts: dict[str, int] = {}
    known: set[str] = set()
    for chunk in _chunks(sorted(set(names))):
        rows = conn.execute(
            select(SightingRow.name, func.count(), func.count(SightingRow.person_id))
            .where(SightingRow.name.in_(chunk))
            .group_by(SightingRow.name)
        )
        for name, n, with_person in rows:
            counts[name] = int(n)
            if with_person:
                known.add(name)
    return counts, known


def dirty_names(conn: Connection, limit: int) -> list[str]:
    """Names with sightings that wait for a person: they must be clustered again. In name
    order: a refresh that clusters them in several transactions writes their career rows in
    the order one transaction would (the same ids on either backend, and whatever the size of
    a transaction: ``services.people_parallel`` stores them at once). By code point on both
    backends, as Python sorts names (PostgreSQL's own collation may be a language's)."""
    name = SightingRow.name.collate("C") if conn.dialect.name == "postgresql" else SightingRow.name
    return list(
        conn.scalars(
            select(name).where(SightingRow.person_id.is_(None)).distinct().order_by(name).limit(limit)
        )
    )


def forget_people(conn: Connection) -> None:
    """Every sighting waits for a person again (the rules changed: cluster every name)."""
    conn.execute(update(SightingRow).values(person_id=None))


def _rows_in(conn: Connection, query: str, values: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``query`` (which ends with a column) ``IN`` each chunk of ``values``, read on
    the driver (SQLAlchemy's per-row handling costs more than the query for tens of thousands)."""
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"  # sqlite3 | psycopg
    cursor = conn.connection.cursor()  # (the result's rows one fetch each cost more than the query)
    try:
        for chunk in _chunks(values):
            cursor.execute(f"{query} IN ({', '.join([mark] * len(chunk))})", tuple(chunk))
            yield from cursor.fetchall()
    finally:
        cursor.close()


def _sighting_rows(conn: Connection, names: Iterable[str]) -> Iterator[tuple[Any, ...]]:
    """(id, document, name, day, data, person) of every sighting of ``names``, read on the driver:
    clustering reads tens of thousands of rows, and SQLAlchemy's per-row handling cost more than
    the query (``data`` is decoded here unless the driver did: by orjson, as this column holds
    only what ``Sighting.data`` writes — strings and text offsets, no integer beyond 64 bits,
    which orjson would read as a float)."""
    query = f"SELECT id, document_id, name, day, data, person_id FROM {SightingRow.__tablename__} WHERE name"
    for i, d, n, day, data, p in _rows_in(conn, query, sorted(set(names))):
        yield i, d, n, day, orjson.loads(data) if isinstance(data, str | bytes) else data, p


def sightings_named(conn: Connection, names: Iterable[str]) -> list[Sighting]:
    return [
        Sighting.from_row(int(i), int(d), n, day, data or {})
        for i, d, n, day, data, _ in _sighting_rows(conn, names)
    ]


def sightings_with_people(
    conn: Connection, names: Iterable[str], kept: dict[int, Sighting] | None = None
) -> list[tuple[Sighting, int | None]]:
    """The sightings of ``names`` with the person each belongs to (None: waiting for one).
    ``kept``: sightings as written by this process (by id, ``replace_sightings``); their data
    is not decoded again, only their person read (tens of thousands of rows after an ingest:
    decoding their data was a tenth of the time of clustering them). One query on the driver
    (reading the others' data by their ids after cost as much again as reading them all)."""
    kept = kept or {}
    out: list[tuple[Sighting, int | None]] = []
    add = out.append
    for i, d, n, day, data, p in _rows_in(
        conn,
        f"SELECT id, document_id, name, day, data, person_id FROM {SightingRow.__tablename__} WHERE name",
        sorted(set(names)),
    ):
        s = kept.pop(i, None)  # (a name is clustered once a refresh: not asked again)
        if s is None or s.document_id != d or s.name != n or s.day != day:
            data = orjson.loads(data) if isinstance(data, str | bytes) else data
            s = Sighting.from_row(int(i), int(d), n, day, data or {})
        add((s, None if p is None else int(p)))
    return out


# -- people ------------------------------------------------------------------------------------


def write_people(
    conn: Connection, names: Iterable[str], careers: Sequence[Career], stored: Mapping[int, int] | None = None
) -> None:
    """The people of ``names`` become ``careers`` (every sighting of those names is in one).
    ``stored``: the person each sighting has now (by id), as in ``replace_people``."""
    forget_people_named(conn, names)
    insert_careers(conn, careers, stored)


def forget_people_named(conn: Connection, names: Iterable[str]) -> None:
    """The people of ``names`` and their careers deleted (``write_people``'s first half: a
    refresh in pieces deletes those of every name first, then writes each piece's, so that the
    career rows get the ids writing them all at once gives)."""
    names = sorted(set(names))
    for chunk in _chunks(names):
        old = list(conn.scalars(select(PersonCareerRow.id).where(PersonCareerRow.name.in_(chunk))))
        for ids in _chunks(old):
            conn.execute(delete(PostRecordRow).where(PostRecordRow.person_id.in_(ids)))
        conn.execute(delete(PersonCareerRow).where(PersonCareerRow.name.in_(chunk)))


def replace_people(
    conn: Connection,
    replaced: Sequence[int],
    careers: Sequence[Career],
    stored: Mapping[int, int],
    posts: list[tuple[Any, ...]] | None = None,
) -> None:
    """The persons ``replaced`` (ids) become ``careers``; a name's other persons stay. ``stored``:
    the person each sighting has now (by sighting id), so that only the changed are updated.
    ``posts``: as in ``insert_careers``."""
    for ids in _chunks(sorted(set(replaced))):
        conn.execute(delete(PostRecordRow).where(PostRecordRow.person_id.in_(ids)))
        conn.execute(delete(PersonCareerRow).where(PersonCareerRow.id.in_(ids)))
    insert_careers(conn, careers, stored, posts)


POST_COLUMNS = (
    "person_id",
    "position",
    "post",
    "place",
    "tier",
    "unit",
    "head",
    "single_holder",
    "first_seen",
    "last_seen",
    "began",
    "ended",
    "evidence",
)


def insert_post_rows(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """Career rows (``POST_COLUMNS``) as ``insert_careers`` makes them, written in their order."""
    from luoshi.store.documents import insert_many

    insert_many(conn, PostRecordRow.__tablename__, POST_COLUMNS, rows)


PERSON_COLUMNS = ("id", "name", "label", "first_seen", "last_seen", "documents", "posts")


def insert_person_rows(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    """People rows (``PERSON_COLUMNS``) as ``insert_careers`` makes them, written in their order."""
    from luoshi.store.documents import insert_many

    insert_many(conn, PersonCareerRow.__tablename__, PERSON_COLUMNS, rows)


def career_rows(careers: Sequence[Career]) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The people rows (``insert_person_rows``) and career rows (``insert_post_rows``) of
    ``careers``, in their order: built anywhere (a worker clustering a part of the names)."""
    from luoshi.store.engine import _to_json

    persons = [
        (
            c.ref,
            c.name,
            c.label[:200],
            c.first,
            c.last,
            len({s.document_id for s in c.sightings}),
            len(c.records),
        )
        for c in careers
    ]
    rows = [
        (
            c.ref,
            k,
            r.post.text[:200],
            r.post.place,
            r.post.tier,
            r.post.unit[:200],
            r.post.head[:200],
            r.post.single_holder,
            r.first,
            r.last,
            r.began,
            r.ended,
            _to_json(
                [  # (``Evidence.to_json``, written out: a JSON writer writes the span's tuple as a list)
                    {
                        "document_id": e.document_id,
                        "span": e.span,
                        "written": e.written,
                        "day": e.day,
                        "change": e.change,
                        "word": e.word,
                    }
                    for e in r.evidence
                ]
            ),
        )
        for c in careers
        for k, r in enumerate(c.records)
    ]
    return persons, rows


def insert_careers(
    conn: Connection,
    careers: Sequence[Career],
    stored: Mapping[int, int] | None = None,
    posts: list[tuple[Any, ...]] | None = None,
) -> None:
    """Write ``careers`` (their people rows, career rows and the person of each sighting that
    changed, ``stored`` being the person each has now). With ``posts``, the career rows are
    added to that list, to be written later (``insert_post_rows``), instead of now."""
    if not careers:
        return
    persons, rows = career_rows(careers)
    insert_person_rows(conn, persons)
    if posts is None:
        insert_post_rows(conn, rows)
    else:
        posts.extend(rows)
    # The sightings whose person changed, one UPDATE each on the driver (SQLAlchemy's per-row
    # parameter handling cost more), in the order of their ids: the rows and the index entries
    # are then visited in order, not at random (a tenth of the time of clustering a new store).
    stored = stored or {}
    get = stored.get
    moved = [(s.ref, c.ref) for c in careers for s in c.sightings if get(s.ref) != c.ref]
    if moved:
        moved.sort()  # (by sighting: each has one person)
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"  # sqlite3 | psycopg
        conn.exec_driver_sql(
            f"UPDATE {SightingRow.__tablename__} SET person_id = {mark} WHERE id = {mark}",
            [(p, i) for i, p in moved],
        )


def people_named(conn: Connection, name: str) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(PersonCareerRow)
        .where(PersonCareerRow.name == name)
        .order_by(PersonCareerRow.documents.desc(), PersonCareerRow.id)
    ).mappings()
    return [dict(r) for r in rows]


def person_row(conn: Connection, person_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(PersonCareerRow).where(PersonCareerRow.id == person_id)).mappings().first()
    return dict(row) if row else None


def records_of(conn: Connection, person_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in person_ids}
    for chunk in _chunks(person_ids):
        rows = conn.execute(
            select(PostRecordRow)
            .where(PostRecordRow.person_id.in_(chunk))
            .order_by(PostRecordRow.person_id, PostRecordRow.position)
        ).mappings()
        for r in rows:
            out[int(r["person_id"])].append(dict(r))
    return out


def appearances(
    conn: Connection,
    person_ids: Sequence[int],
    limit: int | None = None,
    offsets: Mapping[int, int] | None = None,
) -> dict[int, tuple[int, list[tuple[int, str | None, str | None, Any]]]]:
    """For each person, (how many documents show them, ``limit`` of those documents from the
    person's offset in ``offsets`` — all with None), oldest first and undated last: each as
    (document id, its title or else its name, its day, the sighting's data). Two queries
    however many persons, and only the documents on the page are read, so a person seen in
    thousands of documents costs a page."""
    out: dict[int, tuple[int, list[tuple[int, str | None, str | None, Any]]]] = {
        i: (0, []) for i in person_ids
    }
    if not person_ids:
        return out
    s = SightingRow
    totals = dict(
        conn.execute(
            select(s.person_id, func.count()).where(s.person_id.in_(person_ids)).group_by(s.person_id)
        ).all()
    )
    k = func.row_number().over(partition_by=s.person_id, order_by=(s.day.is_(None), s.day, s.document_id))
    ranked = (
        select(s.person_id, s.document_id, s.day, s.data, k.label("k")).where(s.person_id.in_(person_ids))
    ).subquery()
    stmt = (
        select(
            ranked.c.person_id,
            ranked.c.document_id,
            DocumentRow.title,
            DocumentRow.name,
            ranked.c.day,
            ranked.c.data,
        )
        .join(DocumentRow, DocumentRow.id == ranked.c.document_id)
        .order_by(ranked.c.person_id, ranked.c.k)
    )
    if limit is not None:
        start: Any = case(dict(offsets), value=ranked.c.person_id, else_=0) if offsets else 0
        stmt = stmt.where(ranked.c.k > start, ranked.c.k <= start + limit)
    pages: dict[int, list[tuple[int, str | None, str | None, Any]]] = {}
    for p, i, title, name, day, data in conn.execute(stmt):
        pages.setdefault(int(p), []).append((int(i), title or name, day, data))
    for i in person_ids:
        out[i] = (int(totals.get(i, 0)), pages.get(i, []))
    return out


def person_of(conn: Connection, document_id: int, name: str) -> int | None:
    return conn.scalar(
        select(SightingRow.person_id).where(SightingRow.document_id == document_id, SightingRow.name == name)
    )


def assignments(conn: Connection) -> dict[tuple[str, str], int]:
    """(document name, person name) → person id, for every sighting (scoring a gold set)."""
    rows = conn.execute(
        select(DocumentRow.name, SightingRow.name, SightingRow.person_id).join(
            DocumentRow, DocumentRow.id == SightingRow.document_id
        )
    )
    return {(d, n): int(p) for d, n, p in rows if p is not None}


def index(
    conn: Connection, limit: int, offset: int, query: str | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(how many people, one page of them: the most documented first)."""
    stmt = select(PersonCareerRow)
    count = select(func.count()).select_from(PersonCareerRow)
    if query:
        like = f"%{query}%"
        stmt = stmt.where(PersonCareerRow.name.like(like) | PersonCareerRow.label.like(like))
        count = count.where(PersonCareerRow.name.like(like) | PersonCareerRow.label.like(like))
    total = int(conn.scalar(count) or 0)
    rows = conn.execute(
        stmt.order_by(PersonCareerRow.documents.desc(), PersonCareerRow.name, PersonCareerRow.id)
        .limit(limit)
        .offset(offset)
    ).mappings()
    return total, [dict(r) for r in rows]


def holders(conn: Connection, post: str) -> list[dict[str, Any]]:
    """Every career record of ``post`` with its person's name."""
    rows = conn.execute(
        select(PostRecordRow, PersonCareerRow.name)
        .join(PersonCareerRow, PersonCareerRow.id == PostRecordRow.person_id)
        .where(PostRecordRow.post == post)
    ).mappings()
    return [dict(r) for r in rows]


def counts(conn: Connection) -> dict[str, int]:
    return {
        "people": int(conn.scalar(select(func.count()).select_from(PersonCareerRow)) or 0),
        "sightings": int(conn.scalar(select(func.count()).select_from(SightingRow)) or 0),
        "names": int(conn.scalar(select(func.count(func.distinct(PersonCareerRow.name)))) or 0),
        "pending": int(conn.scalar(select(func.count()).select_from(PeoplePendingRow)) or 0),
    }


# -- decisions ---------------------------------------------------------------------------------


def _keys(value: Iterable[Sequence[Any]]) -> tuple[tuple[int, str], ...]:
    return tuple((int(d), str(n)) for d, n in value)


def decisions_for(conn: Connection, names: Iterable[str]) -> Decisions:
    together: list[tuple[tuple[int, str], ...]] = []
    apart: list[tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str], ...]]] = []
    for chunk in _chunks(sorted(set(names))):
        rows = conn.execute(
            select(PersonDecisionRow.kind, PersonDecisionRow.together, PersonDecisionRow.apart)
            .where(PersonDecisionRow.name.in_(chunk), PersonDecisionRow.active.is_(True))
            .order_by(PersonDecisionRow.id)
        )
        for kind, joined, parted in rows:
            together.append(_keys(joined))
            if kind == "split":
                apart.append((_keys(joined), _keys(parted)))
    return Decisions(tuple(together), tuple(apart))


def add_decision(
    conn: Connection,
    name: str,
    kind: str,
    together: Sequence[tuple[int, str]],
    apart: Sequence[tuple[int, str]],
    actor: str,
    note: str | None = None,
) -> int:
    """Record a merge or a split; earlier decisions it contradicts stop applying. Audited."""
    joined = {tuple(k) for k in together}
    parted = {tuple(k) for k in apart}
    rows = conn.execute(
        select(
            PersonDecisionRow.id, PersonDecisionRow.kind, PersonDecisionRow.together, PersonDecisionRow.apart
        ).where(PersonDecisionRow.name == name, PersonDecisionRow.active.is_(True))
    ).all()
    for i, old_kind, old_together, old_apart in rows:
        a, b = set(_keys(old_together)), set(_keys(old_apart))
        if kind == "merge" and old_kind == "split" and joined & a and joined & b:
            contradicted = True  # what was parted is now joined
        elif kind == "split":
            contradicted = bool(a & joined and a & parted)  # what was joined is now parted
        else:
            contradicted = False
        if contradicted:
            conn.execute(update(PersonDecisionRow).where(PersonDecisionRow.id == i).values(active=False))
    decision_id = int(
        conn.execute(
            insert(PersonDecisionRow).values(
                name=name,
                kind=kind,
                together=[list(k) for k in together],
                apart=[list(k) for k in apart],
                actor=actor,
                note=note,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
    )
    conn.execute(
        insert(AuditRow).values(
            actor=actor,
            entity="person",
            entity_id=decision_id,
            action=kind,
            after={
                "name": name,
                "together": [list(k) for k in together],
                "apart": [list(k) for k in apart],
                "note": note,
            },
        )
    )
    version.mark(conn)
    return decision_id


def decisions_list(conn: Connection, name: str | None = None) -> list[dict[str, Any]]:
    stmt = select(PersonDecisionRow).order_by(PersonDecisionRow.id)
    if name:
        stmt = stmt.where(PersonDecisionRow.name == name)
    return [dict(r) for r in conn.execute(stmt).mappings()]
