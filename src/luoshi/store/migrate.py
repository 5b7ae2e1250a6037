"""Schema migrations (Alembic), run in-process on open."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

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
    opening a new store at once one migrates and the others find it done. A new SQLite file
    is brought to the head revision in one step (``made_in_one_step``)."""
    with write_transaction(engine) as conn:
        if conn.dialect.name == "postgresql":  # SQLite's write lock, on PostgreSQL
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        elif revision == "head" and made_in_one_step(conn):
            return
        run_migrations(conn, revision)


def run_migrations(conn: Connection, revision: str) -> None:
    """Alembic's upgrade to ``revision``, in the transaction of ``conn``."""
    from alembic import command

    cfg = alembic_config(conn.engine)
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, revision)


# What the migrations make of a new SQLite file, made in one step (≈ 5 ms against ≈ 0.25 s of
# CPU for Alembic and its 19 migrations: a new store's first command, and every test's store).
SQLITE_SCHEMA = MIGRATIONS / "sqlite_schema.json"


def made_in_one_step(conn: Connection) -> bool:
    """On an empty SQLite database, in the write transaction of ``conn``: the head revision's
    schema and rows as its migrations make them (``SQLITE_SCHEMA``, the statements SQLite kept
    of them, replayed in order); True when made. False, with nothing done, when the database is
    not empty or the file was written for another revision (a migration added since: then the
    migrations run, and ``tests/store/test_schema_in_one_step.py`` fails until the file is
    written again with ``python -m luoshi.store.migrate``)."""
    if conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar():
        return False
    made = json.loads(SQLITE_SCHEMA.read_text(encoding="utf-8"))
    if made["revision"] != head_revision():
        return False
    for statement in made["statements"]:
        conn.exec_driver_sql(statement)
    for table, (columns, rows) in made["rows"].items():
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', [tuple(r) for r in rows])
    return True


def sqlite_schema(conn: Connection) -> dict[str, Any]:
    """What ``made_in_one_step`` makes, read from a SQLite database the migrations made: its
    revision, the statements of its tables, indexes and triggers in the order SQLite keeps them
    (those SQLite makes itself left out: automatic indexes, ``sqlite_sequence``, the shadow
    tables of a virtual table), and the rows of its ordinary tables."""
    objects = conn.exec_driver_sql("SELECT type, name, sql FROM sqlite_master ORDER BY rowid").all()
    virtual = [n for _, n, sql in objects if (sql or "").upper().startswith("CREATE VIRTUAL TABLE")]
    shadow = {f"{v}_{part}" for v in virtual for part in ("data", "idx", "content", "docsize", "config")}
    statements = [sql for _, n, sql in objects if sql and not n.startswith("sqlite_") and n not in shadow]
    rows: dict[str, tuple[list[str], list[list[Any]]]] = {}
    for kind, name, _sql in objects:
        if kind != "table" or name.startswith("sqlite_") or name in shadow or name in virtual:
            continue
        found = conn.exec_driver_sql(f'SELECT * FROM "{name}"')
        values = [list(r) for r in found.all()]
        if values:
            rows[name] = (list(found.keys()), values)
    revision = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return {"revision": revision, "statements": statements, "rows": rows}


def write_sqlite_schema(target: Path = SQLITE_SCHEMA) -> None:
    """Run the migrations on a new SQLite file and write what they made to ``target``."""
    import tempfile

    from sqlalchemy import create_engine

    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{folder}/schema.db")
        try:
            with write_transaction(engine) as conn:
                run_migrations(conn, "head")
            with engine.connect() as conn:
                made = sqlite_schema(conn)
        finally:
            engine.dispose()
    target.write_text(json.dumps(made, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


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


if __name__ == "__main__":  # python -m luoshi.store.migrate: write SQLITE_SCHEMA again
    write_sqlite_schema()
