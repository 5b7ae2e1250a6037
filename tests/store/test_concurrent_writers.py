"""Writers in separate processes wait their turn: concurrent ingests and ledger writes all succeed,
each document is stored once, and the database stays whole."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from backends import is_sqlite, query

from luoshi.demo.ledger_sheet import TITLE, write_example_sheet
from luoshi.ledger.excel import import_sheet
from luoshi.ledger.service import Ledger
from luoshi.store import open_store

FILES = 300  # per ingest process
SHARED = 60  # texts every process also holds (the same readouts under other names)
TEXT = "{m}月{d}日,{who}在前海主持召开第{k}次专题会议,研究部署{what}。会议明确{k}项改革任务,要倒排工期。"
WHO = ("市委书记周明远", "市长韩立群", "副市长祁文涛")
WHAT = ("合作区建设", "营商环境改革", "口岸通关")
REPORTS = 25  # progress reports per ledger writer


def _corpus(folder: Path, first: int) -> None:
    """FILES readouts: SHARED the same in every folder, the rest this folder's own."""
    folder.mkdir(parents=True)
    for i in range(FILES):
        k = i if i < SHARED else first + i
        text = TEXT.format(m=k % 12 + 1, d=k % 27 + 1, who=WHO[k % 3], k=k + 2, what=WHAT[k % 3])
        (folder / f"{folder.name}-{i:04d}.txt").write_text(text, encoding="utf-8")


def _report_progress(db: str, task_ids: list[int], writer: int) -> int:
    ledger = Ledger(open_store(db), actor=f"writer-{writer}")
    for n in range(REPORTS):
        task = task_ids[n % len(task_ids)]
        ledger.report_progress(task, date(2026, 5, 1), f"第{writer}组第{n}次报送", min(99, n * 4))
    return REPORTS


def _index_rows(db: str) -> int:
    return query(db, f"SELECT count(*) FROM {'document_fts' if is_sqlite(db) else 'document_terms'}")[0][0]


def _whole(db: str) -> None:
    """SQLite's own check of the file (PostgreSQL keeps its files whole by itself)."""
    if is_sqlite(db):
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_concurrent_ingests_and_ledger_writers_all_succeed(tmp_path, db):
    store = open_store(db)
    ledger = Ledger(store, actor="setup")
    import_sheet(ledger, write_example_sheet(tmp_path / "台账.xlsx"))
    with store.engine.connect() as conn:
        task_ids = [ledger.task_id(conn, code, TITLE) for code in ("3.1", "2.1", "1.3")]
    store.engine.dispose()
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for n, folder in enumerate(folders):
        _corpus(folder, (n + 1) * 10_000)

    cmd = [sys.executable, "-m", "luoshi.cli", "ingest", "--db", db, "-q"]
    ingests = [
        subprocess.Popen([*cmd, str(f)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for f in folders
    ]
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        written = pool.starmap(_report_progress, [(db, task_ids, w) for w in range(4)])
    outputs = [p.communicate(timeout=300) for p in ingests]
    for p, (out, error) in zip(ingests, outputs, strict=True):
        assert p.returncode == 0, out + error
        assert "Traceback" not in error

    assert written == [REPORTS] * 4
    expected = SHARED + 3 * (FILES - SHARED)
    _whole(db)
    assert query(db, "SELECT count(*), count(DISTINCT content_hash) FROM documents") == [(expected, expected)]
    assert _index_rows(db) == expected
    assert query(db, "SELECT count(*) FROM rejections") == [(0,)]
    assert query(db, "SELECT count(*) FROM progress_reports WHERE reporter LIKE 'writer-%'") == [
        (4 * REPORTS,)
    ]
    persons = query(db, "SELECT count(*), count(DISTINCT name) FROM persons")[0]
    assert persons[0] == persons[1] == len(WHO)


def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path, db):
    folders = [tmp_path / name for name in ("a", "b", "c")]
    for n, folder in enumerate(folders):
        folder.mkdir()
        (folder / "r.txt").write_text(TEXT.format(m=1, d=n + 1, who=WHO[n], k=n + 2, what=WHAT[n]), "utf-8")
    cmd = [sys.executable, "-m", "luoshi.cli", "ingest", "--db", db, "-q"]
    procs = [subprocess.Popen([*cmd, str(f)], stderr=subprocess.PIPE, text=True) for f in folders]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], errors
    _whole(db)
    assert query(db, "SELECT count(*) FROM alembic_version") == [(1,)]
    assert query(db, "SELECT count(*) FROM documents") == [(3,)]
    assert _index_rows(db) == 3


def _big_sheet(path: Path, rows: int) -> Path:
    from openpyxl import Workbook

    from luoshi.ledger.excel import HEADERS

    wb = Workbook()
    ws = wb.active
    ws.append(["测试改革任务台账"])
    ws.append(HEADERS)
    for i in range(1, rows + 1):
        ws.append([str(i), f"第{i}项改革任务", f"落实第{i}项举措", f"市第{i % 25}局", "2026年12月底前"])
    wb.save(path)
    return path


def _write_lock_held(db_path: str) -> bool:
    probe = sqlite3.connect(db_path, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        probe.close()


def test_killed_ledger_import_leaves_nothing_half_written(tmp_path, db_path):
    """kill -9 while the import holds the write lock: the sheet is in the ledger whole or not at
    all, and the database is intact; importing again then gives every task once."""
    open_store(db_path).engine.dispose()
    rows = 2000  # the import holds the write lock for a while: the kill lands inside it
    sheet = _big_sheet(tmp_path / "台账.xlsx", rows)
    cmd = [sys.executable, "-m", "luoshi.cli", "ledger", "import", str(sheet), "--db", db_path]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180
    while not _write_lock_held(db_path):
        assert proc.poll() is None and time.time() < deadline, "the import never took the write lock"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)  # as soon as the import holds the write lock
    proc.wait()
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        tasks = conn.execute("SELECT count(*) FROM tasks").fetchone()[0]
        assert tasks in (0, rows), tasks  # whole or not at all
        if tasks == 0:
            for table in ("programmes", "units", "audit_log"):
                assert conn.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, timeout=300)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*), count(DISTINCT code) FROM tasks").fetchone() == (rows, rows)
