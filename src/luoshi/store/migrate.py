"""Schema migrations (Alembic), run in-process on open."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

if TYPE_CHECKING:
    from alembic.config import Config

from luoshi.store.errors import StoreError
from luoshi.store.writers import write_transaction

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x6C756F736869  # PostgreSQL advisory lock held while migrating ("luoshi")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision (None for an empty store); read without taking the write lock."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        revision: str | None = conn.scalar(text("SELECT version_num FROM alembic_version"))
        return revision


_REVISION = re.compile(r"^(down_revision|revision)\s*(?::[^=]*)?=\s*['\"]?([^'\"\s]+)['\"]?", re.M)


@cache
def revisions() -> dict[str, str | None]:
    """Every revision of ours and the one it follows, read from the migration files themselves:
    opening a current store needs no Alembic (about a third of a command's start-up)."""
    found: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        fields = dict((k, v) for k, v in _REVISION.findall(path.read_text(encoding="utf-8")))
        if "revision" in fields:
            down = fields.get("down_revision")
            found[fields["revision"]] = None if down in (None, "None") else down
    return found


def head_revision() -> str:
    """The revision no other revision follows."""
    (head,) = set(revisions()) - set(revisions().values())
    return head


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``. The write lock is held throughout, so of several processes
    opening a new store at once one migrates and the others find it done."""
    from alembic import command

    cfg = alembic_config(engine)
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":  # SQLite's write lock, on PostgreSQL
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_current(engine: Engine, shown: str | None = None) -> None:
    """Bring the store to this version's schema; refuse a store from a newer version (its
    revision is none of ours), naming it ``shown``."""
    found = current_revision(engine)
    if found == head_revision():
        return
    if found is not None and found not in revisions():
        raise StoreError("db_schema_newer", db=shown or str(engine.url), revision=found)
    upgrade(engine)


def make_revision(engine: Engine, message: str) -> None:
    """Developer helper: autogenerate a migration from the models."""
    from alembic import command

    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
