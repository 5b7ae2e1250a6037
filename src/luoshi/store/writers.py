"""Writers wait their turn: every write transaction on SQLite begins IMMEDIATE.

A deferred transaction reads first and asks for the write lock at its first write; when another
process wrote in between, SQLite answers SQLITE_BUSY at once (the busy timeout cannot help, the
snapshot is stale) and the whole batch fails. A write transaction that takes the lock when it
begins waits in SQLite's busy handler instead (``BUSY_TIMEOUT_MS``), and when even that runs
out the begin is tried again after a pause (``WRITE_ATTEMPTS``, growing pauses with jitter).
Nothing has run in the transaction at that point, so trying again is always safe.

pysqlite's own transaction handling is switched off (``isolation_level = None``) so that the
``begin`` event decides how each transaction begins: ``BEGIN IMMEDIATE`` on connections of the
writer engine (``writer(engine)``), a plain deferred ``BEGIN`` for reads (readers never block
writers in WAL mode). The CLI, the web server and the pipeline all write through
``write_transaction`` (``Store.transaction`` and the migrations use it).

On PostgreSQL writers do not wait for one another as a whole: transactions are PostgreSQL's own
(read committed), rows a concurrent writer may add too are inserted with ``ON CONFLICT DO
NOTHING``, and a transaction that PostgreSQL aborts for a deadlock or a serialization failure is
run again from its start (``retrying``, the same bounded pauses)."""

from __future__ import annotations

import random
import selectors
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError

from luoshi.store import version
from luoshi.store.errors import StoreBusy

BUSY_TIMEOUT_MS = 5_000  # SQLite's own wait for the lock, per attempt
WRITE_ATTEMPTS = 8  # attempts to begin a write transaction before giving up
_PAUSE, _MAX_PAUSE = 0.05, 2.0  # seconds between attempts: doubling, with jitter
_WRITE = "luoshi_write"  # execution option of the writer engine's connections


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # luoshi emits BEGIN itself (``_on_begin``)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")  # first: the pragmas below may wait too
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _on_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")


# The driver looks up an adapter for every parameter that is not an int, float, str or
# bytearray; for None or bytes, finding none, it asks its protocol object for ``__adapt__``
# and the value for ``__conform__``, and the failed look-up on the protocol type formats an
# AttributeError's message each time: about 3,600 instructions a None, and a thousand
# readouts bind 54,000 Nones (NULL posts, speakers, deadlines…) and 21,000 bytes (band
# lists, JSON). With an adapter registered it is one dictionary look-up and a call in C that
# gives the value back as it was, which the driver binds as before (NULL, a blob). Registered
# once, for the process, when this module loads: every sqlite3 user of the process gets them,
# and they change nothing it binds.
_NONE: dict[Any, None] = {}  # ``_NONE.get(None)`` is None: the adapter of None, a call in C
sqlite3.register_adapter(type(None), _NONE.get)
sqlite3.register_adapter(bytes, bytes)  # (``bytes(b) is b``)


def configure_sqlite(engine: Engine) -> None:
    """Pragmas (WAL, busy timeout, foreign keys) and luoshi's own BEGIN on every connection."""
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def is_busy(error: BaseException) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED ("database is locked")."""
    orig = error.orig if isinstance(error, OperationalError) else error
    if not isinstance(orig, sqlite3.OperationalError):
        return False
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(orig)
    return "locked" in text or "busy" in text


def is_conflict(error: BaseException) -> bool:
    """A PostgreSQL transaction aborted for a deadlock or a serialization failure: running it
    again is the remedy PostgreSQL prescribes."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    return getattr(orig, "sqlstate", None) in ("40001", "40P01")


T = TypeVar("T")


