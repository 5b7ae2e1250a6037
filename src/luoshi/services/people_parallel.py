"""The people refresh of a first ingest on a Dask cluster's workers (``luoshi ingest --workers
N``, before the cluster closes): the names are cut in parts by their sightings, in name order,
each part clustered by a worker, and this process stores what they send back. The same rows as
``people.refresh`` (``first_people``), ids included.

Each worker reads the queued documents itself through its own connection (it looks at the queue
without taking from it) and sends back only plain rows, as the store writes them: its part's
sightings, its persons and their careers. A sighting is named by its position among the
sightings read: the ids are taken here, in the transaction that stores the rows, and a person's
id is the smallest id of its sightings, so that positions map to ids in order. (Shipping the
sightings or the careers as objects costs more than clustering them: docs/benchmarks.md,
session 11 ``daskwall``.) This process checks that every worker read the same documents and
sightings, and the documents it takes from the queue; anything else — a worker that failed or
read another queue, sightings stored already (not a first ingest), more documents waiting than
one transaction of the refresh reads — is left to ``people.refresh``, untouched."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, select

from luoshi.collector import fewer_collections
from luoshi.link.people import Sighting, cluster
from luoshi.services import people
from luoshi.store import Store, open_store
from luoshi.store import people as tables

PARTS = 2  # the most parts (workers) a refresh is cut into: each reads the whole queue
# With two parts, the first part's share of the sightings: smaller, so that this process stores
# its rows while the second worker still clusters (storing costs about half of clustering).
FIRST = 0.4


@dataclass
class Part:
    """What a worker sends back (``cluster_part``): plain values, cheap to ship."""

    documents: bytes  # the ids of the documents read (``array('q')``)
    digest: bytes  # of the sightings read: each one's document and name, in order
    found: int  # sightings read
    cut: list[list[str]]  # the names read, in order, cut into the parts (``split``)
    persons: list[tuple[Any, ...]]  # people rows (``tables.PERSON_COLUMNS``), ids as positions
    posts: list[tuple[Any, ...]]  # career rows (``tables.POST_COLUMNS``), person ids as positions
    sightings: list[tuple[Any, ...]]  # sighting rows (``tables.SIGHTING_COLUMNS``), ids as positions
    most: int  # the most sightings clustered at once


def split(found: Sequence[Sighting], parts: int, first: float = FIRST) -> list[list[str]]:
    """The names of ``found`` in order, cut into ``parts`` runs by their sightings: with two, the
    first holds about ``first`` of them (it is stored while the second is clustered), with more
    they hold about as many each."""
    size = Counter(s.name for s in found)
    bounds = [first] if parts == 2 else [k / parts for k in range(1, parts)]
    out: list[list[str]] = [[] for _ in range(parts)]
    held = 0
    for name in sorted(size):
        out[sum(held >= b * len(found) for b in bounds)].append(name)
        held += size[name]
    return out


def digest(found: Sequence[Sighting]) -> bytes:
    """What was read: the document and the name of each sighting, in order."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\n".join(f"{s.document_id}\t{s.name}" for s in found).encode())
    return h.digest()


def cluster_part(url: str, batch: int, parts: int, k: int, piece: int, first: float = FIRST) -> Part | None:
    """A Dask task: the ``k``-th of ``parts`` parts of the names of the first ``batch`` queued
    documents (``split``) clustered in pieces of at most ``piece`` sightings (a name with more
    alone), as rows. None when nothing waits."""
    store = open_store(url, migrate=False, create=False)
    try:
        # (the collector paused, as in the refresh's transactions: ``people.refresh``)
        with fewer_collections(None), store.engine.connect() as conn:
            taken = tables.take_pending(conn, batch, remove=False)
            documents = array("q", (t[0] for t in taken)).tobytes()
            found = [s for d, day, facts, text in taken for s in people._sightings(d, day, facts, text)]
            del taken  # (let go once read: each worker holds what it reads)
            if not found:
                return None
            cut = split(found, parts, first)
            names = cut[k]
            read, every = digest(found), len(found)
            wanted = set(names)
            by_name: dict[str, list[Sighting]] = {}
            for position, s in enumerate(found):
                if s.name in wanted:
                    s.ref = position
                    by_name.setdefault(s.name, []).append(s)
            del found  # (the other parts' sightings)
            decisions = tables.decisions_for(conn, names)
            person: dict[int, int] = {}
            persons: list[tuple[Any, ...]] = []
            posts: list[tuple[Any, ...]] = []
            most = 0
            for run in people._pieces(names, {n: len(m) for n, m in by_name.items()}, piece):
                mine = [s for n in run for s in by_name[n]]
                careers = cluster(people.reader(), mine, decisions)
                person.update((s.ref, c.ref) for c in careers for s in c.sightings)
                # (rows only: every sighting's person is the one given, nothing is updated)
                tables.insert_careers(conn, careers, person, posts, persons)
                most = max(most, len(mine))
            conn.rollback()
        mine = sorted((s for run in by_name.values() for s in run), key=lambda s: s.ref)
        rows = tables.sighting_rows(mine, person)
    finally:
        store.engine.dispose()
    return Part(
        documents,
        read,
        every,
        cut,
        persons,
        posts,
        rows,
        most,
    )


