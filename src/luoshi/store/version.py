"""The data's version: one counter, moved by every write that changes what a reader is shown
(documents added, an audit entry — every change of the ledger, the accounts' units and the
people's decisions is audited). Answers kept per version (``luoshi.store.cache``) are then
never served after such a change has committed, in this process or any other.

Why a counter and not the newest ids: on PostgreSQL a writer may take id 100, another 101 and
commit first; a reader then keys its answer by 101 and keeps it after 100 arrives. The counter's
row is updated last in the writer's transaction and stays locked to its commit, so the values
follow the order of the commits, and a reader sees a new value exactly when the change is
visible."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, inspect, select, update

from luoshi.store.schema import DataVersionRow

_ROW = 1
_COUNTS: WeakKeyDictionary[Engine, bool] = WeakKeyDictionary()  # engines whose store has the row


def bump(conn: Connection) -> None:
    """Move the version, in the transaction that makes the change (call it after the change's
    own statements: from here to the commit, other writers' ``bump`` waits). A store at a
    revision before 0019 (only while it is being migrated) has no counter to move."""
    if not _COUNTS.get(conn.engine):
        if not installed(conn):
            return
        _COUNTS[conn.engine] = True
    conn.execute(
        update(DataVersionRow).where(DataVersionRow.id == _ROW).values(value=DataVersionRow.value + 1)
    )


def installed(conn: Connection) -> bool:
    """Whether the store has the counter (a store at a revision before 0019 has not)."""
    return inspect(conn).has_table(DataVersionRow.__tablename__)


def read(conn: Connection) -> int:
    return int(conn.scalar(select(DataVersionRow.value).where(DataVersionRow.id == _ROW)) or 0)
