"""Opening a store: the database URL, the engine and its settings, and the checks that refuse,
in one sentence, a path or a database that cannot be a store."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from luoshi.settings import default_db_path
from luoshi.store import fts
from luoshi.store.db import Store
from luoshi.store.errors import StoreError, translate
from luoshi.store.migrate import current_revision, ensure_current
from luoshi.store.writers import configure_sqlite


def database_url(db: str) -> str:
    """A SQLAlchemy URL from a file path or a URL (``postgresql+psycopg://…``)."""
    return db if "://" in db else f"sqlite:///{Path(db).expanduser()}"


def _to_json(value: Any) -> str:
    # orjson writes Chinese as itself (UTF-8, not \uXXXX escapes: the facts column is 2.4 times
    # smaller) and is about ten times faster than json.dumps, which was a tenth of the store stage.
    try:
        return orjson.dumps(value).decode()
    except orjson.JSONEncodeError:  # e.g. an integer beyond 64 bits in a JSON record's fields
        return json.dumps(value, ensure_ascii=False)


def _check_sqlite_file(path: Path, shown: str, create: bool) -> None:
    """Refuse, with the reason, a path that cannot be (or, when not ``create``, is not yet) a store."""
    if path.is_dir():
        raise StoreError("db_is_directory", db=shown)
    if not path.exists():
        if not create:
            raise StoreError("db_missing", db=shown)
        folder = path.parent
        if not folder.is_dir():
            raise StoreError("db_dir_missing", dir=str(folder))
        if not os.access(folder, os.W_OK | os.X_OK):
            raise StoreError("db_dir_unwritable", dir=str(folder))
        return
    # The file is read through SQLite, never with open()/close(): closing any descriptor of a
    # database file drops every POSIX lock this process holds on it, so a server checking the
    # file while its other connections write corrupted the store (SQLITE_IOERR_SHORT_READ).
    if not os.access(path, os.R_OK):
        raise StoreError("db_unreadable", db=shown)
    wal = path.with_name(path.name + "-wal")
    if path.stat().st_size == 0:
        if not create and not (wal.exists() and wal.stat().st_size):  # (a new store may live in
            raise StoreError("db_not_luoshi", db=shown)  # its write-ahead log until a checkpoint)
        return
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            probe.execute("PRAGMA schema_version").fetchone()
        finally:
            probe.close()
    except sqlite3.DatabaseError as e:
        code = (getattr(e, "sqlite_errorcode", 0) or 0) & 0xFF
        if code in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT):
            raise StoreError("db_not_database", db=shown) from None
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
            return  # a writer holds it: it is a database, and opening it will wait its turn
        raise StoreError("db_cannot_open", db=shown) from None


def _check_postgresql(engine: Engine, shown: str) -> None:
    """Refuse a PostgreSQL database that cannot hold and index Chinese: its encoding must be
    UTF8, and a probe of the index (Chinese tokens in, a query for them out) must answer."""
    probe = fts.pg_terms(fts.index_row("", "前海合作"))[0]
    with engine.connect() as conn:
        encoding, ctype = conn.execute(
            text("SELECT current_setting('server_encoding'), current_setting('lc_ctype')")
        ).one()
        found = False
        if encoding == "UTF8":
            found = bool(
                conn.scalar(
                    text("SELECT array_to_tsvector(string_to_array(:t, ' ')) @@ CAST(:q AS tsquery)"),
                    {"t": probe, "q": fts.pg_query(["海合", "作"])},
                )
            )
    if not found:
        raise StoreError("db_pg_no_chinese", db=shown, encoding=encoding, ctype=ctype)


def display_name(db: str) -> str:
    """``db`` as messages name it: the path as given, or the URL without its password."""
    return db if "://" not in db else make_url(db).render_as_string(hide_password=True)


def open_store(db: str | None = None, migrate: bool = True, create: bool = True) -> Store:
    """The store at ``db`` (a file path or a URL), migrated to this version's schema. With
    ``create=False`` (commands that only read) a missing or empty store is refused, not made.
    Raises StoreError, whose message says in one sentence why the store cannot be used."""
    target = db or default_db_path()
    url = make_url(database_url(target))
    shown = display_name(target)
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:" and not url.database.startswith("file:"):
            _check_sqlite_file(Path(url.database), shown, create)
        # Enough pooled connections for a web server's thread pool: opening one costs pragmas.
        engine = create_engine(url, pool_size=32, max_overflow=32, json_serializer=_to_json)
        configure_sqlite(engine)
    else:
        # UTF-8 on the wire whatever the database's encoding, so that one which cannot hold
        # Chinese can still be asked about it (``_check_postgresql``) and refused in a sentence.
        engine = create_engine(
            url,
            pool_size=8,
            max_overflow=24,
            pool_pre_ping=True,
            json_serializer=_to_json,
            client_encoding="utf8",
        )
    try:
        if engine.dialect.name == "postgresql":
            _check_postgresql(engine, shown)
        if not create and current_revision(engine) is None:
            raise StoreError("db_not_luoshi", db=shown)
        if migrate:
            ensure_current(engine, shown)
    except Exception as e:
        engine.dispose()
        found = translate(e, shown)
        if found is None:
            raise
        if found is e:
            raise
        raise found from e
    return Store(engine)
