"""Uploads: any part name is stored or rejected with its reason, never a 500 or a silent
overwrite; concurrent uploads wait their turn; no temporary file outlives a request."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from backends import is_sqlite, query
from webutil import free_port, login

from luoshi.messages import message_in
from luoshi.store import writers

TEXT = "2026年4月{d}日讯 4月{d}日,市长陈思远主持召开第{k}次常务会议,研究{what}。会议要求倒排工期。"


def _text(k: int, what: str = "口岸通关") -> bytes:
    return TEXT.format(d=k % 27 + 1, k=k, what=what).encode()


def _documents(db: str) -> dict[str, int]:
    return dict(query(db, "SELECT content_hash, count(*) FROM documents GROUP BY content_hash"))


BOUNDARY = "luoshi-test-boundary"


def _multipart(parts: list[tuple[str, bytes]]) -> bytes:
    """A multipart body with the names as a hostile client sends them (httpx would escape a NUL)."""
    out = b""
    for name, body in parts:
        out += (
            (
                f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
                "Content-Type: text/plain\r\n\r\n"
            ).encode()
            + body
            + b"\r\n"
        )
    return out + f"--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def temp_dir(tmp_path, monkeypatch) -> Path:
    """Every temporary file of the request (ours, Starlette's, openpyxl's) goes here."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_hostile_part_names_are_stored_or_rejected_with_a_reason(site, temp_dir):
    client, csrf = login(site, "admin")
    long_name = "长" * 300 + ".txt"
    parts = {
        "good.txt": _text(101),
        "..": _text(102),
        ".": _text(103),
        "bad\x00name.txt": _text(104),
        long_name: _text(105),
        "../../escape.txt": _text(106),
        "folder\\windows.txt": _text(107),
        "same.txt": _text(108),
        ".hidden.txt": _text(110),
    }
    named = [*parts.items(), ("same.txt", _text(109))]  # a second part of the same name
    before = len(_documents(site["db"]))
    response = client.post(
        "/api/documents",
        content=_multipart(named),
        headers={"X-CSRF-Token": csrf, "content-type": f"multipart/form-data; boundary={BOUNDARY}"},
    )
    assert response.status_code == 200, response.text
    result = response.json()

    rejected = {r["file"]: r["reason"] for r in result["rejected"]}
    assert rejected == {
        "..": message_in("zh", "upload_name_empty"),
        ".": message_in("zh", "upload_name_empty"),
        "bad\\0name.txt": message_in("zh", "upload_name_nul"),
    }
    short = "长" * 65 + ".txt"  # 200 bytes of UTF-8 at most (65 × 3 + 4), the extension kept
    assert sorted(result["added"]) == sorted(
        ["good.txt", short, "escape.txt", "windows.txt", "same.txt", "same (2).txt", ".hidden.txt"]
    )
    notes = {(n["file"], n["stored_as"]): n["note"] for n in result["renamed"]}
    assert notes == {
        (long_name, short): message_in("zh", "upload_name_shortened", {"name": short}),
        ("same.txt", "same (2).txt"): message_in("zh", "upload_name_renamed", {"name": "same (2).txt"}),
    }
    assert len(_documents(site["db"])) == before + 7  # both parts named same.txt are kept
    assert not (Path(site["folder"]) / "escape.txt").exists()
    assert list(temp_dir.iterdir()) == []
    reasons = {r for (r,) in query(site["db"], "SELECT reason FROM rejections")}  # kept with the others
    assert message_in("zh", "upload_name_nul") in reasons


