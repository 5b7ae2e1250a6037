"""Why a store cannot be used, as one sentence of the message catalogue."""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import DBAPIError, OperationalError

from luoshi.errors import StoreErrorBase
from luoshi.messages import language, message_in


class StoreError(StoreErrorBase):
    """The store cannot be opened or used; ``str()`` is the catalogue sentence ``key``."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        return message_in(language(), self.key, self.params)


class StoreBusy(StoreError):
    """Other writers held the database for longer than every attempt waited."""

    def __init__(self, db: str) -> None:
        super().__init__("db_busy", db=db)


# SQLite's primary result codes (the low byte of an extended code) → catalogue keys.
_SQLITE_CODES = {
    sqlite3.SQLITE_BUSY: "db_busy",
    sqlite3.SQLITE_LOCKED: "db_busy",
    sqlite3.SQLITE_NOTADB: "db_not_database",
    sqlite3.SQLITE_CORRUPT: "db_not_database",
    sqlite3.SQLITE_CANTOPEN: "db_cannot_open",
    sqlite3.SQLITE_READONLY: "db_readonly",
    sqlite3.SQLITE_PERM: "db_unreadable",
    sqlite3.SQLITE_AUTH: "db_unreadable",
}


def _cannot_connect(orig: BaseException) -> bool:
    """A PostgreSQL server that cannot be reached, or refuses the login or the database name."""
    module = type(orig).__module__
    if not module.startswith("psycopg"):
        return False
    state = getattr(orig, "sqlstate", None)
    # no state: the server was not reached; 08: connection; 28: login; 3D000: no such database
    return state is None or state.startswith(("08", "28")) or state == "3D000"


def translate(error: BaseException, db: str) -> StoreError | None:
    """The StoreError that a database driver's error means, if it is about the database itself
    (not a constraint or a statement of ours)."""
    if isinstance(error, StoreError):
        return error
    orig = error.orig if isinstance(error, DBAPIError) else error
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        key = _SQLITE_CODES.get(code & 0xFF) if code is not None else None
        return StoreError(key, db=db) if key else None
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return StoreError("db_cannot_open", db=db)
    if isinstance(error, OperationalError) and orig is not None and _cannot_connect(orig):
        return StoreError("db_cannot_open", db=db)
    return None
