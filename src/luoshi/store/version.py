"""The data's versions: counters moved by every committed write that changes what a reader is
shown. Answers kept per version (``luoshi.store.cache``) are then never served after such a
change has committed, in this process or any other.

- ``DATA``: documents added, and every audit entry (every change of the ledger, the accounts'
  units and the people's decisions is audited).
- ``DOCUMENTS``: documents added and the cited-document index forgotten (``cited.clear``): what
  the index of cited titles is built from, which ledger changes do not touch.

Why counters and not the newest ids: on PostgreSQL a writer may take id 100, another 101 and
commit first; a reader then keys its answer by 101 and keeps it after 100 arrives. A write marks
the counters it moves (``mark``); the transaction moves them as its last statements before it
commits (``luoshi.store.writers.write_transaction`` calls ``settle``), so each counter's row is
locked only from there to the commit: the values follow the order of the commits, a reader sees
a new value exactly when the change is visible, and no transaction waits for a counter while
holding other rows another one needs (no deadlock)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy import Connection, insert, inspect, select, update
from sqlalchemy.pool import Pool

from luoshi.store.schema import DataVersionRow

DATA = 1
DOCUMENTS = 2
_PENDING = "luoshi.versions_to_move"  # key in the connection's info: the counters marked
_COUNTED: WeakKeyDictionary[Pool, bool] = WeakKeyDictionary()  # stores known to have the counters
# (by their connection pool, which an engine's copies with other options share)


def mark(conn: Connection, *counters: int) -> None:
    """Have the transaction move ``counters`` (default: ``DATA``) when it commits."""
    conn.info.setdefault(_PENDING, set()).update(counters or (DATA,))


def settle(conn: Connection) -> None:
    """Move the counters marked in this transaction (its last statements, in one order)."""
    counters = conn.info.pop(_PENDING, None)
    if not counters or not installed(conn):
        return
    for counter in sorted(counters):
        moved = conn.execute(
            update(DataVersionRow).where(DataVersionRow.id == counter).values(value=DataVersionRow.value + 1)
        )
        if moved.rowcount == 0:  # a store migrated before the counter had its row
            conn.execute(insert(DataVersionRow).values(id=counter, value=2))


def forget(conn: Connection) -> None:
    """Drop the marks of a transaction that was rolled back."""
    conn.info.pop(_PENDING, None)


def installed(conn: Connection) -> bool:
    """Whether the store has the counters (a store at a revision before 0019, while it is being
    migrated, has not). Known once per database."""
    pool = conn.engine.pool
    if _COUNTED.get(pool):
        return True
    if not inspect(conn).has_table(DataVersionRow.__tablename__):
        return False
    _COUNTED[pool] = True
    return True


def read(conn: Connection, counter: int = DATA) -> int:
    return int(conn.scalar(select(DataVersionRow.value).where(DataVersionRow.id == counter)) or 0)
