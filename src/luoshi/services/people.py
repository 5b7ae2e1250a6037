"""People across documents: read the stored facts into sightings, cluster them into persons
with careers (``luoshi.link.people``), apply and record the office's merges and splits, and
answer the pages and commands (a name's persons with their timelines, the index, the successor
of a task's leader).

Clustering runs after ingest over the names the new documents carry (``refresh``; the
documents wait in ``people_pending``, written with them). Readers call ``current`` first, so a
store filled by any path (the pipeline, the API, a test) answers with its people clustered."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, func, select

from luoshi.collector import fewer_collections
from luoshi.errors import InputError
from luoshi.link.people import (
    Career,
    Decisions,
    Holding,
    PostReader,
    Sighting,
    cluster,
    extend,
    successor,
)
from luoshi.messages import message
from luoshi.store import Store
from luoshi.store import people as tables
from luoshi.store.registry import audit
from luoshi.store.schema import DocumentRow
from luoshi.text import to_simplified

BATCH = 2000  # documents read into sightings per transaction
NAMES = 2000  # names clustered per transaction
# Sightings clustered at once: a transaction's names are clustered in pieces of at most this
# many sightings (a name with more is a piece alone), so that a refresh holds no more however
# large the store (all of them at once: 956 MB for a first ingest of 8,000 readouts, 506 without).
PIECE = 50_000
# Sightings a refresh keeps from reading them to clustering (not read back), each let go once
# its name is clustered; also the most a refresh clusters as it reads them (``first_people``).
KEPT = 100_000
PAGE = 50

T = TypeVar("T")


class PeopleError(InputError):
    """A merge or split that cannot be done as asked; the message says why."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key, self.params = key, params
        super().__init__(message(key, **params))


def reader() -> PostReader:
    return tables.post_reader()


@dataclass
class RefreshReport:
    documents: int = 0  # documents read into sightings
    names: int = 0  # names with new or changed sightings
    whole: int = 0  # of them, names clustered whole (the others: new sightings added to persons)
    people: int = 0  # persons made or changed
    most: int = 0  # the most sightings clustered at once (the largest piece, ``PIECE``)
    seconds: float = 0.0
    cpu: float = 0.0  # seconds of this process's CPU time (the wall time includes waits)

    def to_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "names": self.names,
            "names_clustered_whole": self.whole,
            "people": self.people,
            "seconds": round(self.seconds, 3),
        }


def recluster(conn: Connection, names: Iterable[str]) -> int:
    """Cluster the sightings of ``names`` again, with the office's decisions; the persons they make."""
    names = sorted(set(names))
    if not names:
        return 0
    careers = cluster(reader(), tables.sightings_named(conn, names), tables.decisions_for(conn, names))
    tables.write_people(conn, names, careers)
    return len(careers)


