"""Every page of the web application under concurrent clients, on loopback, for a fixed time.

    python benchmarks/bench_web.py --build 100000 --tasks 10000 [--db DIR/web.db] [--clients 50] [--seconds 60]
    python benchmarks/bench_web.py --db DIR/large.db            # a store built before
    python benchmarks/bench_web.py --db DIR/large.db --mode open --interval 2
    python benchmarks/bench_web.py --db DIR/large.db --driver wrk     # wrk's clients (apt-get install wrk)

Two kinds of load, each labelled in the output: ``closed`` — each client sends its next request
as soon as the last one is answered (no think time: the most the server can be asked, far more
than an office clicks), and ``open`` — each client clicks every ``--interval`` seconds whatever
the answers (an office's use: 50 people each clicking every 2 s is 25 requests/s); an open-loop
request's time counts from when it was due, so a server that falls behind shows it. Baselines of
the same run: ``/login`` and a static file (no session, no data) and ``/api/me`` (the session).

--build writes that many generated readouts (the demo generator, a third in traditional script)
and ingests them with extraction, and --tasks adds a 台账 of that many tasks with progress
(``bench_ledger.build``). Then a real `luoshi serve` starts on 127.0.0.1, a user logs in, and
each of the clients (httpx, asyncio) goes over every page — dashboard, document list, search,
search with filters, filters alone, a document, a person, a cited document (its page, as the
reader links it), the ledger, the ledger by status, a task, the report, its xlsx, the 催办 page,
the requests to decide, a unit member's home (as a unit account), an export, /api/me, /login, a
static file — until the time is up. Reports p50/p95 per page and the errors for each kind of load. With ``--driver wrk`` the same
clients, pages and orders are wrk's threads (one connection each; ``bench_web.lua`` times each
page, redirects followed as httpx does): a C driver that leaves the two cores to the server.

Before the load, the same run times the old way beside the new one in this process: filtering
documents by place by reading every document's facts (as /documents did) against the indexed
column, and the ledger page computing every task's status against one page of tasks.
Traffic goes to 127.0.0.1 only and stops by itself (bounded time, bounded clients).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import quote

import httpx
from bench_ingest_search import write_corpus
from bench_ledger import build as build_ledger
from sqlalchemy import func, select

from luoshi.accounts.service import Accounts
from luoshi.ledger.schema import TaskRow, UnitRow
from luoshi.ledger.service import Ledger
from luoshi.pipeline import ingest_paths
from luoshi.services import citations
from luoshi.store import open_store
from luoshi.store.listing import DocumentFilters
from luoshi.store.schema import CitationRow, DocumentRow, PersonRow
from luoshi.text.fold import to_simplified

QUERIES = ["前海", "橫琴", "倒排工期", "年度工作任务", "營商環境", "口岸", "滨海新区", "督查督办"]
PASSWORD = "bench-password-1"
AS_OF = "2026-05-28"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else 0.0


def build(db: str, documents: int, tasks: int) -> dict[str, float]:
    """A store of ``documents`` generated readouts and a ledger of ``tasks`` tasks."""
    store = open_store(db)
    out: dict[str, float] = {}
    with store.engine.connect() as conn:
        have = conn.scalar(select(func.count(DocumentRow.id))) or 0
    if have < documents:
        with tempfile.TemporaryDirectory() as tmp:
            write_corpus(Path(tmp), documents - have, 1, seed=have + 7)
            t0 = time.perf_counter()
            ingest_paths(store, [tmp])
            out["ingest_s"] = round(time.perf_counter() - t0, 1)
    ledger = Ledger(store, actor="bench")
    if tasks and not ledger.programmes():
        t0 = time.perf_counter()
        build_ledger(ledger, tasks, random.Random(1))
        out["ledger_s"] = round(time.perf_counter() - t0, 1)
    return out


def old_place_filter(store, place: str, limit: int = 20) -> list[int]:
    """/documents before the facet columns: every document's facts read and tested in Python."""
    day = func.coalesce(DocumentRow.event_date, DocumentRow.published)
    stmt = select(DocumentRow.id, DocumentRow.facts).order_by(day.desc(), DocumentRow.id.desc())
    out: list[int] = []
    with store.engine.connect() as conn:
        for start in range(0, 10**9, 500):
            rows = conn.execute(stmt.limit(500).offset(start)).all()
            for row in rows:
                if to_simplified(place) in [p["name"] for p in (row.facts or {}).get("places", [])]:
                    out.append(row.id)
            if len(rows) < 500:
                break
    return out[:limit]


