"""A CLI that fails in one line: a store that cannot be used is one catalogued sentence and a
documented exit status, never a traceback; commands that only read never create a store."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import EXIT_BUSY, EXIT_STORE, app
from luoshi.messages import message_in
from luoshi.store import open_store, writers

runner = CliRunner()

READ_ONLY = [
    ["summary"],
    ["search", "前海"],
    ["search", "前海", "--json"],
    ["ledger", "list"],
    ["ledger", "show", "1.1"],
    ["ledger", "history", "1.1"],
    ["ledger", "reminders"],
    ["ledger", "diff", "2026-01-01"],
    ["ledger", "export", "out.xlsx"],
    ["report", "--format", "json"],
]


def _run(*args: str, env: dict[str, str] | None = None):
    return runner.invoke(app, list(args), env=env)


def _one_line(result, needle: str) -> None:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines and needle in lines[0], result.output
    assert len(lines) == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_read_only_commands_refuse_a_missing_store_and_create_none(tmp_path, command):
    db = tmp_path / "typo.db"
    result = _run(*command, "--db", str(db))
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_missing", {"db": str(db)}))
    assert list(tmp_path.iterdir()) == []


def test_a_store_in_a_missing_folder(tmp_path):
    db = tmp_path / "nowhere" / "x.db"
    result = _run("summary", "--db", str(db))
    assert result.exit_code == EXIT_STORE
    _one_line(result, "不存在")
    result = _run("ingest", str(tmp_path), "--db", str(db))
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_dir_missing", {"dir": str(db.parent)}))
    assert not db.parent.exists()


@pytest.mark.parametrize(
    "command", [["summary"], ["ingest", "."], ["ledger", "progress", "1", "x"], ["serve"]], ids=" ".join
)
def test_db_pointing_at_a_folder_is_refused(tmp_path, command):
    result = _run(*command, "--db", str(tmp_path))
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_is_directory", {"db": str(tmp_path)}))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "content", [b"hello, not a database\n", b"PK\x03\x04" + bytes(200)], ids=["text", "zip"]
)
@pytest.mark.parametrize(
    "command", [["summary"], ["ingest", "."], ["user", "add", "a", "--role", "viewer"]], ids=" ".join
)
def test_a_file_that_is_not_a_database(tmp_path, command, content):
    db = tmp_path / "notes.db"
    db.write_bytes(content)
    result = _run(*command, "--db", str(db))
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_not_database", {"db": str(db)}))
    assert db.read_bytes() == content


def test_a_damaged_database_behind_a_good_header(tmp_path, db_path):
    open_store(db_path).engine.dispose()
    data = bytearray(Path(db_path).read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the schema page is garbage now
    Path(db_path).write_bytes(bytes(data))
    for wal in Path(db_path).parent.glob("*-wal"):
        wal.unlink()
    result = _run("summary", "--db", db_path)
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_not_database", {"db": db_path}))


def test_an_empty_file_is_not_a_store_for_commands_that_read(tmp_path):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    result = _run("search", "前海", "--db", str(db))
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_not_luoshi", {"db": str(db)}))
    assert db.read_bytes() == b""


def test_a_store_from_a_newer_version_is_refused(db_path):
    open_store(db_path).engine.dispose()
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    for command in (["summary"], ["ingest", "."], ["ledger", "list"]):
        result = _run(*command, "--db", db_path)
        assert result.exit_code == EXIT_STORE
        _one_line(result, "0042_from_the_future")
        assert "更新版本" in result.output
    with sqlite3.connect(db_path) as conn:  # nothing was migrated "down" or changed
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0042_from_the_future",)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file whatever its permissions")
def test_an_unreadable_store(db_path):
    open_store(db_path).engine.dispose()
    os.chmod(db_path, 0)
    try:
        result = _run("summary", "--db", db_path)
    finally:
        os.chmod(db_path, 0o644)
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("zh", "db_unreadable", {"db": db_path}))


def test_english_by_switch(tmp_path):
    db = tmp_path / "typo.db"
    result = _run("summary", "--db", str(db), env={"LUOSHI_LANG": "en"})
    assert result.exit_code == EXIT_STORE
    _one_line(result, message_in("en", "db_missing", {"db": str(db)}))


def test_a_real_process_prints_one_line_and_no_traceback(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "summary", "--db", str(tmp_path / "no" / "x.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == EXIT_STORE
    assert proc.stdout == ""
    assert proc.stderr.strip().count("\n") == 0 and "不存在" in proc.stderr, proc.stderr


def test_help_lists_the_exit_statuses():
    result = _run("--help")
    assert result.exit_code == 0
    text = "".join(result.output.split())  # the help is wrapped to the terminal
    for status in ("0成功", "3部分输入被拒收", f"{EXIT_STORE}数据库无法使用", f"{EXIT_BUSY}数据库一直被"):
        assert status in text, status


def _hold_write_lock(db_path: str) -> sqlite3.Connection:
    holder = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


def test_a_writer_waits_its_turn_beyond_the_busy_timeout(db_path, monkeypatch):
    """The busy timeout runs out several times; the bounded retries still get the lock."""
    open_store(db_path).engine.dispose()
    monkeypatch.setattr(writers, "BUSY_TIMEOUT_MS", 20)
    holder = _hold_write_lock(db_path)
    threading.Timer(0.6, holder.rollback).start()
    result = _run("user", "add", "ann", "--role", "viewer", "--password", "long-enough-1", "--db", db_path)
    holder.close()
    assert result.exit_code == 0, result.output
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM users").fetchone() == (1,)


def test_a_store_locked_for_too_long_is_exit_busy(db_path, monkeypatch):
    open_store(db_path).engine.dispose()
    monkeypatch.setattr(writers, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(writers, "WRITE_ATTEMPTS", 3)
    holder = _hold_write_lock(db_path)
    try:
        result = _run(
            "user", "add", "ann", "--role", "viewer", "--password", "long-enough-1", "--db", db_path
        )
    finally:
        holder.rollback()
        holder.close()
    assert result.exit_code == EXIT_BUSY
    _one_line(result, message_in("zh", "db_busy", {"db": db_path}))