def update_names(
    conn: Connection,
    names: Iterable[str],
    just_read: dict[int, Sighting] | None = None,
    posts: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] | None = None,
) -> tuple[int, int]:
    """Bring the persons of ``names`` up to date with their waiting sightings. New sightings
    are added to the persons they belong to (``link.people.extend``); a name is clustered whole
    when one of them conflicts with a person, or when all its sightings wait (a name that lost
    or changed a sighting, a rebuild). Only the persons that change are written again: those
    the new sightings join, and after a whole clustering those whose mentions are not the same
    as before. ``just_read``: sightings this process has just read and written, by id (not
    read again; taken out of it as they are used). ``posts``: lists the career rows of the
    persons changed by adding sightings, then of those changed by clustering names whole, are
    added to instead of being written (``update_pieces``). Returns (names clustered whole,
    persons written)."""
    names = sorted(set(names))
    if not names:
        return 0, 0
    decisions = tables.decisions_for(conn, names)
    by_name: dict[str, tuple[dict[int, list[Sighting]], list[Sighting]]] = {n: ({}, []) for n in names}
    stored: dict[int, int] = {}  # sighting → its person, as stored
    for s, person in tables.sightings_with_people(conn, names, just_read):
        persons, waiting = by_name[s.name]
        if person is None:
            waiting.append(s)
        else:
            persons.setdefault(person, []).append(s)
            stored[s.ref] = person
    whole: list[str] = []
    unknown: list[str] = []  # names none of whose sightings has a person
    replaced: list[int] = []
    changed: list[Career] = []
    for name in names:
        persons, waiting = by_name[name]
        change = extend(reader(), name, persons, waiting, decisions) if persons and waiting else None
        if change is not None:
            replaced.extend(change.replaced)
            changed.extend(change.careers)
        else:
            (whole if persons else unknown).append(name)
    extended = len(changed)
    if whole:
        every = [s for n in whole for s in (*by_name[n][1], *(x for m in by_name[n][0].values() for x in m))]
        before = {pid: {s.ref for s in m} for n in whole for pid, m in by_name[n][0].items()}
        kept = set()
        for career in cluster(reader(), every, decisions):
            if before.get(career.ref) == {s.ref for s in career.sightings}:
                kept.add(career.ref)  # the same mentions: the same career, as stored
            else:
                changed.append(career)
        replaced.extend(pid for pid in before if pid not in kept)
    if posts is None:
        tables.replace_people(conn, replaced, changed, stored)
    else:
        tables.replace_people(conn, replaced, changed[:extended], stored, posts[0])
        tables.insert_careers(conn, changed[extended:], stored, posts[1])
    written = len(changed)
    if unknown:
        careers = cluster(reader(), [s for n in unknown for s in by_name[n][1]], decisions)
        tables.write_people(conn, unknown, careers)
        written += len(careers)
    return len(whole) + len(unknown), written


def _pieces(names: Sequence[str], size: Mapping[str, int], piece: int) -> list[list[str]]:
    """``names`` (in their order) cut into runs of at most ``piece`` sightings (``size`` of each
    name); a name with more is a run alone."""
    out: list[list[str]] = []
    run: list[str] = []
    held = 0
    for name in names:
        n = size.get(name, 0)
        if run and held + n > piece:
            out.append(run)
            run, held = [], 0
        run.append(name)
        held += n
    if run:
        out.append(run)
    return out


def update_pieces(
    conn: Connection, names: Iterable[str], just_read: dict[int, Sighting] | None = None, piece: int = PIECE
) -> tuple[int, int, int]:
    """``update_names`` of ``names`` in pieces of at most ``piece`` sightings (a name with more
    alone), one after the other in this transaction: first the names with persons, then those
    without (a first ingest's, a rebuild's, new names). The rows are those of one
    ``update_names`` of them all, ids included: the career rows of the first kind are written
    after every person they replace is deleted, those of the second after every person of
    their names is, in the order one call writes them. Returns (names clustered whole, persons
    written, the most sightings clustered at once)."""
    names = sorted(set(names))
    size, known = tables.sighting_counts(conn, names)
    old = _pieces([n for n in names if n in known], size, piece)
    new = _pieces([n for n in names if n not in known], size, piece)
    if len(old) + len(new) <= 1:
        with tables.person_index_built_after(conn, sum(size.get(n, 0) for n in names if n not in known)):
            return (*update_names(conn, names, just_read), sum(size.values()))
    whole = written = most = 0
    if old:
        posts: tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]] = ([], [])  # (the rows of the
        # persons changed by adding sightings, then of those changed by clustering a name whole)
        for part in old:
            done = update_names(conn, part, just_read, posts)
            whole, written = whole + done[0], written + done[1]
            most = max(most, sum(size.get(n, 0) for n in part))
        tables.insert_post_rows(conn, posts[0] + posts[1])
    if new:
        tables.forget_people_named(conn, [n for part in new for n in part])
        # (each of their sightings gets its person by an UPDATE: many, the index built after)
        with tables.person_index_built_after(conn, sum(size.get(n, 0) for part in new for n in part)):
            for part in new:
                done = update_names(conn, part, just_read)
                whole, written = whole + done[0], written + done[1]
                most = max(most, sum(size.get(n, 0) for n in part))
    return whole, written, most


