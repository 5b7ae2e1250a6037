"""The people refresh of a first ingest on a Dask cluster's idle worker (``luoshi ingest
--workers N``): the names are cut in two by their sightings, this process clusters the first
part while a worker clusters the second, then stores both. The same rows as ``people.refresh``
(``first_people``), ids included.

The worker reads the queued documents itself through its own connection (it looks at the
queue without taking from it: this process takes them in its transaction) and sends back only
plain rows: its persons' and their careers' rows as ``insert_careers`` makes them, and for each
of its sightings the person it is in, both named by the sighting's position among the
sightings read (the ids are taken here, in the transaction that stores them, and a person's id
is the smallest id of its sightings, so positions map to ids in order). Shipping the sightings
or the careers as objects costs more than clustering them (docs/benchmarks.md, session 11
``daskwall``). What the worker read is checked against what this process took (the same
documents and names, in the same order); when it differs, or the worker fails, this process
clusters the second part too. Anything but a first ingest (sightings stored already, more than
one transaction's documents waiting) is the serial refresh, untouched."""

from __future__ import annotations

import hashlib
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from luoshi.collector import fewer_collections
from luoshi.link.people import Sighting, cluster
from luoshi.services import people
from luoshi.store import Store, open_store
from luoshi.store import people as tables

# The worker's share of the sightings: it reads the queue as this process does, then clusters
# and builds its rows while this process clusters and writes its own part.
SHARE = 0.5

# (digest of what was read, sightings read, people rows, career rows, sighting positions,
# the position of each one's person, the most sightings clustered at once)
Part = tuple[bytes, int, list[tuple[Any, ...]], list[tuple[Any, ...]], bytes, bytes, int]


def split(found: Sequence[Sighting], share: float = SHARE) -> tuple[list[str], list[str]]:
    """The names of ``found`` in order, cut in two: the second part holds about ``share`` of
    the sightings (this process and the worker cut the same way)."""
    size = Counter(s.name for s in found)
    names = sorted(size)
    keep = len(found) * (1 - share)
    held = 0
    for k, name in enumerate(names):
        if held + size[name] > keep:
            return names[:k], names[k:]
        held += size[name]
    return names, []


def digest(found: Sequence[Sighting]) -> bytes:
    """What was read: the document and the name of each sighting, in order."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\n".join(f"{s.document_id}\t{s.name}" for s in found).encode())
    return h.digest()


def _careers(
    conn: Connection, found: Sequence[Sighting], names: list[str], piece: int, person: dict[int, int]
) -> tuple[list[list[Any]], int]:
    """Cluster ``names`` (of ``found``, whose ids are set) in pieces of at most ``piece``
    sightings; each piece's careers in name order, with ``person`` given each sighting's."""
    wanted = set(names)
    by_name: dict[str, list[Sighting]] = {}
    for s in found:
        if s.name in wanted:
            by_name.setdefault(s.name, []).append(s)
    decisions = tables.decisions_for(conn, names)
    out: list[list[Any]] = []
    most = 0
    for part in people._pieces(names, {n: len(m) for n, m in by_name.items()}, piece):
        mine = [s for n in part for s in by_name[n]]
        careers = cluster(people.reader(), mine, decisions)
        person.update((s.ref, c.ref) for c in careers for s in c.sightings)
        out.append(careers)
        most = max(most, len(mine))
    return out, most


def cluster_part(url: str, batch: int, share: float, piece: int) -> Part | None:
    """A Dask task: the second part of the names of the queued documents (``split``) clustered,
    as rows; sightings named by their position. None when nothing waits."""
    store = open_store(url, migrate=False, create=False)
    try:
        # (the collector paused, as for the refresh's transactions: ``people.refresh``)
        with fewer_collections(None), store.engine.connect() as conn:
            taken = tables.take_pending(conn, batch, remove=False)
            found = [s for d, day, facts, text in taken for s in people._sightings(d, day, facts, text)]
            if not found:
                return None
            _, theirs = split(found, share)
            for position, s in enumerate(found):
                s.ref = position
            person: dict[int, int] = {}
            parts, most = _careers(conn, found, theirs, piece, person)
            persons: list[tuple[Any, ...]] = []
            posts: list[tuple[Any, ...]] = []
            for careers in parts:  # (rows only: every sighting's person is the one given)
                tables.insert_careers(conn, careers, person, posts, persons)
            conn.rollback()
    finally:
        store.engine.dispose()
    refs = sorted(person)
    return (
        digest(found),
        len(found),
        persons,
        posts,
        array("q", refs).tobytes(),
        array("q", (person[r] for r in refs)).tobytes(),
        most,
    )


def _taken(future: Any, found: Sequence[Sighting]) -> Part | None:
    """The worker's part, when it read what this process took; None otherwise."""
    try:
        part: Part | None = future.result()
    except Exception:  # a worker that failed: this process clusters its part
        return None
    if part is None or part[1] != len(found) or part[0] != digest(found):
        return None
    return part


