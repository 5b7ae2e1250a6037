import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from sharedfiles import shared_dir
from typer.testing import CliRunner

from luoshi.cli.main import EXIT_REJECTED, app
from luoshi.messages import message

runner = CliRunner()
TEXT = "{n}月{d}日,市委书记周明远在前海主持召开第{k}次专题会议,研究部署合作区建设。会议明确{k}项改革任务,要倒排工期。"


def _corpus(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        (folder / f"r{k:05d}.txt").write_text(
            TEXT.format(n=k % 12 + 1, d=k % 27 + 1, k=k + 2), encoding="utf-8"
        )


def test_ingest_exit_status_and_messages(tmp_path, db_path):
    _corpus(tmp_path / "in", 3)
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db_path])
    assert result.exit_code == EXIT_REJECTED
    assert message("empty_file") in result.output
    assert message("cli.ingested", files=4, added=3, duplicates=0, rejected=1, db=db_path) in result.output
    (tmp_path / "in" / "empty.txt").unlink()
    result = runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db_path])
    assert result.exit_code == 0, result.output
    assert message("cli.ingested", files=3, added=0, duplicates=3, rejected=0, db=db_path) in result.output


def test_search_json_and_traditional_query(tmp_path, db_path):
    _corpus(tmp_path / "in", 3)
    runner.invoke(app, ["ingest", str(tmp_path / "in"), "--db", db_path])
    result = runner.invoke(app, ["search", "專題會議", "--db", db_path, "--json", "--limit", "2"])
    assert result.exit_code == 0
    found = json.loads(result.output)
    hits = found["hits"]
    assert found["total"] == 3 and len(hits) == 2 and "【专题会议】" in hits[0]["snippet"]


def test_extract_jsonl_has_the_scored_keys(tmp_path):
    _corpus(tmp_path / "in", 2)
    result = runner.invoke(app, ["extract", str(tmp_path / "in"), "--jsonl"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["id"] for r in rows] == ["r00000", "r00001"]
    for key in ("event_date", "published", "persons", "roles", "documents", "task_batches"):
        assert key in rows[0]
    assert rows[0]["persons"] == ["周明远"] and rows[0]["roles"] == [["周明远", "市委书记"]]
    assert rows[0]["task_batches"] == [{"count": 2, "what": "改革任务"}]


def test_killed_ingest_rerun_stores_each_document_once(tmp_path, db_path):
    _corpus(tmp_path / "in", 3000)
    cmd = [sys.executable, "-m", "luoshi.cli", "ingest", str(tmp_path / "in"), "--db", db_path, "-q"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 180  # generous: a loaded machine can take long to commit the first batch
    # Kill once some batches are committed but well before the end.
    while time.time() < deadline:
        time.sleep(0.2)
        if os.path.exists(db_path):
            try:
                with sqlite3.connect(db_path, timeout=1) as conn:
                    if conn.execute("SELECT count(*) FROM documents").fetchone()[0] > 0:
                        break
            except sqlite3.OperationalError:
                pass
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    with sqlite3.connect(db_path) as conn:
        partial = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert 0 < partial < 3000
    subprocess.run(cmd, check=True)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM documents").fetchone() == (
            3000,
            3000,
        )
        fts = conn.execute("SELECT count(*) FROM document_fts").fetchone()[0]
        assert fts == 3000


def test_eval_command_scores_dev_set():
    dev = shared_dir("eval", "dev")
    result = runner.invoke(app, ["eval", str(dev / "gold.jsonl"), str(dev / "docs")])
    assert result.exit_code == 0
    assert "macro_f1" in result.output


def test_demo_runs_and_reports_rejections(tmp_path):
    result = runner.invoke(app, ["demo", "--db", str(tmp_path / "demo.db")])
    assert result.exit_code == 0, result.output
    assert message("empty_file") in result.output
    assert message("binary_file", what=message("what_png")) in result.output
    assert (
        message("json_line_malformed", line=3, column=31, detail="Unterminated string starting at")
        in result.output
    )
    assert message("cli.top_cited") in result.output


def test_every_listed_command_is_built_when_asked():
    """Commands are built when they run (``luoshi.cli.lazy``): each one ``--help`` lists must be
    found again by name, with the same first line of help, and ``ledger``'s own commands too."""
    listing = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert listing.exit_code == 0
    lines = listing.output.split("Commands:", 1)[1].strip().split("\n\n", 1)[0].splitlines()
    listed = {line.split()[0]: line.split(None, 1)[1] for line in lines}
    assert {"search", "ingest", "report", "people", "cited", "ledger", "calendar", "user"} <= listed.keys()
    for name, short in listed.items():
        shown = runner.invoke(app, [name, "--help"], env={"COLUMNS": "200"})
        assert shown.exit_code == 0, (name, shown.output)
        assert f" {name} " in shown.output.splitlines()[0], shown.output
        assert short.rstrip(".").rstrip("…")[:30] in " ".join(shown.output.split()), (name, short)
    ledger = runner.invoke(app, ["ledger", "list", "--help"])
    assert ledger.exit_code == 0 and "--as-of" in ledger.output


def test_a_search_process_ends_quickly_with_everything_written(tmp_path):
    """``luoshi search`` as a process ends without the interpreter's teardown (``leave_quickly``):
    all of its output is written, its status is 0, and the store is closed as SQLite wants it
    (no -wal or -shm file left beside it)."""
    db = tmp_path / "s.db"
    _corpus(tmp_path / "in", 30)
    luoshi = [sys.executable, "-m", "luoshi.cli"]
    subprocess.run([*luoshi, "ingest", str(tmp_path / "in"), "--db", str(db), "-q"], check=True, timeout=300)
    args = ["search", "前海", "--db", str(db), "--json", "--limit", "25"]
    proc = subprocess.run([*luoshi, *args], capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("s.db")) == ["s.db"]
    found = json.loads(proc.stdout)
    assert found["total"] == 30 and len(found["hits"]) == 25
    assert found == json.loads(runner.invoke(app, args).output)  # as the command run in this process
