"""The databases the store, search, ledger, accounts and web tests run on: SQLite always, and
PostgreSQL on the server that ``LUOSHI_TEST_PG`` names (``.ci/run`` starts one). Each PostgreSQL
run gets a database of its own, dropped after. Without the variable (or the server) those runs
skip on a developer's machine and fail in CI (``CI=true``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from luoshi.store.engine import database_url

BACKENDS = ("sqlite", "postgresql")
ENV = "LUOSHI_TEST_PG"
HOW = f"set {ENV}=postgresql+psycopg://USER@/luoshi_test?host=SOCKET_DIR&port=PORT (see .ci/run)"


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI: {reason}")
    pytest.skip(f"PostgreSQL tests skipped: {reason}; {HOW}")


def _server() -> sa.Engine:
    """An engine on the server's maintenance database, in autocommit (CREATE/DROP DATABASE)."""
    base = os.environ.get(ENV)
    if not base:
        _unavailable(f"{ENV} is not set")
    engine = sa.create_engine(make_url(base).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as e:
        engine.dispose()
        _unavailable(f"cannot connect to {make_url(base).render_as_string(hide_password=True)}: {e.orig}")
    return engine


@contextmanager
def postgresql_database(**options: str) -> Iterator[str]:
    """The URL of a new, empty database (UTF8 unless ``options`` say otherwise), dropped after."""
    server = _server()
    base = make_url(os.environ[ENV])
    name = f"{base.database or 'luoshi_test'}_{uuid.uuid4().hex[:12]}"
    clauses = " ".join(f"{k} '{v}'" for k, v in {"ENCODING": "UTF8", **options}.items())
    try:
        with server.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE template0 {clauses}')
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with server.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        server.dispose()


@contextmanager
def database(backend: str, folder: Any) -> Iterator[str]:
    """A new store location on ``backend``: a file in ``folder`` or a PostgreSQL database URL."""
    if backend == "sqlite":
        yield str(folder / "test.db")
    else:
        with postgresql_database() as url:
            yield url


def query(db: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the store at ``db`` (a path or a URL), read outside luoshi."""
    url = database_url(db)
    engine = sa.create_engine(url, **({} if is_sqlite(db) else {"client_encoding": "utf8"}))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


def is_sqlite(db: str) -> bool:
    return "://" not in db


# The people tables and their columns (``people_rows``).
PEOPLE_TABLES = {
    "person_sightings": "id, document_id, name, day, data, person_id",
    "people": "id, name, label, first_seen, last_seen, documents, posts",
    "person_posts": (
        "id, person_id, position, post, place, tier, unit, head, single_holder, first_seen, last_seen, "
        "began, ended, evidence"
    ),
}


def people_rows(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """The people tables of the store at ``db`` as stored, ids included."""
    return {
        table: query(db, f"SELECT {columns} FROM {table} ORDER BY id")
        for table, columns in PEOPLE_TABLES.items()
    }
