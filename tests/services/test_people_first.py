"""The people refresh of a store's first sightings (``services.people.first_people``: clustered
as they are read, stored with their persons and with the ids a plain insert would give them)
against the path that stores them first and clusters after (``keep=0``): the same tables, on
both backends, after office decisions, re-queued documents, a moved sequence and a retried
transaction. Each test says which path it expects to have run."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from backends import BACKENDS, database
from people_texts import LATER, READOUTS, add
from sqlalchemy import text, update
from sqlalchemy.exc import DBAPIError

from luoshi.services import people
from luoshi.store import open_store
from luoshi.store import people as tables
from luoshi.store.schema import DocumentRow

TABLES = ("person_sightings", "people", "person_posts")


@pytest.fixture
def fast_path(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The sizes of the batches ``first_people`` clustered as read (the real function runs)."""
    calls: list[int] = []
    real = people.first_people

    def counted(conn: Any, found: Any, *args: Any) -> Any:
        calls.append(len(found))
        return real(conn, found, *args)

    monkeypatch.setattr(people, "first_people", counted)
    return calls


def dump(store) -> dict[str, list[list[Any]]]:
    with store.engine.connect() as conn:
        return {t: [list(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


def consistent(store) -> int:
    """Every sighting has a person; a person's id is its first sighting's, its name theirs."""
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, name, person_id FROM person_sightings")).all()
        persons = conn.execute(text("SELECT id, name FROM people")).all()
        assert conn.scalar(text("SELECT count(*) FROM people_pending")) == 0
    assert all(p is not None for *_, p in rows), "a sighting waits"
    members: dict[int, list[tuple[int, str]]] = {}
    for i, n, p in rows:
        members.setdefault(p, []).append((i, n))
    assert {p for p, _ in persons} == set(members)
    for p, name in persons:
        assert min(i for i, _ in members[p]) == p and {n for _, n in members[p]} == {name}
    return len(rows)


def plain_ids(store, first: int) -> None:
    """The sightings' ids are those inserting them in reading order gives: from ``first`` on,
    without a gap, in the order of their documents."""
    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT id, document_id FROM person_sightings ORDER BY id")).all()
    assert [i for i, _ in rows] == list(range(first, first + len(rows)))
    documents = [d for _, d in rows]
    assert documents == sorted(documents)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_first_refresh_gives_each_sighting_the_id_a_plain_insert_gives(backend, tmp_path, fast_path):
    with database(backend, tmp_path) as location:
        store = open_store(location)
        add(store, READOUTS)
        people.refresh(store)
        assert fast_path == [consistent(store)]
        plain_ids(store, 1)
        store.engine.dispose()


def test_a_sequence_moved_by_others_gives_the_next_ids_postgresql(tmp_path, fast_path):
    found = {}
    for keep in (people.KEPT, 0):
        (tmp_path / f"{keep}").mkdir()
        with database("postgresql", tmp_path / f"{keep}") as location:
            store = open_store(location)
            add(store, READOUTS)
            with store.engine.begin() as conn:
                conn.execute(text("SELECT setval(pg_get_serial_sequence('person_sightings', 'id'), 1000)"))
            people.refresh(store, keep=keep)
            consistent(store)
            plain_ids(store, 1001)
            found[keep] = dump(store)
            store.engine.dispose()
    assert len(fast_path) == 1  # (keep=0: stored first)
    assert found[people.KEPT] == found[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_decisions_on_names_without_sightings_hold_on_the_fast_path(backend, tmp_path, fast_path):
    """A merge decided, then every sighting of the name gone and read again as a store's first:
    the fast path clusters with the decision, as the other path does."""
    found = {}
    for keep in (people.KEPT, 0):
        (tmp_path / f"{keep}").mkdir()
        with database(backend, tmp_path / f"{keep}") as location:
            store = open_store(location)
            add(store, READOUTS)
            people.refresh(store, keep=keep)
            with store.engine.connect() as conn:
                ids = [r["id"] for r in tables.people_named(conn, "张立新")]
                saved = conn.execute(text("SELECT id, facts FROM documents")).all()
            assert len(ids) >= 2
            people.merge(store, ids[0], ids[1], "reviewer")

            def blank(conn):
                conn.execute(update(DocumentRow).values(facts={"persons": [], "appointments": []}))
                tables.queue_all(conn)

            store.run(blank)
            people.refresh(store, keep=keep)
            with store.engine.connect() as conn:
                assert conn.scalar(text("SELECT count(*) FROM person_sightings")) == 0
                assert conn.scalar(text("SELECT count(*) FROM person_decisions")) == 1
            calls = len(fast_path)

            def restore(conn, saved=saved):
                for i, f in saved:
                    facts = json.loads(f) if isinstance(f, str) else f
                    conn.execute(update(DocumentRow).where(DocumentRow.id == i).values(facts=facts))
                tables.queue_all(conn)

            store.run(restore)
            people.refresh(store, keep=keep)
            assert len(fast_path) == calls + (keep > 0)
            with store.engine.connect() as conn:
                assert len(tables.people_named(conn, "张立新")) == len(ids) - 1  # the merge holds
            consistent(store)
            found[keep] = dump(store)
            store.engine.dispose()
    assert found[people.KEPT] == found[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_requeued_document_whose_names_are_all_new_loses_its_old_sightings(backend, tmp_path, fast_path):
    """Its names have no stored sightings, but the document has: not a store's first sightings."""
    found = {}
    for keep in (people.KEPT, 0):
        (tmp_path / f"{keep}").mkdir()
        with database(backend, tmp_path / f"{keep}") as location:
            store = open_store(location)
            (doc,) = add(store, {"hz-2022": READOUTS["hz-2022"]}).values()
            people.refresh(store, keep=keep)
            calls = len(fast_path)

            def rename(conn, doc=doc):
                facts = conn.scalar(text(f"SELECT facts FROM documents WHERE id = {doc}"))
                facts = json.loads(facts) if isinstance(facts, str) else facts
                facts.update(persons=["王新人"], appointments=[], spans={})
                conn.execute(update(DocumentRow).where(DocumentRow.id == doc).values(facts=facts))
                tables.queue(conn, [doc])

            store.run(rename)
            people.refresh(store, keep=keep)
            assert len(fast_path) == calls  # (the slow path)
            with store.engine.connect() as conn:
                names = sorted(conn.scalars(text("SELECT name FROM person_sightings")))
                persons = sorted(conn.scalars(text("SELECT name FROM people")))
            assert names == persons == ["王新人"]
            consistent(store)
            found[keep] = dump(store)
            store.engine.dispose()
    assert found[people.KEPT] == found[0]


def _conflict_once(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """``write_people`` fails once after writing, as a deadlock detected at that point would."""
    calls: list[int] = []
    real = tables.write_people

    def flaky(conn, names, careers, stored=None):
        real(conn, names, careers, stored)
        calls.append(1)
        if len(calls) == 1:
            cause = Exception("deadlock detected")
            cause.sqlstate = "40P01"  # type: ignore[attr-defined]  # (what is_conflict reads)
            raise DBAPIError("INSERT", {}, cause)

    monkeypatch.setattr(tables, "write_people", flaky)
    return calls


def _relabelled(d: dict[str, list[list[Any]]]) -> tuple[list[Any], ...]:
    """The tables with sighting and person ids replaced by the (document, name) they stand for
    (a transaction run again takes new numbers of a PostgreSQL sequence)."""
    key = {r[0]: (r[1], r[2]) for r in d["person_sightings"]}
    return (
        sorted((r[1], r[2], r[3], str(r[4]), key.get(r[5])) for r in d["person_sightings"]),
        sorted((key[r[0]], *map(str, r[1:])) for r in d["people"]),
        sorted((key[r[1]], *map(str, r[2:])) for r in d["person_posts"]),
    )


@pytest.mark.parametrize("keep", [people.KEPT, 0])
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_clustering_run_again_after_a_conflict_leaves_nothing_waiting(backend, keep, tmp_path, monkeypatch):
    """Either path, its transaction failing once (a deadlock) and run again: the same people as
    without the failure, and no name left waiting for the next refresh."""
    found = {}
    for fail in (False, True):
        (tmp_path / f"{fail}").mkdir()
        with database(backend, tmp_path / f"{fail}") as location:
            store = open_store(location)
            add(store, READOUTS)
            calls = _conflict_once(monkeypatch) if fail else []
            report = people.refresh(store, keep=keep)
            monkeypatch.undo()
            assert len(calls) == (2 if fail else 0)
            assert report.documents == len(READOUTS)
            with store.engine.connect() as conn:
                assert not tables.dirty_names(conn, 1)
            consistent(store)
            found[fail] = dump(store)
            store.engine.dispose()
    assert _relabelled(found[True]) == _relabelled(found[False])


def test_refreshes_at_once_with_an_ingest_leave_every_sighting_with_its_person_postgresql(tmp_path):
    with database("postgresql", tmp_path) as location:
        stores = [open_store(location) for _ in range(3)]
        add(stores[0], READOUTS)
        errors: list[BaseException] = []
        barrier = threading.Barrier(3)

        def go(k: int) -> None:
            try:
                barrier.wait()
                if k == 2:
                    add(stores[2], LATER)
                people.refresh(stores[k])
            except BaseException as e:  # noqa: BLE001 - reported by the assertion below
                errors.append(e)

        threads = [threading.Thread(target=go, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors, errors
        assert consistent(stores[0]) > 10
        for store in stores:
            store.engine.dispose()