def retrying(
    engine: Engine,
    work: Callable[[Connection], T],
    attempts: int | None = None,
    on_failure: Callable[[], None] | None = None,
) -> T:
    """``work`` in a write transaction, run again from the start (after a pause) when the
    database aborts it for a conflict with another writer; ``work`` must be safe to run again
    (it records its results only through its connection, or after it returned)."""
    attempts = attempts or WRITE_ATTEMPTS
    for attempt in range(attempts):
        try:
            with write_transaction(engine) as conn:
                return work(conn)
        except DBAPIError as e:
            if on_failure:
                on_failure()
            if not is_conflict(e) or attempt == attempts - 1:
                raise
            pause = min(_MAX_PAUSE, _PAUSE * 2**attempt)
            time.sleep(pause * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


_STATE = "luoshi.transaction"  # key in a connection's info: (its transaction, what it keeps)


def transaction_state(conn: Connection) -> dict[str, Any]:
    """What the code writing in the current transaction of ``conn`` keeps until it ends (new
    for each transaction, whoever began it)."""
    transaction = conn.get_transaction()
    kept = conn.info.get(_STATE)
    if kept is None or kept[0] is not transaction:
        kept = conn.info[_STATE] = (transaction, {})
    state: dict[str, Any] = kept[1]
    return state


def after_commit(conn: Connection, action: Callable[[], None]) -> None:
    """Do ``action`` once the transaction of ``conn`` has committed through
    ``write_transaction`` (never if it rolls back): for what a process may keep only of committed
    rows, such as the ids of new rows."""
    transaction_state(conn).setdefault("after_commit", []).append(action)


@contextmanager
def write_transaction(engine: Engine, attempts: int | None = None) -> Iterator[Connection]:
    """A write transaction, committed when the block ends (rolled back on an exception). On
    SQLite it holds the write lock from its first statement; waiting for it is bounded. Its
    last statements move the data versions its writes marked (``luoshi.store.version``)."""
    conn = _begin(engine, attempts or WRITE_ATTEMPTS)
    with conn:
        transaction = conn.get_transaction()
        assert transaction is not None
        try:
            with transaction:  # commits when the block ends, rolls back on an exception
                yield conn
                version.settle(conn)
        except BaseException:
            version.forget(conn)
            raise
        finally:
            state = conn.info.pop(_STATE, (None, {}))[1]
    for action in state.get("after_commit", ()):
        action()


def _begin(engine: Engine, attempts: int) -> Connection:
    """A connection in a new write transaction."""
    if engine.dialect.name != "sqlite":
        conn = engine.connect()
        conn.begin()
        return conn
    writer = engine.execution_options(**{_WRITE: True})
    for attempt in range(attempts):
        conn = writer.connect()
        try:
            conn.begin()
            return conn
        except OperationalError as e:
            conn.close()  # a Connection whose begin failed is not reused; the next attempt takes a new one
            if not is_busy(e) or attempt == attempts - 1:
                if is_busy(e):
                    raise StoreBusy(str(engine.url.database)) from e
                raise
            pause = min(_MAX_PAUSE, _PAUSE * 2**attempt)
            time.sleep(pause * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")


def _flush(pgconn: Any) -> None:
    """Send what libpq still holds of the statements given to it (psycopg's pipeline sends what
    the socket takes at once and leaves the rest until it next waits for a result)."""
    if pgconn.flush() == 0:
        return
    with selectors.DefaultSelector() as sel:  # (not select(): a socket's number may pass 1023)
        sel.register(pgconn.socket, selectors.EVENT_READ | selectors.EVENT_WRITE)
        while pgconn.flush() == 1:  # as libpq's manual says: wait, read what came, flush again
            if any(events & selectors.EVENT_READ for _, events in sel.select()):
                pgconn.consume_input()


def _pipelines() -> bool:
    """Whether psycopg's libpq has pipeline mode (14 or later)."""
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


Statement = str | tuple[str, tuple[Any, ...]]  # SQL, or SQL and its parameters (psycopg's)


class Overlap:
    """PostgreSQL statements that the server runs while this process computes, one at a time:
    ``start`` sends the next one without waiting for its end (psycopg's pipeline mode; the
    server runs a statement as it arrives), ``wait`` waits for its end and raises its error;
    between the two no other statement may be run on the connection. ``finish`` waits, then
    runs those never sent. ``abandon`` (after an error: the transaction will not commit) leaves
    pipeline mode without raising the statements' own errors. A statement is SQL, or SQL and
    its parameters (sent whole before ``start`` returns, however large: the server has it all
    while this process computes)."""

    def __init__(self, conn: Connection, statements: list[Statement]) -> None:
        self._conn = conn
        self._todo = list(reversed(statements))
        self._pipeline: Any = None
        self._cursor: Any = None

    def start(self) -> None:
        if self._pipeline is not None or not self._todo:
            return
        dbapi: Any = self._conn.connection.dbapi_connection
        if not _pipelines():
            return  # (``finish`` runs them)
        statement = self._todo.pop()
        sql, params = (statement, None) if isinstance(statement, str) else statement
        with self._as_dbapi_error(sql):
            pipeline = dbapi.pipeline()
            pipeline.__enter__()
            self._pipeline = pipeline  # (set once entered: ``abandon`` leaves it)
            self._cursor = dbapi.cursor()
            try:
                self._cursor.execute(sql, params)
                _flush(dbapi.pgconn)
            except BaseException as e:
                self.abandon(e)
                raise

    def wait(self) -> None:
        if self._pipeline is None:
            return
        pipeline, cursor, self._pipeline, self._cursor = self._pipeline, self._cursor, None, None
        with self._as_dbapi_error("(pipeline)"):
            try:
                pipeline.__exit__(None, None, None)
            finally:
                if cursor is not None:
                    cursor.close()

    @contextmanager
    def _as_dbapi_error(self, statement: str) -> Iterator[None]:
        """The driver's errors as SQLAlchemy raises them for its own statements (``DBAPIError``):
        ``retrying`` then runs a batch again after a deadlock here, as after any other, and a
        lost connection is invalidated, not returned to the pool."""
        import psycopg

        try:
            yield
        except psycopg.Error as e:
            dbapi = self._conn.connection.dbapi_connection
            lost = bool(getattr(dbapi, "closed", False))
            if lost:
                self._conn.invalidate(e)
            raise DBAPIError.instance(
                statement, None, e, psycopg.Error, connection_invalidated=lost, dialect=self._conn.dialect
            ) from e

    def finish(self) -> None:
        self.wait()
        while self._todo:
            statement = self._todo.pop()
            if isinstance(statement, str):
                self._conn.exec_driver_sql(statement)
            else:
                self._conn.exec_driver_sql(*statement)

    def abandon(self, error: BaseException) -> None:
        self._todo = []
        pipeline, cursor, self._pipeline, self._cursor = self._pipeline, self._cursor, None, None
        if pipeline is not None:
            try:
                pipeline.__exit__(type(error), error, error.__traceback__)  # (logs its error, if any)
            finally:
                if cursor is not None:
                    cursor.close()