def before_and_after(db: str) -> dict[str, float]:
    """The old ways beside the new, timed in this process on the same store (milliseconds)."""
    store = open_store(db)
    ledger = Ledger(store)
    day = date.fromisoformat(AS_OF)
    timings: dict[str, float] = {}

    def timed(name: str, work) -> None:
        t0 = time.perf_counter()
        work()
        timings[name] = round((time.perf_counter() - t0) * 1000, 1)

    timed("place_filter_old_python_scan_ms", lambda: old_place_filter(store, "深圳"))
    timed("place_filter_new_indexed_ms", lambda: store.browse(DocumentFilters(place="深圳"), use_cache=False))
    timed("ledger_old_every_status_ms", lambda: ledger.tasks(day))
    timed("ledger_new_one_page_ms", lambda: ledger.task_page(day, limit=50))
    timed("ledger_by_status_first_ms", lambda: ledger.task_page(day, status="overdue", limit=50))
    timed("ledger_by_status_again_ms", lambda: ledger.task_page(day, status="overdue", limit=50))
    return timings


def pages(db: str, rng: random.Random) -> list[tuple[str, str, str]]:
    """(name, path, account) of every page, with real ids, people and titles from the store."""
    store = open_store(db)
    with store.engine.connect() as conn:
        max_doc = conn.scalar(select(func.max(DocumentRow.id))) or 1
        people = list(conn.scalars(select(PersonRow.name).limit(50)))
        cited = list(conn.scalars(select(CitationRow.title).distinct().limit(50)))
    ledger = Ledger(store)
    views = ledger.task_page(date.fromisoformat(AS_OF), limit=200).views
    ids = citations.title_ids(store, cited)

    def cited_path(title: str) -> str:
        """Where the reader links a cited title: its page, else the title's route (a redirect)."""
        return f"/cited/{ids[title]}" if title in ids else f"/cited?title={quote(title)}"

    out = []
    for _ in range(200):
        q = quote(rng.choice(QUERIES))
        out += [
            ("dashboard", "/"),
            ("documents", "/documents"),
            ("search", f"/documents?q={q}"),
            ("search_filtered", f"/documents?q={q}&year={rng.choice([2023, 2024, 2025, 2026])}&sort=-date"),
            ("filtered", f"/documents?place={quote(rng.choice(['深圳', '天津', '珠海', '东莞']))}&offset=20"),
            ("document", f"/documents/{rng.randint(1, max_doc)}"),
            ("person", f"/people/{quote(rng.choice(people))}" if people else "/"),
            ("cited", cited_path(rng.choice(cited)) if cited else "/"),
            ("ledger", f"/ledger?as_of={AS_OF}&offset={rng.choice([0, 50, 5000])}"),
            (
                "ledger_status",
                f"/ledger?as_of={AS_OF}&status={rng.choice(['overdue', 'at_risk', 'on_track'])}",
            ),
            ("task", f"/ledger/tasks/{rng.choice(views).id}" if views else "/ledger"),
            ("report", f"/report?as_of={AS_OF}"),
            ("report_xlsx", f"/report.xlsx?as_of={AS_OF}"),
            ("reminders", "/reminders"),
            ("requests", "/requests"),
            ("unit_home", f"/my?as_of={AS_OF}"),
            ("export_json", f"/documents.json?q={q}&limit=50"),
            ("api_me", "/api/me"),
            ("login", "/login"),
            ("static", "/static/app.css"),
        ]
    return [(name, path, "unit" if name == "unit_home" else "office") for name, path in out]


async def fetch(
    clients: dict[str, httpx.AsyncClient],
    item: tuple[str, str, str],
    since: float,
    timings: dict[str, list[float]],
    errors: list[str],
) -> None:
    """One request; its time from ``since`` (when it was sent, or when it was due)."""
    name, path, who = item
    try:
        r = await clients[who].get(path, headers={"Accept": "text/html"})
        if r.status_code != 200:
            errors.append(f"{path}: {r.status_code}")
    except httpx.HTTPError as e:
        errors.append(f"{path}: {type(e).__name__}")
    timings.setdefault(name, []).append((time.perf_counter() - since) * 1000)