def test_the_upload_page_shows_refused_names_and_keeps_the_good_files(site, temp_dir):
    client, csrf = login(site, "admin")
    files = [
        ("files", ("..", _text(121), "text/plain")),
        ("files", ("页面.txt", _text(122), "text/plain")),
        ("files", ("页面.txt", _text(123), "text/plain")),
    ]
    response = client.post("/upload", files=files, data={"csrf_token": csrf}, headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "页面.txt" in response.text and message_in("zh", "upload_name_empty") in response.text
    assert "改名保存" in response.text and "页面 (2).txt" in response.text
    assert list(temp_dir.iterdir()) == []


def test_ledger_import_with_hostile_names_never_500s(site, temp_dir):
    client, csrf = login(site, "super")
    for name in ("..", ".", "a\x00.xlsx", "/" * 3, "x" * 400 + ".xlsx"):
        response = client.post(
            "/api/ledger/import", files={"file": (name, b"not a workbook")}, headers={"X-CSRF-Token": csrf}
        )
        assert response.status_code == 422, (name, response.text)
    assert list(temp_dir.iterdir()) == []


def test_exports_leave_no_temporary_files(site, temp_dir, tmp_path):
    client, _ = login(site, "viewer")
    for _ in range(3):
        response = client.get("/api/ledger/export.xlsx")
        assert response.status_code == 200 and response.content[:2] == b"PK"
        assert "filename*=utf-8''" in response.headers["content-disposition"]
    assert list(temp_dir.iterdir()) == []

    from typer.testing import CliRunner

    from luoshi.cli.main import app

    runner = CliRunner()
    out = tmp_path / "out"
    out.mkdir()
    assert runner.invoke(app, ["ledger", "export", str(out / "a.xlsx"), "--db", site["db"]]).exit_code == 0
    result = runner.invoke(app, ["report", "--format", "xlsx", "-o", str(out / "r.xlsx"), "--db", site["db"]])
    assert result.exit_code == 0, result.output
    assert list(temp_dir.iterdir()) == []


def test_a_failed_upload_leaves_no_temporary_files_and_answers_503(site, temp_dir, monkeypatch):
    """The store stays locked by another writer past every wait: the request fails cleanly."""
    if not is_sqlite(site["db"]):
        pytest.skip("SQLite's write lock: PostgreSQL's writers do not wait for one another as a whole")
    monkeypatch.setattr(writers, "BUSY_TIMEOUT_MS", 20)
    monkeypatch.setattr(writers, "WRITE_ATTEMPTS", 2)
    client, csrf = login(site, "admin")
    big = _text(131) * 40_000  # ~4 MB: Starlette spools it to a file on disk
    holder = sqlite3.connect(site["db"], isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(
            "/api/documents",
            headers={"X-CSRF-Token": csrf},
            files=[
                ("files", ("locked.txt", _text(132), "text/plain")),
                ("files", ("big.txt", big, "text/plain")),
            ],
        )
    finally:
        holder.rollback()
        holder.close()
    assert response.status_code == 503
    assert response.json()["detail"] == message_in("zh", "db_busy", {"db": site["db"]})
    assert list(temp_dir.iterdir()) == []


def test_concurrent_uploads_and_an_ingest_process_all_succeed(site, tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    for k in range(150):
        (folder / f"b{k:03d}.txt").write_bytes(_text(1000 + k, "营商环境"))
    ingest = subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "ingest", str(folder), "--db", site["db"], "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )

    def upload(n: int) -> list[int]:
        client, csrf = login(site, "admin")
        codes = []
        for r in range(3):
            files = [
                ("files", (f"u{n}-{r}-{i}.txt", _text(2000 + n * 100 + r * 10 + i), "text/plain"))
                for i in range(3)
            ]
            files.append(("files", ("shared.txt", _text(3000 + r), "text/plain")))  # also sent by others
            codes.append(
                client.post("/api/documents", files=files, headers={"X-CSRF-Token": csrf}).status_code
            )
        return codes

    with ThreadPoolExecutor(8) as pool:
        codes = [c for cs in pool.map(upload, range(8)) for c in cs]
    out, err = ingest.communicate(timeout=300)
    assert ingest.returncode == 0, out + err
    assert codes == [200] * 24
    counts = _documents(site["db"])
    assert set(counts.values()) == {1}  # every document stored once
    assert query(site["db"], "SELECT count(*) FROM documents WHERE text LIKE '%营商环境%'") == [(150,)]
    if is_sqlite(site["db"]):
        with sqlite3.connect(site["db"]) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_reasons_follow_the_language_switch(site):
    client, csrf = login(site, "admin")
    client.cookies.set("lang", "en")
    files = [("files", ("..", _text(141), "text/plain"))]
    result = client.post("/api/documents", files=files, headers={"X-CSRF-Token": csrf}).json()
    assert result["rejected"] == [{"file": "..", "reason": message_in("en", "upload_name_empty")}]


def test_killed_server_during_an_upload_leaves_whole_documents_only(tmp_path):
    """kill -9 of the server while an upload is being stored: the database is intact and holds
    whole documents only; the next server removes the killed one's temporary folder; uploading the
    same files again stores each once."""
    import os
    import signal
    import threading
    import time

    import httpx

    from luoshi.accounts.service import Accounts
    from luoshi.store import open_store

    db = str(tmp_path / "killed.db")
    server_tmp = tmp_path / "server-tmp"
    server_tmp.mkdir()
    Accounts(open_store(db)).add("admin", "correct-horse-1", "admin")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "luoshi.cli", "serve", "--db", db, "--port", str(port)]
    files = [("files", (f"k{k:04d}.txt", _text(5000 + k), "text/plain")) for k in range(600)]

    def start() -> tuple[subprocess.Popen[bytes], httpx.Client, str]:
        server = subprocess.Popen(
            cmd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "TMPDIR": str(server_tmp)},
        )
        client = httpx.Client(base_url=base, timeout=300)
        for _ in range(600):
            try:
                r = client.post("/api/login", json={"name": "admin", "password": "correct-horse-1"})
                return server, client, r.json()["csrf"]
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError("the server did not start")

    server, client, csrf = start()
    errors: list[Exception] = []

    def post() -> None:  # the server dies under it
        try:
            client.post("/api/documents", files=files, headers={"X-CSRF-Token": csrf})
        except httpx.HTTPError as e:
            errors.append(e)

    upload = threading.Thread(target=post)
    upload.start()
    deadline = time.time() + 180
    while True:  # kill once a batch is committed, before the upload is done
        with sqlite3.connect(db, timeout=5) as conn:
            if conn.execute("SELECT count(*) FROM documents").fetchone()[0] > 0:
                break
        assert time.time() < deadline and server.poll() is None
        time.sleep(0.05)
    os.kill(server.pid, signal.SIGKILL)
    server.wait()
    upload.join()
    assert errors, "the upload finished before the server was killed"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        partial = conn.execute("SELECT count(*) FROM documents").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM document_fts").fetchone()[0] == partial
    assert 0 < partial < 600
    assert [p.name.startswith("luoshi-upload-") for p in server_tmp.iterdir()] == [True]  # orphaned

    server, client, csrf = start()
    assert list(server_tmp.iterdir()) == []
    try:
        again = client.post("/api/documents", files=files, headers={"X-CSRF-Token": csrf})
    finally:
        server.terminate()
        server.wait()
    assert again.status_code == 200
    assert len(again.json()["added"]) == 600 - partial
    counts = _documents(db)
    assert len(counts) == 600 and set(counts.values()) == {1}
    assert list(server_tmp.iterdir()) == []
