"""PostgreSQL: the search index's pending list is emptied after an ingest's commit by a
connection of the writer's own (``luoshi.store.pending``), not by the writing transaction: the
documents are found before it has run, the list is empty once it has, the connection goes with
the engine, and a role that does not own the index writes as before."""

from __future__ import annotations

import uuid
from pathlib import Path

import sqlalchemy as sa
from backends import postgresql_database, query
from sqlalchemy.engine import make_url

from luoshi.pipeline import ingest_paths
from luoshi.store import open_store
from luoshi.store.pending import INDEX, LIMIT

CORPUS = Path(__file__).resolve().parents[2] / "src" / "luoshi" / "demo" / "corpus"
WORD = "会议"


def _left(url: str) -> int:
    """Pages the pending list held (emptied by the call)."""
    return int(query(url, f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")[0][0])


def _backends(url: str) -> int:
    """Connections to the database of ``url``, other than the one asking."""
    name = make_url(url).database
    sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"
    return int(query(url, sql, d=name)[0][0])


def _run(url: str, *statements: str) -> None:
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            for sql in statements:
                conn.exec_driver_sql(sql)
    finally:
        engine.dispose()


def test_the_pending_list_is_emptied_beside_the_writer_and_searches_see_every_document():
    with postgresql_database() as url:
        store = open_store(url)
        cleaner_connections_before = _backends(url)
        ingest_paths(store, [CORPUS])
        assert store._pending is not None and store._pending.stopped is None
        found = store.search(WORD, limit=5)  # whether or not the cleaning has run
        assert found
        store._pending.wait()
        assert _left(url) == 0  # the cleaner emptied it (the demo corpus alone stays < 4 MB)
        assert store.search(WORD, limit=5) == found
        assert _backends(url) > cleaner_connections_before
        store.engine.dispose()  # takes the cleaner's connection with it
        assert _backends(url) == 0


def test_without_the_cleaner_the_list_keeps_the_batch():
    """The check above can fail: the same ingest with the cleaner off leaves its entries."""
    with postgresql_database() as url:
        store = open_store(url)
        from luoshi.store.pending import PendingCleaner

        store._pending = PendingCleaner(store.engine)
        store._pending._usable = False  # as for a role that does not own the index
        ingest_paths(store, [CORPUS])
        assert _left(url) > 0
        store.engine.dispose()


def test_a_role_that_does_not_own_the_index_writes_as_before():
    role = f"luoshi_writer_{uuid.uuid4().hex[:8]}"
    with postgresql_database() as url:
        open_store(url).engine.dispose()  # the tables, owned by the test's role
        _run(
            url,
            f"CREATE ROLE {role} LOGIN",
            f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}",
            f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}",
        )
        try:
            store = open_store(make_url(url).set(username=role).render_as_string(hide_password=False))
            ingest_paths(store, [CORPUS])
            assert store._pending is not None and store._pending._usable is False
            assert store.search(WORD, limit=5)
            assert _left(url) > 0  # the writers cleaned as before: nothing emptied it after
            store.engine.dispose()
        finally:
            _run(url, f"DROP OWNED BY {role}", f"DROP ROLE IF EXISTS {role}")


def test_the_writers_limit_is_its_transactions_only():
    with postgresql_database() as url:
        store = open_store(url)
        ingest_paths(store, [CORPUS])
        with store.engine.connect() as conn:
            with conn.begin():
                assert conn.exec_driver_sql("SHOW gin_pending_list_limit").scalar() == "4MB"
                assert store._pending is not None and store._pending.prepare(conn)
                assert conn.exec_driver_sql("SHOW gin_pending_list_limit").scalar() == LIMIT
            with conn.begin():
                assert conn.exec_driver_sql("SHOW gin_pending_list_limit").scalar() == "4MB"
        store.engine.dispose()