def _first(conn: Connection, documents: Sequence[int], found: Sequence[Sighting], names_at_once: int) -> bool:
    """Whether the sightings ``found`` in ``documents`` (the last of the queue) are the first of
    their names: no document waits after them, none of theirs had sightings, no stored sighting
    bears one of their names, none waits for a person, and their names are clustered in one
    batch. The refresh would then store them, read no other sighting, cluster their names
    whole and give each its person: what ``first_people`` does at once."""
    names = {s.name for s in found}
    return (
        0 < len(names) <= names_at_once
        and not tables.has_pending(conn)
        and not tables.dirty_names(conn, 1)
        and not tables.any_sightings(conn, documents=documents, names=sorted(names))
    )


def first_people(conn: Connection, found: Sequence[Sighting], piece: int = PIECE) -> tuple[int, int, int]:
    """Cluster ``found`` (the first sightings of their names: ``_first``) and store them with
    their persons and the persons' careers, as reading them, storing them, clustering their
    names whole and writing the persons would (the same rows, ids included: each sighting is
    given the id storing it would give, before it is stored). A first ingest's refresh: the
    sightings are not read back, nor updated with their persons. The names are clustered in
    pieces of at most ``piece`` sightings (a name with more alone), each written before the
    next is clustered. (names, persons, the most sightings clustered at once)."""
    with tables.indexes_built_after(conn):  # (a store's first: its indexes built once, after)
        return _first_people(conn, found, piece)


def _first_people(conn: Connection, found: Sequence[Sighting], piece: int) -> tuple[int, int, int]:
    names = sorted({s.name for s in found})
    for s, ref in zip(found, tables.next_sighting_ids(conn, len(found)), strict=True):
        s.ref = ref
    pieces = clustered_pieces(found, tables.decisions_for(conn, names), piece)
    if len(found) <= piece:  # (one piece)
        careers, _ = next(pieces)
        person = {s.ref: c.ref for c in careers for s in c.sightings}
        tables.insert_sightings(conn, found, person)
        tables.write_people(conn, names, careers, person)
        return len(names), len(careers), len(found)
    tables.forget_people_named(conn, names)  # (every name's first: its career rows then in order)
    person = {}
    persons = most = 0
    for careers, size in pieces:
        person.update((s.ref, c.ref) for c in careers for s in c.sightings)
        tables.insert_careers(conn, careers, person)
        persons, most = persons + len(careers), max(most, size)
    tables.insert_sightings(conn, found, person)
    return len(names), persons, most


def clustered_pieces(
    found: Sequence[Sighting], decisions: Decisions, piece: int = PIECE
) -> Iterator[tuple[list[Career], int]]:
    """The persons of the names of ``found`` (every sighting of each name), clustered in pieces
    of at most ``piece`` sightings (a name with more alone) in name order, each piece's careers
    in their order as they are made (with the piece's number of sightings): what writing them
    piece after piece, or all at once, writes in the same order."""
    if len(found) <= piece:
        yield cluster(reader(), found, decisions), len(found)
        return
    by_name: dict[str, list[Sighting]] = {}
    for s in found:
        by_name.setdefault(s.name, []).append(s)
    for part in _pieces(sorted(by_name), {n: len(m) for n, m in by_name.items()}, piece):
        mine = [s for n in part for s in by_name[n]]
        yield cluster(reader(), mine, decisions), len(mine)


