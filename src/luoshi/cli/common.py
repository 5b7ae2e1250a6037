"""What every command shares, cheap to import (``luoshi search`` starts with it): opening the store
named by ``--db``, remembered in the running command's context so that a later driver failure
names it (``luoshi.cli.main._Commands.invoke``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer._click.globals import get_current_context  # typer vendors click: its context stack

from luoshi.settings import default_db_path

if TYPE_CHECKING:
    from luoshi.store import Store

OPENED = "luoshi.db"  # key in the context's meta (shared by a command and its group)
QUICK_EXIT = "luoshi.quick_exit"

DbOption = Annotated[
    str | None, typer.Option("--db", help="SQLite file or database URL (default: $LUOSHI_DB or ./luoshi.db).")
]


def open_db(db: str | None, create: bool = True) -> Store:
    """The store of ``--db`` (default $LUOSHI_DB or ./luoshi.db). Commands that only read pass
    ``create=False``: a missing store is refused with a message instead of being created."""
    from luoshi.store import open_store

    target = db or default_db_path()
    ctx = get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[OPENED] = target
    return open_store(target, create=create)


def opened_db(ctx: Any) -> str:
    """The store the command running in ``ctx`` opened (or would open)."""
    return str(ctx.meta.get(OPENED) or default_db_path())


def leave_quickly(store: Store) -> None:
    """The running command is done and leaves nothing to clean up but ``store``, closed here:
    when luoshi is the program (not a test calling it), the process then ends without Python's
    teardown of every module (a fifth of a search's time; ``luoshi.cli.main._Commands.main``)."""
    store.engine.dispose()  # SQLite removes its -wal and -shm files when the last connection closes
    ctx = get_current_context(silent=True)
    if ctx is not None:
        ctx.meta[QUICK_EXIT] = True
