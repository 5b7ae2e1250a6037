"""A new SQLite store is made in one step (``luoshi.store.migrate.made_in_one_step``): the same
schema, rows and revision as its migrations make, so that a migration added later cannot drift
from it unnoticed."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine

from luoshi.store import open_store
from luoshi.store.migrate import (
    SQLITE_SCHEMA,
    current_revision,
    head_revision,
    made_in_one_step,
    run_migrations,
    write_sqlite_schema,
)
from luoshi.store.writers import write_transaction


def _migrated(path: Path) -> None:
    engine = create_engine(f"sqlite:///{path}")
    with write_transaction(engine) as conn:
        run_migrations(conn, "head")
    engine.dispose()


def _everything(path: Path) -> dict[str, Any]:
    """The schema as SQLite keeps it (in its order), every table's rows (shadow tables too) and
    the file's settings."""
    with sqlite3.connect(path) as db:
        objects = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()
        tables = [
            name for kind, name, _, sql in objects if kind == "table" and not sql.startswith("CREATE VIRTUAL")
        ]
        rows = {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        pragmas = {
            p: db.execute(f"PRAGMA {p}").fetchall()
            for p in (
                "user_version",
                "application_id",
                "page_size",
                "auto_vacuum",
                "encoding",
                "journal_mode",
            )
        }
    return {"objects": objects, "rows": rows, "pragmas": pragmas}


def test_a_new_store_is_what_the_migrations_make(tmp_path):
    _migrated(tmp_path / "migrated.db")
    store = open_store(str(tmp_path / "new.db"))
    assert current_revision(store.engine) == head_revision()
    store.engine.dispose()
    migrated, new = _everything(tmp_path / "migrated.db"), _everything(tmp_path / "new.db")
    assert new["objects"] == migrated["objects"]
    assert new["rows"] == migrated["rows"]
    assert new["pragmas"] == {**migrated["pragmas"], "journal_mode": [("wal",)]}  # (set on open)
    if shutil.which("sqlite3"):  # (the shell, where installed)
        shown = [
            subprocess.run(["sqlite3", str(tmp_path / n), ".schema"], capture_output=True, check=True)
            for n in ("migrated.db", "new.db")
        ]
        assert shown[0].stdout == shown[1].stdout


def test_the_file_is_what_todays_migrations_make(tmp_path):
    """When this fails, a migration was added or changed: ``python -m luoshi.store.migrate``
    writes the file again (until then new stores are migrated step by step, as before)."""
    write_sqlite_schema(tmp_path / "schema.json")
    written = json.loads((tmp_path / "schema.json").read_text(encoding="utf-8"))
    assert json.loads(SQLITE_SCHEMA.read_text(encoding="utf-8")) == written
    assert written["revision"] == head_revision()


def test_a_store_not_empty_is_left_to_the_migrations(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'old.db'}")
    with write_transaction(engine) as conn:
        run_migrations(conn, "0005")
    with write_transaction(engine) as conn:
        assert not made_in_one_step(conn)
    assert current_revision(engine) == "0005"
    engine.dispose()
    store = open_store(str(tmp_path / "old.db"))  # migrated from 0005 to the head
    assert current_revision(store.engine) == head_revision()
    store.engine.dispose()


def test_a_new_store_loads_no_alembic(tmp_path):
    code = (
        "import sys; from luoshi.store import open_store; "
        f"open_store({str(tmp_path / 'n.db')!r}).engine.dispose(); print('alembic' in sys.modules)"
    )
    assert (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        == "False\n"
    )
