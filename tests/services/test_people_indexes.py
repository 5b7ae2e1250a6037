"""A store's first people refresh on SQLite drops the people tables' secondary indexes for its
bulk insert and builds them once after (``store.people.indexes_built_after``): the schema after
is the one the store had (names, tables and SQL of every index), the indexes answer queries,
an error rolls the drop back, and a store with people rows, or PostgreSQL, keeps its indexes
throughout."""

from __future__ import annotations

from typing import Any

import pytest
from backends import BACKENDS, database
from people_texts import LATER, READOUTS, add
from sqlalchemy import Connection, text

from luoshi.services import people
from luoshi.store import open_store
from luoshi.store import people as tables


def indexes(conn: Connection) -> list[tuple[Any, ...]]:
    """The secondary indexes of the people tables (name, table, SQL), by name."""
    if conn.dialect.name == "postgresql":
        rows = conn.execute(
            text("SELECT indexname, tablename, indexdef FROM pg_indexes WHERE tablename = ANY(:t)"),
            {"t": list(tables.FILLED)},
        )
    else:
        rows = conn.execute(
            text(
                "SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                " AND tbl_name IN ('person_sightings', 'people', 'person_posts')"
            )
        )
    return sorted(tuple(r) for r in rows)


def stored_indexes(store: Any) -> list[tuple[Any, ...]]:
    with store.engine.connect() as conn:
        return indexes(conn)


def test_a_first_refresh_leaves_the_schema_it_found_and_indexes_that_answer(tmp_path, monkeypatch):
    store = open_store(str(tmp_path / "s.db"))
    before = stored_indexes(store)
    assert {"ix_person_sightings_name", "ix_person_posts_person_id", "ix_people_documents"} <= {
        name for name, *_ in before
    }
    dropped: list[list[tuple[Any, ...]]] = []
    real = tables.insert_sightings

    def seen(conn: Connection, sightings: Any, *args: Any) -> None:  # (the real insert; the indexes it meets)
        if sightings:
            dropped.append(indexes(conn))
        real(conn, sightings, *args)

    monkeypatch.setattr(tables, "insert_sightings", seen)
    add(store, READOUTS)
    people.refresh(store)
    assert dropped == [[]], "the first refresh inserted with the indexes in place"
    assert stored_indexes(store) == before
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        query = "EXPLAIN QUERY PLAN SELECT id FROM person_sightings WHERE name = '张立新'"
        plan = " ".join(str(r[-1]) for r in conn.execute(text(query)))
        assert "ix_person_sightings_name" in plan
        assert conn.execute(text("SELECT count(*) FROM person_sightings WHERE name = '张立新'")).scalar() == 3
        assert (
            conn.execute(text("SELECT count(*) FROM person_sightings WHERE person_id IS NULL")).scalar() == 0
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_indexes_stay_where_rows_are_stored_or_on_postgresql(backend, tmp_path):
    with database(backend, tmp_path) as location:
        store = open_store(location)
        before = stored_indexes(store)
        assert before

        def inside(conn: Connection) -> list[tuple[Any, ...]]:
            with tables.indexes_built_after(conn):
                return indexes(conn)

        assert store.run(inside) == ([] if backend == "sqlite" else before)
        assert stored_indexes(store) == before
        add(store, READOUTS)
        people.refresh(store)
        assert store.run(inside) == before  # (rows stored: kept)
        add(store, LATER)
        people.refresh(store)
        assert stored_indexes(store) == before
        store.engine.dispose()


def test_an_error_in_the_block_rolls_the_drop_back(tmp_path):
    store = open_store(str(tmp_path / "s.db"))
    before = stored_indexes(store)

    def failing(conn: Connection) -> None:
        with tables.indexes_built_after(conn):
            assert indexes(conn) == []
            raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        store.run(failing)
    assert stored_indexes(store) == before


def dump(store: Any) -> dict[str, list[tuple[Any, ...]]]:
    with store.engine.connect() as conn:
        return {
            t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
            for t in ("person_sightings", "people", "person_posts")
        }


@pytest.mark.parametrize("many", [1, 10**9])
def test_the_persons_index_built_after_many_updates_gives_the_same_rows(tmp_path, monkeypatch, many):
    """A first ingest read in batches of one document (its sightings stored, then clustered and
    each given its person by an UPDATE), with the persons' index rebuilt after the UPDATEs
    (``many`` 1) or kept throughout: the same rows as a first ingest clustered as it is read,
    and the same schema."""
    monkeypatch.setattr(tables, "MANY_PERSONS", many)
    found: list[list[str]] = []
    real = tables.insert_careers

    def seen(conn: Connection, careers: Any, *args: Any) -> None:  # (the real call; the indexes it meets)
        if careers:
            found.append([name for name, *_ in indexes(conn) if name.startswith("ix_person_sightings")])
        real(conn, careers, *args)

    monkeypatch.setattr(tables, "insert_careers", seen)
    stores = {}
    for how in ("first", "batched"):  # (``first_people``, then the path under test)
        store = open_store(str(tmp_path / f"{how}.db"))
        before = stored_indexes(store)
        add(store, READOUTS)
        if how == "first":
            people.refresh(store)
            found.clear()
        else:
            people.refresh(store, batch=1)
        assert stored_indexes(store) == before
        stores[how] = dump(store)
    assert stores["batched"] == stores["first"]
    person_index = ["ix_person_sightings_person_id"]
    assert found and all((person_index[0] in names) == (many > 1) for names in found)
    assert person_index[0] in [name for name, *_ in before]
