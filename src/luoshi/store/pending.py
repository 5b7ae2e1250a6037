"""PostgreSQL: the search index's pending list emptied beside the writer, not inside it.

The GIN index of ``document_terms`` takes new entries into its pending list (``fastupdate``, on:
a search reads the list too, so every committed document is found at once). Once the list
passes ``gin_pending_list_limit`` (4 MB by default: a batch of 200 readouts adds ≈ 4.7 MB) the
inserting statement itself moves the whole list into the index — about a fifth of a writer's
server time. Here the writer's transaction raises that limit for itself (``LIMIT``, ``SET
LOCAL``), and after each commit a second connection of the writer's process asks the server to
empty the list (``gin_clean_pending_list``) without waiting for it: another server process does
the same work while the writer goes on. The list then holds about one batch, as before; if the
cleaning falls behind (many writers, a busy server) a writer whose insert finds the list over
``LIMIT`` empties it itself, as it does now at 4 MB, unless a cleaning is running.

Only where the writer's role owns the index (the function requires it) and libpq can be used
directly; otherwise writers clean as before. Nothing here changes what is stored or found."""

from __future__ import annotations

import os
import select
import threading
from typing import Any

from sqlalchemy import Connection, Engine, event

INDEX = "ix_document_terms"
LIMIT = "16MB"  # a writer's own limit while the cleaner works (≈ 3 batches of 200 readouts)
_CLEAN = f"SELECT gin_clean_pending_list('{INDEX}'::regclass)".encode()
_OWNED = f"SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE oid = to_regclass('{INDEX}')"


class PendingCleaner:
    """One per store (engine): ``prepare`` in a writing transaction, ``kick`` after its commit,
    ``wait`` for the cleaning under way (tests, benchmarks), ``close`` (also when the engine
    is disposed)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._usable: bool | None = None  # decided once, in the first writing transaction
        self._raw: Any = None  # the pooled connection kept for cleaning, checked out
        self._pid = os.getpid()
        self._busy = False
        self.stopped: Exception | None = None  # why cleaning stopped, if it did
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def prepare(self, conn: Connection) -> bool:
        """In a transaction that inserts into the index: raise its pending-list limit when the
        cleaner can work (then ``kick`` it after the commit). Whether it could."""
        if self._usable is None:
            self._usable = bool(conn.exec_driver_sql(_OWNED).scalar())
        if not self._usable:
            return False
        conn.exec_driver_sql(f"SET LOCAL gin_pending_list_limit = '{LIMIT}'")
        return True

    def kick(self) -> None:
        """Ask for the list to be emptied, unless a cleaning asked earlier is still running;
        never waits for the server."""
        if not self._lock.acquire(blocking=False):
            return  # another thread is kicking it
        try:
            pgconn = self._connection()
            if pgconn is None:
                return
            if self._busy:
                pgconn.consume_input()
                if pgconn.is_busy():
                    return
                self._collect(pgconn)
            pgconn.send_query(_CLEAN)
            self._busy = True
        except Exception as e:  # its trouble never fails a write: writers clean again themselves
            self._give_up(e)
        finally:
            self._lock.release()

    def wait(self, timeout: float = 60.0) -> None:
        """Wait for the cleaning under way, if any, to end."""
        with self._lock:
            if not self._busy or self._raw is None:
                return
            try:
                pgconn = self._raw.dbapi_connection.pgconn
                while True:
                    pgconn.consume_input()
                    if not pgconn.is_busy():
                        self._collect(pgconn)
                        return
                    if not select.select([pgconn.socket], [], [], timeout)[0]:
                        raise TimeoutError(f"{INDEX}: cleaning not done in {timeout} s")
            except Exception as e:
                self._give_up(e)

    def close(self) -> None:
        """Let go of the connection (a cleaning under way goes on in the server)."""
        with self._lock:
            self._drop()

    def _connection(self) -> Any:
        if self._usable is False:
            return None
        if self._raw is not None and self._pid != os.getpid():
            self._raw, self._busy = None, False  # a forked process: the parent's connection is not ours
        if self._raw is None:
            import psycopg

            raw = self._engine.raw_connection()
            dbapi = raw.dbapi_connection
            if not isinstance(dbapi, psycopg.Connection):
                raw.close()
                self._usable = False
                return None
            dbapi.autocommit = True
            self._raw, self._pid = raw, os.getpid()
        return self._raw.dbapi_connection.pgconn

    def _collect(self, pgconn: Any) -> None:
        from psycopg import pq

        self._busy = False
        while (result := pgconn.get_result()) is not None:
            if result.status == pq.ExecStatus.FATAL_ERROR:
                raise RuntimeError(result.error_message.decode("utf-8", "replace"))

    def _give_up(self, error: Exception) -> None:
        self.stopped = error
        self._usable = False
        self._drop()

    def _drop(self) -> None:
        raw, self._raw, self._busy = self._raw, None, False
        if raw is not None and self._pid == os.getpid():
            try:
                raw.invalidate()  # closed, never returned to the pool (it may still be busy)
            except Exception:  # already gone
                pass
