"""Concurrent writers on one SQLite store: ingest processes plus web clients reporting progress.

    python benchmarks/bench_writers.py [--ingests 3] [--files 1000] [--clients 20] [--db PATH]

Builds a store with the example 台账 and an admin, starts `luoshi serve` on 127.0.0.1, then runs
the ingest processes (each over its own generated folder, a tenth of the texts shared by all)
while the clients post progress reports until the ingests are done. Reports each ingest's exit
status and time, the progress writes that succeeded and failed, documents against the expected
count (each stored once) and PRAGMA integrity_check. Traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from luoshi.accounts.service import Accounts
from luoshi.demo.ledger_sheet import TITLE, write_example_sheet
from luoshi.ledger.excel import import_sheet
from luoshi.ledger.service import Ledger
from luoshi.store import open_store

PASSWORD = "bench-password-1"
TEXT = (
    "{m}月{d}日,市长韩立群在前海主持召开第{k}次专题会议,研究部署口岸通关。会议明确{k}项改革任务,要倒排工期。"
)


def corpus(folder: Path, files: int, own: int) -> None:
    folder.mkdir(parents=True)
    shared = files // 10
    for i in range(files):
        k = i if i < shared else own + i
        (folder / f"{i:05d}.txt").write_text(TEXT.format(m=k % 12 + 1, d=k % 27 + 1, k=k + 2), "utf-8")


async def reporter(
    base: str, cookies: httpx.Cookies, csrf: str, tasks: list[int], done: asyncio.Event, codes: Counter[int]
) -> None:
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=120) as client:
        n = 0
        while not done.is_set():
            r = await client.post(
                f"/api/tasks/{tasks[n % len(tasks)]}/progress",
                headers={"X-CSRF-Token": csrf},
                json={"text": f"第{n}次报送", "percent": n % 100},
            )
            codes[r.status_code] += 1
            n += 1


async def drive(
    base: str, ingests: list[subprocess.Popen[bytes]], clients: int, tasks: list[int]
) -> Counter[int]:
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        r = await client.post("/api/login", json={"name": "bench", "password": PASSWORD})
        r.raise_for_status()
        cookies, csrf = client.cookies, r.json()["csrf"]
    done, codes = asyncio.Event(), Counter[int]()
    workers = [asyncio.create_task(reporter(base, cookies, csrf, tasks, done, codes)) for _ in range(clients)]
    while any(p.poll() is None for p in ingests):
        await asyncio.sleep(0.2)
    done.set()
    await asyncio.gather(*workers)
    return codes


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ingests", type=int, default=3)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--db")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-writers-"))
    db = args.db or str(work / "writers.db")
    store = open_store(db)
    ledger = Ledger(store, actor="bench")
    import_sheet(ledger, write_example_sheet(work / "台账.xlsx"))
    Accounts(store).add("bench", PASSWORD, "admin")
    with store.engine.connect() as conn:
        tasks = [ledger.task_id(conn, code, TITLE) for code in ("3.1", "2.1", "1.3")]
    store.engine.dispose()
    folders = [work / f"in{n}" for n in range(args.ingests)]
    for n, folder in enumerate(folders):
        corpus(folder, args.files, (n + 1) * 1_000_000)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    luoshi = [sys.executable, "-m", "luoshi.cli"]
    server = subprocess.Popen([*luoshi, "serve", "--db", db, "--port", str(port)])
    try:
        for _ in range(300):
            try:
                httpx.get(f"http://127.0.0.1:{port}/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        t0 = time.perf_counter()
        ingests = [
            subprocess.Popen(
                [*luoshi, "ingest", str(f), "--db", db, "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for f in folders
        ]
        codes = asyncio.run(drive(f"http://127.0.0.1:{port}", ingests, args.clients, tasks))
        seconds = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait()
    for n, p in enumerate(ingests):
        err = p.stderr.read().decode() if p.stderr else ""
        print(
            f"ingest {n}: exit {p.returncode}" + (f" — {err.strip().splitlines()[-1]}" if err.strip() else "")
        )
    expected = args.files // 10 + args.ingests * (args.files - args.files // 10)
    with sqlite3.connect(db) as conn:
        docs, hashes = conn.execute("SELECT count(*), count(DISTINCT content_hash) FROM documents").fetchone()
        rejected = conn.execute("SELECT count(*) FROM rejections").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    print(f"{seconds:.1f} s; progress writes by status: {dict(codes)}")
    print(
        f"documents {docs} (distinct {hashes}, expected {expected}), rejections {rejected}, integrity {integrity}"
    )


if __name__ == "__main__":
    main()
