"""Schema migrations (Alembic), run in-process on open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

from luoshi.store.errors import StoreError
from luoshi.store.writers import write_transaction

MIGRATIONS = Path(__file__).with_name("migrations")
MIGRATION_LOCK = 0x6C756F736869  # PostgreSQL advisory lock held while migrating ("luoshi")


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    """The store's schema revision (None for an empty store); read without taking the write lock."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate to ``revision``. The write lock is held throughout, so of several processes
    opening a new store at once one migrates and the others find it done."""
    cfg = alembic_config(engine)
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":  # SQLite's write lock, on PostgreSQL
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def ensure_current(engine: Engine, shown: str | None = None) -> None:
    """Bring the store to this version's schema; refuse a store from a newer version (its
    revision is none of ours), naming it ``shown``."""
    known = ScriptDirectory.from_config(alembic_config(engine))
    found = current_revision(engine)
    if found == known.get_current_head():
        return
    if found is not None and found not in {script.revision for script in known.walk_revisions()}:
        raise StoreError("db_schema_newer", db=shown or str(engine.url), revision=found)
    upgrade(engine)


def make_revision(engine: Engine, message: str) -> None:
    """Developer helper: autogenerate a migration from the models."""
    cfg = alembic_config(engine)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.revision(cfg, message=message, autogenerate=True)
