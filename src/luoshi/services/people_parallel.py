"""The people refresh of a first ingest on a Dask cluster's workers (``luoshi ingest --workers
N``, before the cluster closes): the same rows as ``people.refresh``, ids included, with the
clustering shared by the workers while this process stores what they send back.

The sightings travel with the documents: the workers that extracted them built each one's
sighting rows (``DocumentRows.sightings``, from the facts as they are stored), and the run's
report holds them for the documents it added (``IngestReport.sightings``). Here the names are
cut, in name order, into parts of about as many sightings, each part's rows sent to a worker,
which clusters them (``cluster_part``) and sends back plain rows: its persons and their careers,
and each sighting's person. A sighting is named by its position in queue order (the
documents' ids, then each document's sightings in order): the ids are taken in the transaction
that stores the rows, and a person's id is the smallest id of its sightings, so positions map
to ids in order. The parts are stored in name order, each as it comes, while the later ones
are clustered. Anything else — a store with sightings already (not a first ingest), a queue
that is not exactly the documents whose sightings came back, a worker that failed — is left to
``people.refresh``, untouched: it then reads the queue, as a serial run's does."""

from __future__ import annotations

import pickle
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, select

from luoshi.collector import fewer_collections
from luoshi.link.people import Decisions, Sighting
from luoshi.services import people
from luoshi.store import Store
from luoshi.store import people as tables

PARTS_PER_WORKER = 4  # so that this process stores a part while the workers cluster the next

# One sighting to cluster: (position, document id, name, day, data as JSON)
Row = tuple[int, int, str, str | None, str]


@dataclass
class Part:
    """What a worker sends back (``cluster_part``): plain values, cheap to ship."""

    persons: list[tuple[Any, ...]]  # people rows (``tables.career_rows``), ids as positions
    posts: list[tuple[Any, ...]]  # career rows, person ids as positions
    person: bytes  # each sighting's person (a position), in the part's order (``array('q')``)
    most: int  # the most sightings clustered at once