async def client_loop(
    base: str,
    cookies: dict[str, httpx.Cookies],
    deadline: float,
    paths: list[tuple[str, str, str]],
    seed: int,
    timings: dict[str, list[float]],
    errors: list[str],
    interval: float | None = None,
) -> None:
    """Closed loop (``interval`` None): the next request when the last is answered. Open loop:
    a request every ``interval`` seconds from a random phase, sent whether or not the earlier
    ones were answered, each timed from when it was due."""
    rng = random.Random(seed)
    order = paths[:]
    rng.shuffle(order)
    clients = {
        who: httpx.AsyncClient(base_url=base, cookies=c, timeout=60, follow_redirects=True)
        for who, c in cookies.items()
    }
    try:
        i = 0
        if interval is None:
            while time.monotonic() < deadline:
                await fetch(clients, order[i % len(order)], time.perf_counter(), timings, errors)
                i += 1
            return
        pending = []
        due = time.perf_counter() + rng.uniform(0, interval)
        while time.monotonic() < deadline:
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            pending.append(asyncio.create_task(fetch(clients, order[i % len(order)], due, timings, errors)))
            i += 1
            due += interval
        await asyncio.gather(*pending)
    finally:
        for c in clients.values():
            await c.aclose()


def wrk_load(
    base: str,
    cookies: dict[str, httpx.Cookies],
    paths: list[tuple[str, str, str]],
    clients: int,
    seconds: float,
    interval: float | None,
) -> tuple[dict[str, list[float]], list[str], float]:
    """The same clients and pages driven by wrk (C, one thread and connection per client;
    ``bench_web.lua`` times each page): (times per page, errors, seconds)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        sys.exit("--driver wrk needs wrk on the PATH (Debian: apt-get install wrk)")
    with tempfile.TemporaryDirectory(prefix="bench-web-wrk-") as tmp:
        for i in range(clients):  # each client's pages in its own order, as client_loop has them
            order = paths[:]
            random.Random(i).shuffle(order)
            lines = (f"{name}\t{path}\t{who}\n" for name, path, who in order)
            Path(tmp, f"pages-{i}.tsv").write_text("".join(lines), encoding="utf-8")
        jar = {who: "; ".join(f"{k}={v}" for k, v in c.items()) for who, c in cookies.items()}
        command = [
            wrk,
            "-t",
            str(clients),
            "-c",
            str(clients),
            "-d",
            f"{max(1, round(seconds))}s",
            "--timeout",
            "60s",
            "-s",
            str(Path(__file__).with_name("bench_web.lua")),
            base,
            "--",
            tmp,
            jar["office"],
            jar["unit"],
            str(interval or 0),
        ]
        t0 = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - t0
        timings: dict[str, list[float]] = {}
        errors: list[str] = []
        for i in range(clients):
            for line in Path(tmp, f"times-{i}.tsv").read_text(encoding="utf-8").splitlines():
                name, ms, status = line.split("\t")
                timings.setdefault(name, []).append(float(ms))
                if status != "200":
                    errors.append(f"{name}: {status}")
    return timings, errors, elapsed


def summary(
    timings: dict[str, list[float]], errors: list[str], elapsed: float, how: str
) -> dict[str, object]:
    """p50/p95 per page and overall, each page's p95 beside the baselines' of the same run."""
    every = [t for ts in timings.values() for t in ts]
    baseline = percentile(timings.get("api_me", [0.0]), 0.95) or 1.0
    per_page = {
        name: {
            "n": len(v),
            "p50_ms": round(statistics.median(v), 1),
            "p95_ms": round(percentile(v, 0.95), 1),
            "p95_vs_api_me": round(percentile(v, 0.95) / baseline, 1),
        }
        for name, v in sorted(timings.items())
    }
    pages_only = {k: v for k, v in per_page.items() if k not in ("api_me", "login", "static")}
    return {
        "load": how,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "errors": len(errors),
        "p50_ms": round(statistics.median(every), 1) if every else None,
        "p95_ms": round(percentile(every, 0.95), 1),
        "baselines_p95_ms": {
            k: per_page[k]["p95_ms"] for k in ("login", "static", "api_me") if k in per_page
        },
        "worst_page": max(pages_only, key=lambda k: pages_only[k]["p95_ms"]) if pages_only else None,
        "worst_page_p95_ms": max((p["p95_ms"] for p in pages_only.values()), default=None),
        "pages_p95_at_most_200_ms": sum(1 for p in pages_only.values() if p["p95_ms"] <= 200),
        "pages": len(pages_only),
        "per_page": per_page,
        "first_errors": errors[:5],
    }


def bench_accounts(db: str) -> None:
    """The benchmark's two accounts, unless the store has them: the office's ``bench`` and a unit
    member's ``bench-unit`` (of the unit leading the most tasks: the heaviest home page)."""
    store = open_store(db)
    accounts = Accounts(store)
    if accounts.get("bench") is None:
        accounts.add("bench", PASSWORD, "supervisor")
    with store.engine.connect() as conn:
        busiest = conn.scalar(
            select(UnitRow.name)
            .join(TaskRow, TaskRow.lead_unit_id == UnitRow.id)
            .group_by(UnitRow.id, UnitRow.name)
            .order_by(func.count(TaskRow.id).desc())
            .limit(1)
        )
    if accounts.get("bench-unit") is None and busiest:
        accounts.add("bench-unit", PASSWORD, "unit", unit=busiest)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", help="The store (built there with --build; a temporary one otherwise).")
    ap.add_argument("--build", type=int, default=0, help="Generated documents the store should hold.")
    ap.add_argument("--tasks", type=int, default=10_000, help="Tasks of the ledger built with --build.")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--warm", type=float, default=10, help="Seconds of load before the measured run.")
    ap.add_argument("--mode", choices=["closed", "open", "both"], default="both")
    ap.add_argument(
        "--driver",
        choices=["httpx", "wrk"],
        default="httpx",
        help="The clients: httpx asyncio in this process, or wrk (C; apt-get install wrk), which "
        "leaves the server more of the machine.",
    )
    ap.add_argument(
        "--no-compare",
        dest="compare",
        action="store_false",
        help="Skip the in-process timing of the old ways (minutes at 100,000 documents on a loaded machine).",
    )
    ap.add_argument(
        "--interval", type=float, default=2.0, help="Open loop: seconds between a client's clicks."
    )
    args = ap.parse_args()
    load_at_start = os.getloadavg()
    db = args.db or str(Path(tempfile.mkdtemp()) / "web.db")
    built = build(db, args.build, args.tasks) if args.build else {}
    compared = before_and_after(db) if args.compare else {}
    store = open_store(db)
    bench_accounts(db)
    with store.engine.connect() as conn:
        documents = conn.scalar(select(func.count(DocumentRow.id))) or 0
    paths = pages(db, random.Random(1))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "luoshi.cli",
            "serve",
            "--db",
            db,
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env={**os.environ},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        cookies = {}
        for who, name in (("office", "bench"), ("unit", "bench-unit")):
            login = httpx.post(base + "/api/login", json={"name": name, "password": PASSWORD})
            login.raise_for_status()
            cookies[who] = login.cookies

        def load(seconds: float, interval: float | None) -> tuple[dict[str, list[float]], list[str], float]:
            if args.driver == "wrk":
                return wrk_load(base, cookies, paths, args.clients, seconds, interval)
            timings: dict[str, list[float]] = {}
            errors: list[str] = []
            deadline = time.monotonic() + seconds

            async def run() -> None:
                await asyncio.gather(
                    *(
                        client_loop(base, cookies, deadline, paths, i, timings, errors, interval)
                        for i in range(args.clients)
                    )
                )

            t0 = time.perf_counter()
            asyncio.run(run())
            return timings, errors, time.perf_counter() - t0

        if args.warm:
            load(args.warm, None)  # first answers computed (caches per data version), as on a server in use
        runs = {}
        if args.mode in ("closed", "both"):
            runs["closed_loop"] = (
                load(args.seconds, None),
                "each client's next request when the last is answered, no think time",
            )
        if args.mode in ("open", "both"):
            runs["open_loop"] = (
                load(args.seconds, args.interval),
                f"each client clicks every {args.interval:g} s whatever the answers "
                f"({args.clients / args.interval:g} requests/s offered); times from when a click was due",
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a worker still answering the last requests
            server.kill()
            server.wait(timeout=30)
    out = {
        "documents": documents,
        "tasks": args.tasks if args.build else None,
        "built": built,
        "clients": args.clients,
        "driver": args.driver,
        "workers": args.workers,
        "load_average_at_start": [round(x, 1) for x in load_at_start],
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],
        "before_and_after_ms": compared,
    }
    for label, ((timings, errors, elapsed), how) in runs.items():
        out[label] = summary(timings, errors, elapsed, how)
    print(json.dumps(out, ensure_ascii=False, indent=2))
    target = Path(__file__).with_name("out")
    target.mkdir(exist_ok=True)
    suffix = "" if args.driver == "httpx" else f"-{args.driver}"
    (target / f"web-{documents}{suffix}.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