def refresh(
    store: Store,
    wait: bool = True,
    batch: int = BATCH,
    names_at_once: int = NAMES,
    incremental: bool = True,
    keep: int = KEPT,
    piece: int = PIECE,
) -> RefreshReport:
    """Read the queued documents into sightings, then bring the persons of the names whose
    sightings are new or changed up to date (``update_names``), a transaction per batch (a run killed half-way is taken up by the next:
    what waits stays marked). Without ``wait``, returns at once when another process is at it;
    without ``incremental``, every name is clustered whole (as before new sightings were added
    to persons: the benchmark's baseline). Up to ``keep`` of the sightings read are kept in
    memory for the clustering, which reads back only their persons. A transaction's names are
    clustered in pieces of at most ``piece`` sightings (``update_pieces``, ``first_people``)."""
    report = RefreshReport()
    began, cpu = time.perf_counter(), time.process_time()

    def read(conn: Connection) -> tuple[int, list[Sighting], tuple[int, int, int] | None] | None:
        if not tables.lock(conn, wait):
            return None
        taken = tables.take_pending(conn, batch)
        found: list[Sighting] = []
        for doc_id, day, facts, text in taken:
            found.extend(tables.sightings_of(doc_id, day, facts, text))
        documents = [t[0] for t in taken]
        if incremental and len(found) <= keep and _first(conn, documents, found, names_at_once):
            return len(taken), [], first_people(conn, found, piece)
        with tables.indexes_built_after(conn):  # (a store's first batch of several)
            tables.replace_sightings(conn, documents, found)  # (gives each its id)
        return len(taken), found, None

    clustered: set[str] = set()
    # The sightings read, by id, for the clustering below (what it would read back), once their
    # transaction committed; up to ``keep``, so that a large refresh holds no more than that (the
    # others are read when clustered).
    kept: dict[int, Sighting] = {}

    def cluster_some(conn: Connection) -> tuple[list[str], int, int, int] | None:
        if not tables.lock(conn, wait):
            return None
        names = [n for n in tables.dirty_names(conn, names_at_once) if n not in clustered]
        if not incremental:  # every name clustered whole (the benchmark's baseline)
            return names, len(names), recluster(conn, names), 0
        return names, *update_pieces(conn, names, kept, piece)

    def run(work: Callable[[Connection], T]) -> T:
        # Python's cycle collector paused for the transaction: a batch makes tens of thousands
        # of sightings and reads the stored ones of its names, all kept to its end, without
        # cycles; with the collector on, the allocations set off collections that scanned
        # them again and again (a sixth of a first ingest's refresh, a quarter of one adding
        # to a store's persons). What the transaction leaves is collected after, as usual.
        with fewer_collections(None):
            return store.run(work)

    while (read_some := run(read)) and read_some[0]:
        report.documents += read_some[0]
        if read_some[2] is not None:  # clustered as they were read (``first_people``)
            report.names += read_some[2][0]
            report.whole += read_some[2][0]
            report.people += read_some[2][1]
            report.most = max(report.most, read_some[2][2])
        room = keep - len(kept)  # (as many as fit: each one kept is one not read back)
        if room > 0:
            kept.update((s.ref, s) for s in read_some[1][:room])
        # This batch's sightings let go before the next is read (the loop's test reads it
        # before it replaces them: two batches held at once, 39 MB more from 8,000 readouts on).
        read_some = None
    while (done := run(cluster_some)) and done[0]:
        # A name is clustered once per run, whatever happens; marked once its transaction
        # committed (a transaction run again after a conflict clusters the same names).
        clustered.update(done[0])
        report.names += len(done[0])
        report.whole += done[1]
        report.people += done[2]
        report.most = max(report.most, done[3])
    report.seconds = time.perf_counter() - began
    report.cpu = time.process_time() - cpu
    return report


def rebuild(store: Store) -> RefreshReport:
    """Read every stored document again and cluster every name (after a change of the rules).
    Audited: the entry changes ``Store.data_version``, so that no answer kept from before
    (``version``) is served after."""

    def again(conn: Connection) -> None:
        tables.lock(conn)
        tables.queue_all(conn)
        tables.forget_people(conn)
        audit(conn, "system", "people", None, "rebuild")

    store.run(again)
    return refresh(store)


