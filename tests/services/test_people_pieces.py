"""The people refresh clusters a transaction's names in pieces of at most ``piece`` sightings
(``services.people.update_pieces``, ``first_people``), so that what it holds at once does not
grow with the store. On both backends, on the gold set's documents: a first ingest (clustered
as read, and stored first then clustered), the second half added to the first's persons, and a
rebuild. Each time the pieces hold no more sightings than the bound (every name of the set has
fewer), several are made, and the people tables are those of one piece, row for row, ids
included."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from backends import BACKENDS, database
from people_texts import halves
from sqlalchemy import text

from luoshi.link.people import cluster as clustering
from luoshi.pipeline import ingest_paths
from luoshi.services import people
from luoshi.store import open_store
from luoshi.store import people as tables

TABLES = ("person_sightings", "people", "person_posts")
BOUND = 40  # sightings: more than the gold set's most named name has, a tenth of all of them
WHOLE = 10**9  # (one piece)


def dump(store: Any) -> dict[str, list[list[Any]]]:
    with store.engine.connect() as conn:
        return {t: [list(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))] for t in TABLES}


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many sightings each clustering was given, and each reading of stored sightings gave
    (what a piece holds at once; the real functions run)."""
    sizes: list[int] = []
    cluster, read = clustering, tables.sightings_with_people

    def counted_cluster(reader: Any, sightings: Any, *args: Any) -> Any:
        sizes.append(len(sightings))
        return cluster(reader, sightings, *args)

    def counted_read(conn: Any, names: Any, *args: Any) -> Any:
        found = read(conn, names, *args)
        sizes.append(len(found))
        return found

    monkeypatch.setattr(people, "cluster", counted_cluster)
    monkeypatch.setattr(tables, "sightings_with_people", counted_read)
    return sizes


def run(stage: str, store: Any, folders: list[Path], piece: int, held: list[int]) -> people.RefreshReport:
    """The refresh of ``stage`` (after what the stages before it did; ``held`` counted for it alone)."""
    if stage == "first":  # one batch, nothing stored: clustered as read
        ingest_paths(store, folders)
        return people.refresh(store, piece=piece)
    if stage == "stored":  # batches of 30 documents: stored first, clustered after
        ingest_paths(store, folders)
        return people.refresh(store, batch=30, piece=piece)
    if stage == "added":  # the second half added to the first half's persons
        ingest_paths(store, folders[:1])
        people.refresh(store)
        ingest_paths(store, folders[1:])
        held.clear()
        return people.refresh(store, piece=piece)
    ingest_paths(store, folders)  # "rebuild": every name clustered again
    people.refresh(store)

    def again(conn: Any) -> None:  # (``people.rebuild``, with the bound)
        tables.lock(conn)
        tables.queue_all(conn)
        tables.forget_people(conn)

    store.run(again)
    held.clear()
    return people.refresh(store, piece=piece)


@pytest.mark.parametrize("stage", ["first", "stored", "added", "rebuild"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_pieces_hold_no_more_than_their_bound_and_write_the_rows_of_one(backend, stage, tmp_path, held):
    folders = halves(tmp_path)
    found = {}
    for piece in (WHOLE, BOUND):
        held.clear()
        (tmp_path / f"db-{piece}").mkdir()
        with database(backend, tmp_path / f"db-{piece}") as location:
            store = open_store(location)
            report = run(stage, store, folders, piece, held)
            found[piece] = dump(store)
            store.engine.dispose()
        sizes = list(held)
        if piece == BOUND:
            assert report.most <= BOUND and max(sizes) <= BOUND, sizes
    names = Counter(r[2] for r in found[WHOLE]["person_sightings"])
    assert max(names.values()) < BOUND < len(found[WHOLE]["person_sightings"]) / 5  # (several pieces)
    assert found[BOUND] == found[WHOLE]


def test_names_are_cut_into_runs_of_at_most_the_bound():
    size = {"a": 3, "b": 4, "c": 9, "d": 1, "e": 1}
    assert people._pieces(["a", "b", "c", "d", "e"], size, 7) == [["a", "b"], ["c"], ["d", "e"]]
    assert people._pieces(["a", "b", "c"], size, 100) == [["a", "b", "c"]]
    assert people._pieces([], size, 7) == []