def first_with(
    future: Any, share: float = SHARE, shared: list[int] | None = None
) -> Callable[[Connection, Sequence[Sighting], int], tuple[int, int, int]]:
    """``people.first_people`` with the second part of the names clustered by ``future``'s
    worker (``cluster_part``): the same rows, ids included. ``shared``: a list given, for each
    call, how many sightings the worker's part clustered (0 when this process did it all)."""

    def first(conn: Connection, found: Sequence[Sighting], piece: int) -> tuple[int, int, int]:
        ours, theirs = split(found, share)
        if not ours or not theirs:
            if shared is not None:
                shared.append(0)
            return people.first_people(conn, found, piece)
        names = ours + theirs
        ids = tables.next_sighting_ids(conn, len(found))
        for s, ref in zip(found, ids, strict=True):
            s.ref = ref
        tables.forget_people_named(conn, names)  # (every name's first: its career rows then in order)
        person: dict[int, int] = {}
        parts, most = _careers(conn, found, ours, piece, person)
        persons = 0
        for careers in parts:
            tables.insert_careers(conn, careers, person)
            persons += len(careers)
        part = _taken(future, found)
        if part is None:
            parts, more = _careers(conn, found, theirs, piece, person)
            for careers in parts:
                tables.insert_careers(conn, careers, person)
                persons += len(careers)
            most = max(most, more)
            if shared is not None:
                shared.append(0)
        else:
            _, _, person_rows, post_rows, refs, of, more = part
            tables.insert_person_rows(conn, [(ids[r[0]], *r[1:]) for r in person_rows])
            tables.insert_post_rows(conn, [(ids[r[0]], *r[1:]) for r in post_rows])
            person.update(zip((ids[i] for i in array("q", refs)), (ids[i] for i in array("q", of)), strict=True))
            persons += len(person_rows)
            most = max(most, more)
            if shared is not None:
                shared.append(len(refs) // array("q").itemsize)
        tables.insert_sightings(conn, found, person)
        return len(names), persons, most

    return first


def _first_ingest(store: Store, batch: int) -> bool:
    """Whether the queue may be a first ingest's: no sighting stored, and at most one
    transaction's documents waiting (``people.refresh`` still checks all of ``_first``)."""
    with store.engine.connect() as conn:
        if not tables.installed(conn):
            return False
        if conn.scalar(select(tables.SightingRow.id).limit(1)) is not None:
            return False
        waiting = int(conn.scalar(select(func.count()).select_from(tables.PeoplePendingRow)) or 0)
    return 0 < waiting <= batch


def refresh(
    store: Store, client: Any, share: float = SHARE, shared: list[int] | None = None
) -> people.RefreshReport | None:
    """``people.refresh(store)`` of a first ingest, its clustering shared with a worker of
    ``client`` (a ``distributed.Client`` whose workers can open the store); None, having done
    nothing, for any other queue (then ``people.refresh``, best once the cluster is closed: its
    workers' memory given back). ``shared``: as in ``first_with``."""
    if not _first_ingest(store, people.BATCH):
        return None
    url = store.engine.url.render_as_string(hide_password=False)
    future = client.submit(
        cluster_part, url, people.BATCH, share, people.PIECE, key=f"luoshi-people-{uuid.uuid4().hex}", pure=False
    )
    try:
        return people.refresh(store, first=first_with(future, share, shared))
    finally:
        future.cancel()
