from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from webutil import (
    ARTIFACTS,
    CHROMIUM,
    PASSWORD,
    READOUT,
    USERS,
    free_port,
    needs_chromium,
    wait_until_serving,
)

from luoshi.accounts.service import Accounts
from luoshi.demo.ledger_sheet import TITLE, write_example_sheet
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.ledger.excel import import_sheet
from luoshi.ledger.service import Ledger
from luoshi.store import open_store


@pytest.fixture(scope="module")
def evidence_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Evidence files of the module's tests kept in a folder of their own (``LUOSHI_FILES``)."""
    with pytest.MonkeyPatch.context() as mp:
        folder = tmp_path_factory.mktemp("evidence")
        mp.setenv("LUOSHI_FILES", str(folder))
        yield folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_db: str) -> dict[str, Any]:
    """A store with a readout, the example ledger and one user per role, on each backend."""
    folder = tmp_path_factory.mktemp("site")
    db = module_db
    store = open_store(db)
    doc = document_from_text(READOUT, "readout")
    with store.transaction() as conn:
        doc_id = store.add_document(conn, doc, extract(doc)).document_id
    ledger = Ledger(store, actor="setup")
    import_sheet(ledger, write_example_sheet(Path(tempfile.mkdtemp()) / "台账.xlsx"))
    accounts = Accounts(store)
    for name, (role, unit) in USERS.items():
        accounts.add(name, PASSWORD, role, unit)
    with store.engine.connect() as conn:
        tasks = {code: ledger.task_id(conn, code, TITLE) for code in ("3.1", "2.2", "1.1")}
    return {"db": db, "doc_id": doc_id, "tasks": tasks, "folder": folder}


@pytest.fixture
def today() -> date:
    return date.today()


@pytest.fixture(scope="module")
def server(site):
    """The site served by uvicorn, as ``luoshi serve`` does (evidence files in the site's folder)."""
    port = free_port()
    env = {**os.environ, "LUOSHI_DB": site["db"], "LUOSHI_FILES": str(site["folder"] / "evidence")}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "luoshi.web.asgi:app",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # A loaded CI machine may take long to import the app; a server that never answers is
        # still stopped, so it cannot hold the port or the database for the next module.
        wait_until_serving(base, seconds=60)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright."""
    needs_chromium()
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()