def _first_ingest(store: Store, batch: int) -> bool:
    """Whether the queue may be a first ingest's: no sighting stored, and at most ``batch``
    documents waiting (what one transaction of ``people.refresh`` reads)."""
    with store.engine.connect() as conn:
        if not tables.installed(conn):
            return False
        if conn.scalar(select(tables.SightingRow.id).limit(1)) is not None:
            return False
        waiting = int(conn.scalar(select(func.count()).select_from(tables.PeoplePendingRow)) or 0)
    return 0 < waiting <= batch


class _Stale(Exception):
    """A worker's part is not of what this process took from the queue (or it failed)."""


def _part(future: Any) -> Part:
    try:
        part: Part | None = future.result()
    except Exception as e:  # a worker that failed: the refresh is done by ``people.refresh``
        raise _Stale from e
    if part is None:
        raise _Stale
    return part


def _stored(conn: Connection, one: Part, futures: list[Any], batch: int) -> people.RefreshReport:
    """``_store`` with the people tables' indexes built once, after (as ``first_people``)."""
    with tables.indexes_built_after(conn):
        return _store(conn, one, futures, batch)


def _store(conn: Connection, one: Part, futures: list[Any], batch: int) -> people.RefreshReport:
    """The workers' parts (the first, ``one``, come) stored in this transaction, each as it
    comes (the first while the others are clustered), as ``people.refresh`` stores a first
    ingest's (``first_people``); raises ``_Stale`` when a part is not of what waits or not what
    ``people.refresh`` would cluster at once (the transaction is then rolled back)."""
    tables.lock(conn)
    if one.found > people.KEPT or not 0 < sum(map(len, one.cut)) <= people.NAMES:
        raise _Stale  # (``people.refresh`` would not cluster them as it reads them)
    if conn.scalar(select(tables.SightingRow.id).limit(1)) is not None or tables.dirty_names(conn, 1):
        raise _Stale  # (not a first ingest's)
    queue = tables.PeoplePendingRow.document_id
    waiting = list(conn.scalars(select(queue).order_by(queue).limit(batch + 1)))
    if array("q", waiting).tobytes() != one.documents:
        raise _Stale  # (what waits is not what was read, or more)
    for start in range(0, len(waiting), tables.CHUNK):
        conn.execute(delete(tables.PeoplePendingRow).where(queue.in_(waiting[start : start + tables.CHUNK])))
    ids = tables.next_sighting_ids(conn, one.found)
    names = [n for c in one.cut for n in c]
    tables.forget_people_named(conn, names)  # (every name's first: its career rows then in order)
    persons = most = 0
    for k, future in enumerate(futures):  # in name order: the career rows get the ids writing them
        # all at once gives
        part = one if k == 0 else _part(future)
        if (part.documents, part.digest, part.found, part.cut) != (
            one.documents,
            one.digest,
            one.found,
            one.cut,
        ):
            raise _Stale  # (the workers read different queues)
        tables.insert_person_rows(conn, [(ids[r[0]], *r[1:]) for r in part.persons])
        tables.insert_post_rows(conn, [(ids[r[0]], *r[1:]) for r in part.posts])
        tables.insert_sighting_rows(
            conn, [(ids[r[0]], *r[1:5], None if r[5] is None else ids[r[5]]) for r in part.sightings]
        )
        persons, most = persons + len(part.persons), max(most, part.most)
    return people.RefreshReport(len(waiting), len(names), len(names), persons, most)


def refresh(
    store: Store, client: Any, parts: int = PARTS, url: str | None = None
) -> people.RefreshReport | None:
    """``people.refresh(store)`` of a first ingest, clustered on the workers of ``client`` (a
    ``distributed.Client`` whose workers can open the store) in at most ``parts`` parts (one a
    worker); None, having done nothing, for any other queue or when a worker failed (then
    ``people.refresh``: best once the cluster is closed, its workers' memory given back).
    ``url``: where the workers read the queue (the store's own URL, unless a test says)."""
    began, cpu = time.perf_counter(), time.process_time()
    if not _first_ingest(store, people.BATCH):
        return None
    if url is None:
        at = store.engine.url
        if (
            store.is_sqlite
            and at.database
            and at.database != ":memory:"
            and not at.database.startswith("file:")
        ):
            at = at.set(database=os.path.abspath(at.database))  # (a worker's folder may be another)
        url = at.render_as_string(hide_password=False)
    parts = max(1, min(parts, sum(client.nthreads().values())))
    run = uuid.uuid4().hex
    futures = [
        client.submit(
            cluster_part,
            url,
            people.BATCH,
            parts,
            k,
            people.PIECE,
            key=f"luoshi-people-{run}-{k}",
            pure=False,
        )
        for k in range(parts)
    ]
    try:
        one = _part(futures[0])  # (waited for before the transaction: no writer kept waiting)
        with fewer_collections(None):
            report = store.run(lambda conn: _stored(conn, one, futures, people.BATCH))
    except _Stale:
        return None
    finally:
        for f in futures:
            f.release()
    report.seconds, report.cpu = time.perf_counter() - began, time.process_time() - cpu
    return report