def split(size: Mapping[str, int], parts: int) -> list[list[str]]:
    """The names of ``size`` (sightings per name) in name order, cut into at most ``parts``
    runs of about as many sightings each (a name is never cut)."""
    total = sum(size.values())
    out: list[list[str]] = [[] for _ in range(max(1, parts))]
    held = 0
    for name in sorted(size):
        middle = 2 * held + size[name]  # (twice the name's middle: a name goes where it mostly lies)
        out[min(len(out) - 1, middle * len(out) // max(1, 2 * total))].append(name)
        held += size[name]
    return [run for run in out if run]


def cluster_part(packed: bytes, decisions: Decisions, piece: int) -> Part:
    """A Dask task: the sightings ``packed`` (``pack``: every sighting of their names, in
    position order) clustered in pieces of at most ``piece`` sightings (a name with more
    alone), as rows."""
    with fewer_collections(None):  # (the collector paused, as in the refresh's transactions)
        found = [
            Sighting.from_row(position, document, name, day, tables.json_value(data))
            for position, document, name, day, data in unpack(packed)
        ]
        person: dict[int, int] = {}
        persons: list[tuple[Any, ...]] = []
        posts: list[tuple[Any, ...]] = []
        most = 0
        for careers, size in people.clustered_pieces(found, decisions, piece):
            person.update((s.ref, c.ref) for c in careers for s in c.sightings)
            made = tables.career_rows(careers)
            persons += made[0]
            posts += made[1]
            most = max(most, size)
        return Part(persons, posts, array("q", (person[s.ref] for s in found)).tobytes(), most)


def pack(rows: list[Row]) -> bytes:
    """``rows`` as one value for a task's argument: Dask walks a task's arguments, item by
    item, for the futures they may hold (tens of thousands of tuples: a tenth of a second per
    part), but not into bytes; and held so, a part costs a third of its tuples' memory."""
    return pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)


def unpack(packed: bytes) -> list[Row]:
    rows: list[Row] = pickle.loads(packed)  # (made by ``pack`` in the command)
    return rows


class _Stale(Exception):
    """What came back is not what waits in the store, or a worker failed."""


def _part(future: Any) -> Part:
    try:
        part: Part = future.result()
    except Exception as e:  # a worker that failed, a cluster closing (a cancelled future's
        # error is one too): the refresh is done by ``people.refresh``
        raise _Stale from e
    return part


def _store(
    conn: Connection,
    documents: list[int],
    names: list[str],
    sightings: int,
    packed: list[bytes],
    futures: list[Any],
    first: Part,
) -> people.RefreshReport:
    """The parts (their sightings ``packed``) stored in this transaction, each as it comes (the
    first, ``first``, come), as ``people.refresh`` stores a first ingest's; raises ``_Stale``
    when the store is not waiting for exactly ``documents`` with no sighting stored (the
    transaction then rolls back). (The later parts are waited for inside it: storing the first
    ones while they are clustered is what the workers are for; a worker that dies keeps other
    writers waiting until its task has run again.)"""
    with tables.indexes_built_after(conn):  # (as ``people.first_people``: built once, after)
        tables.lock(conn)
        if conn.scalar(select(tables.SightingRow.id).limit(1)) is not None or tables.dirty_names(conn, 1):
            raise _Stale  # (not a first ingest's)
        queue = tables.PeoplePendingRow.document_id
        if list(conn.scalars(select(queue).order_by(queue))) != documents:
            raise _Stale  # (what waits is not what was ingested here)
        for start in range(0, len(documents), tables.CHUNK):
            conn.execute(
                delete(tables.PeoplePendingRow).where(queue.in_(documents[start : start + tables.CHUNK]))
            )
        ids = tables.next_sighting_ids(conn, sightings)
        tables.forget_people_named(conn, names)
        persons = most = 0
        for k, future in enumerate(
            futures
        ):  # in name order: the rows get the ids writing them all at once gives
            part = first if k == 0 else _part(future)
            person = array("q")
            person.frombytes(part.person)
            rows = unpack(packed[k])
            if len(person) != len(rows):
                raise _Stale
            tables.insert_person_rows(conn, [(ids[r[0]], *r[1:]) for r in part.persons])
            tables.insert_post_rows(conn, [(ids[r[0]], *r[1:]) for r in part.posts])
            tables.insert_sighting_rows(
                conn, [(ids[r[0]], *r[1:], ids[p]) for r, p in zip(rows, person, strict=True)]
            )
            persons, most = persons + len(part.persons), max(most, part.most)
        return people.RefreshReport(len(documents), len(names), len(names), persons, most)


def first_ingest(store: Store) -> bool:
    """Whether an ingest into ``store`` now would be a first one for the people (no sighting
    stored, nothing waiting): only then are the documents' sightings worth building with them."""
    with store.engine.connect() as conn:
        return (
            tables.installed(conn)
            and conn.scalar(select(tables.SightingRow.id).limit(1)) is None
            and not tables.has_pending(conn)
        )


def refresh(
    store: Store,
    client: Any,
    sightings: Sequence[tuple[int, Sequence[tuple[str, str | None, str]]]],
    parts: int | None = None,
    piece: int = people.PIECE,
) -> people.RefreshReport | None:
    """``people.refresh(store)`` of a first ingest whose documents' sighting rows are
    ``sightings`` (document id, rows: ``IngestReport.sightings``), clustered on the workers of
    ``client`` in ``parts`` parts (by default ``PARTS_PER_WORKER`` a worker thread); None,
    having done nothing, for any other store or queue or when a worker failed (then
    ``people.refresh``: best once the cluster is closed, its workers' memory given back)."""
    began, cpu = time.perf_counter(), time.process_time()
    documents = sorted(d for d, _ in sightings)
    if not documents or len(set(documents)) != len(documents):
        return None
    flat: list[Row] = []
    for document, found in sorted(sightings, key=lambda x: x[0]):
        flat.extend((len(flat), document, name, day, data) for name, day, data in found)
    if not flat:
        return None
    size = Counter(r[2] for r in flat)
    names = sorted(size)
    with store.engine.connect() as conn:
        if not tables.installed(conn):
            return None
        decisions = tables.decisions_for(conn, names)
    cut = split(size, parts or PARTS_PER_WORKER * max(1, sum(client.nthreads().values())))
    part_of = {name: k for k, run in enumerate(cut) for name in run}
    rows: list[list[Row]] = [[] for _ in cut]
    for r in flat:
        rows[part_of[r[2]]].append(r)
    total = len(flat)
    del flat
    packed = [pack(part) for part in rows]
    del rows  # (held packed from here: a third of the tuples' memory)
    run = uuid.uuid4().hex
    futures = [
        client.submit(cluster_part, part, decisions, piece, key=f"luoshi-people-{run}-{k}", pure=False)
        for k, part in enumerate(packed)
    ]
    try:
        first = _part(futures[0])  # (waited for before the transaction: no writer kept waiting)
        with fewer_collections(None):
            report = store.run(lambda conn: _store(conn, documents, names, total, packed, futures, first))
    except _Stale:
        return None
    finally:
        for f in futures:
            f.release()
    report.seconds, report.cpu = time.perf_counter() - began, time.process_time() - cpu
    return report
