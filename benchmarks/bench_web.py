"""Load on the web application: concurrent clients on loopback for a fixed time.

    python benchmarks/bench_web.py --db /path/to/large.db [--clients 50] [--seconds 60]

Starts `uvicorn luoshi.web.asgi:app` on 127.0.0.1 over the given store (build one with
bench_ingest_search.py), logs a user in, and has each client loop over a search, a document page
and the dashboard until the time is up. Reports p50/p95 latency and the error count.
Traffic goes to 127.0.0.1 only and stops by itself.

--driver wrk (the default where Debian's wrk is installed) uses wrk, whose C event loop takes far
less of the two cores away from the server being measured; --driver python drives the clients
with httpx in this process and reports per route.
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
from pathlib import Path

import httpx
from sqlalchemy import func, select

from luoshi.accounts.service import Accounts
from luoshi.store import open_store
from luoshi.store.schema import DocumentRow

QUERIES = ["前海", "橫琴", "倒排工期", "年度工作任务", "營商環境", "口岸", "滨海新区", "督查督办"]
PASSWORD = "bench-password-1"


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else 0.0


async def client_loop(base: str, cookies: httpx.Cookies, deadline: float, max_doc: int, seed: int,
                      timings: dict[str, list[float]], errors: list[str]) -> None:  # fmt: skip
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, cookies=cookies, timeout=30) as client:
        while time.monotonic() < deadline:
            for route, path in (("search", f"/documents?q={rng.choice(QUERIES)}"),
                                ("document", f"/documents/{rng.randint(1, max_doc)}"), ("dashboard", "/")):  # fmt: skip
                t0 = time.perf_counter()
                try:
                    r = await client.get(path, headers={"Accept": "text/html"})
                    if r.status_code != 200:
                        errors.append(f"{path}: {r.status_code}")
                except httpx.HTTPError as e:
                    errors.append(f"{path}: {type(e).__name__}")
                timings[route].append((time.perf_counter() - t0) * 1000)


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1], {["Cookie"] = "%s", ["Accept"] = "text/html"})
end
done = function(summary, latency, requests)
  io.write(string.format('{"requests": %%d, "errors": %%d, "p50_ms": %%.1f, "p95_ms": %%.1f, "p99_ms": %%.1f}\\n',
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def run_wrk(base: str, cookies: httpx.Cookies, args: argparse.Namespace, max_doc: int) -> dict[str, object]:
    from urllib.parse import quote

    rng = random.Random(1)
    paths = []
    for _ in range(300):
        paths += [f"/documents?q={quote(rng.choice(QUERIES))}", f"/documents/{rng.randint(1, max_doc)}", "/"]
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
    script = Path(tempfile.mkdtemp()) / "mix.lua"
    script.write_text(WRK_SCRIPT % (", ".join(f'"{p}"' for p in paths), cookie))
    result = subprocess.run(["wrk", "-t2", f"-c{args.clients}", f"-d{int(args.seconds)}s", "--timeout", "10s",
                             "-s", str(script), base], capture_output=True, text=True, check=True)  # fmt: skip
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return {"driver": "wrk", "documents": max_doc, "clients": args.clients, "seconds": args.seconds,
            "workers": args.workers, **figures, "requests_per_s": round(figures["requests"] / args.seconds, 1)}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--driver", choices=("python", "wrk"), default="wrk" if shutil.which("wrk") else "python")
    args = ap.parse_args()
    store = open_store(args.db)
    accounts = Accounts(store)
    if accounts.get("bench") is None:
        accounts.add("bench", PASSWORD, "viewer")
    with store.engine.connect() as conn:
        max_doc = conn.scalar(select(func.max(DocumentRow.id))) or 1
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "LUOSHI_DB": args.db}
    server = subprocess.Popen([sys.executable, "-m", "uvicorn", "luoshi.web.asgi:app", "--port", str(port),
                               "--workers", str(args.workers), "--log-level", "warning"], env=env)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(base + "/login", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        login = httpx.post(base + "/api/login", json={"name": "bench", "password": PASSWORD})
        login.raise_for_status()
        if args.driver == "wrk":
            out = run_wrk(base, login.cookies, args, max_doc)
            print(json.dumps(out, ensure_ascii=False, indent=2))
            return
        timings: dict[str, list[float]] = {"search": [], "document": [], "dashboard": []}
        errors: list[str] = []
        deadline = time.monotonic() + args.seconds

        async def run() -> None:
            await asyncio.gather(*(client_loop(base, login.cookies, deadline, max_doc, i, timings, errors)
                                   for i in range(args.clients)))  # fmt: skip

        t0 = time.perf_counter()
        asyncio.run(run())
        elapsed = time.perf_counter() - t0
    finally:
        server.terminate()
        server.wait(timeout=20)
    every = [t for ts in timings.values() for t in ts]
    out = {
        "documents": max_doc, "clients": args.clients, "seconds": round(elapsed, 1), "workers": args.workers,
        "requests": len(every), "requests_per_s": round(len(every) / elapsed, 1), "errors": len(errors),
        "p50_ms": round(statistics.median(every), 1), "p95_ms": round(percentile(every, 0.95), 1),
        "per_route": {k: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p95_ms": round(percentile(v, 0.95), 1)}
                      for k, v in timings.items() if v},
        "first_errors": errors[:5],
    }  # fmt: skip
    print(json.dumps(out, ensure_ascii=False, indent=2))
    target = Path(__file__).with_name("out")
    target.mkdir(exist_ok=True)
    (target / "web.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