def current(store: Store) -> None:
    """Cluster what is queued before answering (skipped while another process is at it)."""
    with store.engine.connect() as conn:
        if not tables.installed(conn) or not (tables.has_pending(conn) or tables.dirty_names(conn, 1)):
            return
    refresh(store, wait=False)


def version(store: Store) -> int | None:
    """The version of the people's answers, to keep them by (``luoshi.store.cache``): the
    data's version (``Store.data_version``) when every document stored by then is clustered,
    after clustering what waits (``current``); None while something still waits (another
    process is at it), when an answer is not one to keep. The people change only with new
    documents and the office's merges and splits, which change the data's version, and with
    ``rebuild``, which is audited for that reason."""
    seen = store.data_version()  # read first: what is found clustered below includes these documents
    for attempt in range(2):
        with store.engine.connect() as conn:
            if not tables.installed(conn) or not (tables.has_pending(conn) or tables.dirty_names(conn, 1)):
                return seen
        if attempt == 0:
            refresh(store, wait=False)
    return None


# -- reading -----------------------------------------------------------------------------------


def _documents(conn: Connection, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    ids = sorted(set(ids))
    out: dict[int, dict[str, Any]] = {}
    day = func.coalesce(DocumentRow.event_date, DocumentRow.published)
    for start in range(0, len(ids), tables.CHUNK):
        rows = conn.execute(
            select(DocumentRow.id, DocumentRow.title, DocumentRow.name, day).where(
                DocumentRow.id.in_(ids[start : start + tables.CHUNK])
            )
        )
        for i, title, name, d in rows:
            out[int(i)] = {"id": int(i), "title": title or name, "date": d}
    return out


def _person_json(
    row: Mapping[str, Any],
    records: list[dict[str, Any]],
    seen: tuple[int, list[tuple[int, str | None, str | None, Any]]],
    documents: Mapping[int, dict[str, Any]],
    offset: int,
    evidence: int | None,
) -> dict[str, Any]:
    posts = []
    for r in records:
        every = r["evidence"]
        first, last = _first_last(every)
        listed = [
            {
                **documents.get(e["document_id"], {"id": e["document_id"], "date": e.get("day")}),
                "document_id": e["document_id"],
                "span": e["span"],
                "written": e["written"],
                "change": e["change"],
                "word": e["word"],
            }
            for e in (every if evidence is None else every[:evidence])
        ]
        posts.append(
            {
                "post": r["post"],
                "place": r["place"],
                "tier": r["tier"],
                "unit": r["unit"],
                "head": r["head"],
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
                "began": r["began"],
                "ended": r["ended"],
                "single_holder": r["single_holder"],
                "first_document": _brief(first, documents) if first else None,
                "last_document": _brief(last, documents) if last else None,
                "evidence": listed,
                "evidence_total": len(every),
            }
        )
    total, shown = seen
    appearances = [
        {"id": i, "title": title, "date": day, "document_id": i, "span": (data or {}).get("span")}
        for i, title, day, data in shown
    ]
    return {
        "id": row["id"],
        "name": row["name"],
        "label": row["label"],
        "first_seen": row["first_seen"],
        "last_seen": row["last_seen"],
        "documents": row["documents"],
        "posts": posts,
        "appearances": appearances,
        "appearances_total": total,
        "appearances_offset": offset,
    }


def _first_last(evidence: list[dict[str, Any]]) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The first and the last of a post's evidence, by the days it carries (the days of its
    documents), so that only the documents shown need reading."""
    dated = [e for e in evidence if e.get("day")] or evidence
    if not dated:
        return None, None
    return dated[0], max(dated, key=lambda e: (e.get("day") or "", e["document_id"]))


def _brief(evidence: Mapping[str, Any], documents: Mapping[int, dict[str, Any]]) -> dict[str, Any]:
    i = evidence["document_id"]
    found = documents.get(i, {})
    return {"id": i, "title": found.get("title"), "date": found.get("date", evidence.get("day"))}


def person(
    store: Store,
    name: str,
    limit: int | None = None,
    offsets: Mapping[int, int] | None = None,
    evidence: int | None = None,
) -> dict[str, Any]:
    """Every person of ``name`` (either script) with their posts in date order, the documents
    showing each post (the first ``evidence`` of them; all with None) and the documents showing
    the person: ``limit`` of them (all with None) from the person's offset in ``offsets``, with
    how many there are. Only the documents listed are read, however many show the name."""
    name = to_simplified(name.strip())
    offsets = offsets or {}
    current(store)
    with store.engine.connect() as conn:
        rows = tables.people_named(conn, name)
        ids = [int(r["id"]) for r in rows]
        records = tables.records_of(conn, ids)
        seen = tables.appearances(conn, ids, limit, offsets)
        doc_ids: set[int] = set()
        for rs in records.values():
            for r in rs:
                every = r["evidence"]
                doc_ids.update(e["document_id"] for e in (every if evidence is None else every[:evidence]))
                doc_ids.update(e["document_id"] for e in _first_last(every) if e)
        documents = _documents(conn, doc_ids)
    return {
        "name": name,
        "people": [
            _person_json(r, records[r["id"]], seen[r["id"]], documents, offsets.get(r["id"], 0), evidence)
            for r in rows
        ],
    }


def index(store: Store, limit: int = PAGE, offset: int = 0, query: str | None = None) -> dict[str, Any]:
    """One page of people, the most documented first, with the total."""
    current(store)
    limit, offset = max(1, min(limit, 500)), max(0, offset)
    with store.engine.connect() as conn:
        total, rows = tables.index(conn, limit, offset, to_simplified(query.strip()) if query else None)
    people = [
        {k: r[k] for k in ("id", "name", "label", "first_seen", "last_seen", "documents", "posts")}
        for r in rows
    ]
    return {"total": total, "limit": limit, "offset": offset, "people": people}


def counts(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        return tables.counts(conn)


def assignments(store: Store) -> dict[tuple[str, str], int]:
    """(document name, person name) → person id for every sighting (to score a gold set)."""
    current(store)
    with store.engine.connect() as conn:
        return tables.assignments(conn)


# -- the office's decisions --------------------------------------------------------------------


def _keys_of(conn: Connection, person_id: int) -> tuple[str, list[Sighting]]:
    row = tables.person_row(conn, person_id)
    if row is None:
        raise PeopleError("people.no_person", id=person_id)
    refs = _refs(conn, person_id)
    return row["name"], [s for s in tables.sightings_named(conn, [row["name"]]) if s.ref in refs]


def _refs(conn: Connection, person_id: int) -> set[int]:
    return set(conn.scalars(select(tables.SightingRow.id).where(tables.SightingRow.person_id == person_id)))


def merge(store: Store, first: int, second: int, actor: str, note: str | None = None) -> int:
    """Record that persons ``first`` and ``second`` are one; the id of that person now."""
    if first == second:
        raise PeopleError("people.merge_same", id=first)
    current(store)

    def work(conn: Connection) -> int:
        tables.lock(conn)
        name_a, a = _keys_of(conn, first)
        name_b, b = _keys_of(conn, second)
        if name_a != name_b:
            raise PeopleError("people.merge_names", a=name_a, b=name_b)
        tables.add_decision(conn, name_a, "merge", [s.key for s in a + b], [], actor, note)
        recluster(conn, [name_a])
        return int(tables.person_of(conn, *a[0].key) or first)

    return store.run(work)


def split(
    store: Store,
    person_id: int,
    posts: Iterable[str] = (),
    documents: Iterable[int] = (),
    actor: str = "system",
    note: str | None = None,
) -> tuple[int, int]:
    """Record that the mentions of ``person_id`` showing one of ``posts`` (as written or in
    their one written form) or in one of ``documents`` are another person; the ids of the two."""
    wanted = {to_simplified(p.strip()) for p in posts if p.strip()}
    in_documents = set(documents)
    if not wanted and not in_documents:
        raise PeopleError("people.split_nothing")
    current(store)

    def work(conn: Connection) -> tuple[int, int]:
        tables.lock(conn)
        name, mine = _keys_of(conn, person_id)

        def chosen(s: Sighting) -> bool:
            if s.document_id in in_documents:
                return True
            shown = {to_simplified(x.written) for x in s.shown} | {
                reader().read(x.written, s.home).text for x in s.shown
            }
            return bool(shown & wanted)

        part = [s for s in mine if chosen(s)]
        rest = [s for s in mine if not chosen(s)]
        if not part or not rest:
            raise PeopleError("people.split_all" if part else "people.split_none", id=person_id)
        tables.add_decision(conn, name, "split", [s.key for s in part], [s.key for s in rest], actor, note)
        recluster(conn, [name])
        return int(tables.person_of(conn, *part[0].key) or 0), int(tables.person_of(conn, *rest[0].key) or 0)

    return store.run(work)


def decisions(store: Store, name: str | None = None) -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = tables.decisions_list(conn, to_simplified(name) if name else None)
    return [{**r, "at": r["at"].isoformat() if r.get("at") else None} for r in rows]


# -- the successor of a task's leader -----------------------------------------------------------


def _leader_candidates(conn: Connection, text: str) -> list[str]:
    """Names of stored people written in a 责任领导 cell ("市政府副市长张三", "张三（副市长）")."""
    out: list[str] = []
    folded = to_simplified(text)
    for part in _split_cell(folded):
        for n in (4, 3, 2):
            for candidate in dict.fromkeys((part[:n], part[-n:])):  # its start first, not by hash
                if len(candidate) == n and candidate not in out and tables.people_named(conn, candidate):
                    out.append(candidate)
    return out


def _split_cell(text: str) -> list[str]:
    for sep in "、，,；;（）() 　/":
        text = text.replace(sep, "|")
    return [p for p in text.split("|") if p]


def task_successor(store: Store, task: Mapping[str, Any]) -> dict[str, Any] | None:
    """For a task whose leader (the 责任领导, else the speaker of the directive it came from)
    held a post that the documents later show someone else holding: the post and that person."""
    source = task.get("source") or {}
    doc_id = source.get("document_id") if source.get("kind") == "document" else None
    current(store)
    with store.engine.connect() as conn:
        if not tables.installed(conn):
            return None
        names = _leader_candidates(conn, task.get("leader") or "") if task.get("leader") else []
        if not names and source.get("speaker"):
            names = [to_simplified(source["speaker"])]
        for name in names:
            person_id = tables.person_of(conn, int(doc_id), name) if doc_id else None
            if person_id is None:
                found = tables.people_named(conn, name)
                if len(found) != 1:
                    continue
                person_id = int(found[0]["id"])
            records = tables.records_of(conn, [person_id])[person_id]
            if doc_id:
                records = [
                    r for r in records if any(e["document_id"] == doc_id for e in r["evidence"])
                ] or records
            for r in sorted(records, key=lambda r: r["last_seen"] or "", reverse=True):
                if not r["single_holder"]:
                    continue
                holdings = [
                    Holding(
                        int(h["person_id"]), h["name"], h["post"], h["first_seen"], h["last_seen"], h["ended"]
                    )
                    for h in tables.holders(conn, r["post"])
                ]
                after = successor(holdings, person_id)
                if after:
                    return {
                        "person_id": person_id,
                        "name": name,
                        "post": r["post"],
                        "successor": {
                            "id": after.person,
                            "name": after.name,
                            "first_seen": after.first,
                            "last_seen": after.last,
                        },
                    }
    return None
