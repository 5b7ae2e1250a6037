"""People refresh after ingest, on SQLite and PostgreSQL: the sightings a refresh has just read
are clustered from memory (``refresh(keep=…)``), and only the parts of the stored facts that
sightings come from are read (``store.people.take_pending``). Either way the people tables are
the ones that reading everything back gives, row for row."""

from __future__ import annotations

import gc
import json
import shutil
from typing import Any

import pytest
from backends import BACKENDS, database
from people_texts import GOLD, halves
from sqlalchemy import text, update

from luoshi.pipeline import ingest_paths
from luoshi.services import people
from luoshi.store import open_store
from luoshi.store import people as tables
from luoshi.store.schema import DocumentRow

TABLES = ("person_sightings", "people", "person_posts")


def dump(location: str) -> dict[str, list[list[Any]]]:
    store = open_store(location)
    with store.engine.connect() as conn:
        return {t: [list(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


@pytest.mark.parametrize("backend", BACKENDS)
def test_sightings_kept_from_reading_cluster_as_when_read_back(backend, tmp_path):
    folders = halves(tmp_path)
    found = {}
    for keep in (people.KEPT, 0):
        (tmp_path / f"db-{keep}").mkdir()
        with database(backend, tmp_path / f"db-{keep}") as location:
            store = open_store(location)
            for folder in folders:
                ingest_paths(store, [folder])
                people.refresh(store, keep=keep)
            found[keep] = dump(location)
    assert found[people.KEPT] == found[0]
    assert len(found[0]["people"]) > 20 and all(r[-1] is not None for r in found[0]["person_sightings"])


def test_sightings_from_the_parts_of_the_facts_read_are_those_of_the_whole_facts(db, tmp_path):
    (folder, _) = halves(tmp_path)
    store = open_store(db)
    ingest_paths(store, [folder])
    with store.engine.connect() as conn:
        whole = {
            int(i): (day, facts, body)
            for i, day, facts, body in conn.execute(
                text("SELECT id, coalesce(event_date, published), facts, text FROM documents")
            )
        }

    def take(conn):
        return tables.take_pending(conn, 10_000)

    taken = store.run(take)
    assert sorted(i for i, *_ in taken) == sorted(whole) and all(body == "" for *_, body in taken)
    for i, day, facts, _ in taken:
        stored_day, stored, body = whole[i]
        if isinstance(stored, str):  # (SQLite hands back the text of the JSON column)
            stored = json.loads(stored)
        assert day == stored_day
        assert tables.sightings_of(i, day, facts, "") == tables.sightings_of(i, stored_day, stored, body)
    assert sum(len(tables.sightings_of(i, d, f, "")) for i, d, f, _ in taken) > 100


def people_of(location: str) -> list[tuple[Any, ...]]:
    """The persons as the mentions they are made of (document name, name) with their posts and
    labels: what does not depend on the order the documents were stored in (the ids do)."""
    store = open_store(location)
    with store.engine.connect() as conn:
        mentions: dict[int, list[tuple[str, str]]] = {}
        for doc, name, person in conn.execute(
            text(
                "SELECT d.name, s.name, s.person_id FROM person_sightings s "
                "JOIN documents d ON d.id = s.document_id"
            )
        ):
            mentions.setdefault(int(person), []).append((doc, name))
        posts: dict[int, list[tuple[Any, ...]]] = {}
        for person, post, first, last, began, ended in conn.execute(
            text(
                "SELECT person_id, post, first_seen, last_seen, began, ended FROM person_posts ORDER BY position"
            )
        ):
            posts.setdefault(int(person), []).append((post, first, last, began, ended))
        rows = conn.execute(
            text("SELECT id, name, label, first_seen, last_seen, documents FROM people")
        ).all()
    store.engine.dispose()
    return sorted(
        (tuple(sorted(mentions[int(i)])), name, label, first, last, n, tuple(posts.get(int(i), ())))
        for i, name, label, first, last, n in rows
    )


def test_people_clustered_in_batches_in_any_order_are_those_of_one_refresh(tmp_path):
    """The gold set's documents stored and refreshed in three batches (new mentions added to the
    stored persons, ``link.people.extend``), in two orders, give the persons, careers and labels
    of one refresh of them all."""
    files = sorted((GOLD / "docs").glob("*.txt"))
    assert len(files) > 30
    whole = tmp_path / "whole"
    whole.mkdir()
    for f in files:
        shutil.copy(f, whole / f.name)
    store = open_store(str(tmp_path / "whole.db"))
    ingest_paths(store, [whole])
    people.refresh(store)
    expected = people_of(str(tmp_path / "whole.db"))
    assert len(expected) > 20
    for order in ("forward", "backward"):
        ordered = files if order == "forward" else files[::-1]
        db = str(tmp_path / f"{order}.db")
        store = open_store(db)
        for k in range(3):
            folder = tmp_path / f"{order}-{k}"
            folder.mkdir()
            for f in ordered[k::3]:
                shutil.copy(f, folder / f.name)
            ingest_paths(store, [folder])
            report = people.refresh(store)
            assert report.documents == len(ordered[k::3])
        assert people_of(db) == expected, order


def test_facts_read_for_sightings_as_json_reads_them(db, tmp_path):
    """``take_pending`` decodes the parts of the facts itself (orjson, on SQLite): a number
    beyond 64 bits is read as the integer it is, as ``json`` reads it, not as a float."""
    (folder, _) = halves(tmp_path)
    store = open_store(db)
    ingest_paths(store, [folder])
    big = 123456789012345678901234567890
    with store.engine.begin() as conn:
        doc_id, facts = conn.execute(text("SELECT id, facts FROM documents ORDER BY id LIMIT 1")).one()
        facts = json.loads(facts) if isinstance(facts, str) else facts
        facts["places"] = [*(facts.get("places") or []), {"number": big, "negative": -big, "small": -7}]
        conn.execute(update(DocumentRow).where(DocumentRow.id == doc_id).values(facts=facts))

    taken = store.run(lambda conn: tables.take_pending(conn, 10_000))
    read = {i: found for i, _, found, _ in taken}[doc_id]
    assert read is not None and read["places"] == facts["places"]
    assert read["places"][-1] == {"number": big, "negative": -big, "small": -7}
    assert all(type(v) is int for v in read["places"][-1].values())


def test_the_collector_waits_for_the_end_of_each_transaction_of_a_refresh(tmp_path):
    """The cycle collector is paused while a transaction of the refresh reads or clusters (it
    scanned the sightings held to the transaction's end again and again), and left as it was."""
    files = sorted((GOLD / "docs").glob("*.txt"))
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    collections: list[int] = []
    began = gc.get_threshold()
    try:
        for enabled in (True, False):
            store = open_store(str(tmp_path / f"{enabled}.db"))
            ingest_paths(store, [folder])
            gc.set_threshold(700, 10, 10)  # (Python's defaults: a collection every 700 objects)
            (gc.enable if enabled else gc.disable)()
            collections.clear()
            gc.callbacks.append(
                counted := lambda phase, _info: collections.append(1) if phase == "start" else None
            )
            try:
                report = people.refresh(store)
                assert gc.isenabled() is enabled
            finally:
                gc.callbacks.remove(counted)
                gc.enable()
            assert report.documents == len(files) and report.people > 20
            # (one collection at most as each transaction ends; unpaused, hundreds)
            assert len(collections) <= 4 if enabled else not collections
            store.engine.dispose()
    finally:
        gc.set_threshold(*began)
        gc.enable()


@pytest.mark.parametrize("batch", [(7, people.NAMES), (people.BATCH, 5), (people.BATCH, people.NAMES)])
def test_a_first_refresh_clustered_as_read_stores_what_storing_first_gives(batch, tmp_path):
    """A store's first sightings are clustered as they are read and stored with their persons
    (``first_people``) when nothing else waits and they fit one batch of documents and of names;
    the rows, ids included, are those of storing them, then clustering (``keep=0``: read back);
    in smaller batches, the refresh stores first. Also after sightings were forgotten (their
    ids start again) and with the people tables holding rows of other names."""
    documents, names = batch
    files = sorted((GOLD / "docs").glob("*.txt"))
    folder = tmp_path / "docs"
    folder.mkdir()
    for f in files:
        shutil.copy(f, folder / f.name)
    found = {}
    for keep in (people.KEPT, 0):
        db = str(tmp_path / f"{keep}.db")
        store = open_store(db)
        ingest_paths(store, [folder])
        people.refresh(store, batch=documents, names_at_once=names, keep=keep)
        first = dump(db)

        def forget(conn):
            tables.queue_all(conn)
            conn.execute(text("DELETE FROM person_sightings"))
            conn.execute(text("DELETE FROM people WHERE id % 2 = 0"))

        store.run(forget)
        report = people.refresh(store, batch=documents, names_at_once=names, keep=keep)
        assert report.documents == len(files) and report.people > 20
        found[keep] = (first, dump(db))
        store.engine.dispose()
    assert found[people.KEPT] == found[0]


@pytest.mark.parametrize("backend", BACKENDS)
def test_new_names_are_not_clustered_as_read_while_other_names_wait(backend, tmp_path):
    """Names whose sightings wait (a refresh stopped half-way, a rebuild) are clustered with the
    new names, in one batch: the new ones are then stored first, not clustered as they are read."""
    from people_texts import READOUTS, add

    found = {}
    for keep in (people.KEPT, 0):
        (tmp_path / f"db-{keep}").mkdir()
        with database(backend, tmp_path / f"db-{keep}") as location:
            store = open_store(location)
            add(store, {"hz-2022": READOUTS["hz-2022"]})
            people.refresh(store, keep=keep)
            store.run(tables.forget_people)  # (every sighting of those names waits)
            add(store, {k: READOUTS[k] for k in ("sz-2022-renda", "sz-2022-notice")})
            report = people.refresh(store, keep=keep)
            found[keep] = dump(location)
            store.engine.dispose()
        assert report.documents == 2 and report.names >= 4
    assert found[people.KEPT] == found[0]
    assert len({r[2] for r in found[0]["person_sightings"]}) >= 4
