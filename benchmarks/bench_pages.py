"""Each page's own cost, in this process (no HTTP, no other clients): the first request (cold:
every cache of the data version empty) and the median of later ones (warm), wall and CPU time,
and the size of the answer.

    python benchmarks/bench_pages.py --db DIR/web.db [--warm 5] [--pages person,cited]

Run it once with the sources before a change and once after (``PYTHONPATH=…/src``), on copies
of the same store, one after the other: the CPU times say what a page costs the server whatever
else the machine runs. The pages and their ids are those of ``bench_web.py`` (a person, a cited
title, a task … picked from the store with the same seed). The store gets the benchmark's two
accounts if it lacks them.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from typing import Any

from bench_web import PASSWORD, bench_accounts, pages
from fastapi.testclient import TestClient

from luoshi.web import create_app


def timed(client: TestClient, path: str) -> tuple[float, float, int, int]:
    """(wall ms, CPU ms of this process, status, bytes) of one GET."""
    w, c = time.perf_counter(), time.process_time()
    r = client.get(path, headers={"Accept": "text/html"})
    return (time.perf_counter() - w) * 1000, (time.process_time() - c) * 1000, r.status_code, len(r.content)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True)
    ap.add_argument("--warm", type=int, default=5, help="Warm requests per page (the median is shown).")
    ap.add_argument("--pages", default="", help="Only these pages (names, comma-separated).")
    ap.add_argument("--each", type=int, default=3, help="Different instances of each page (ids, names).")
    args = ap.parse_args()
    bench_accounts(args.db)
    wanted = {p for p in args.pages.split(",") if p}
    picked: dict[str, list[tuple[str, str]]] = {}
    for name, path, who in pages(args.db, random.Random(1)):
        if (not wanted or name in wanted) and len(picked.setdefault(name, [])) < args.each:
            if (path, who) not in picked[name]:
                picked[name].append((path, who))
    app = create_app(args.db)
    clients = {}
    for who, user in (("office", "bench"), ("unit", "bench-unit")):
        clients[who] = TestClient(app)
        r = clients[who].post("/api/login", json={"name": user, "password": PASSWORD})
        r.raise_for_status()
    out: dict[str, Any] = {}
    for name, instances in picked.items():
        cold_wall, cold_cpu, warm_wall, warm_cpu, sizes, statuses = [], [], [], [], [], set()
        for path, who in instances:
            w, c, status, size = timed(clients[who], path)
            cold_wall.append(w)
            cold_cpu.append(c)
            statuses.add(status)
            sizes.append(size)
            for _ in range(args.warm):
                w, c, status, _ = timed(clients[who], path)
                warm_wall.append(w)
                warm_cpu.append(c)
        out[name] = {
            "cold_ms": round(statistics.median(cold_wall), 1),
            "cold_cpu_ms": round(statistics.median(cold_cpu), 1),
            "warm_ms": round(statistics.median(warm_wall), 1) if warm_wall else None,
            "warm_cpu_ms": round(statistics.median(warm_cpu), 1) if warm_cpu else None,
            "kb": round(statistics.median(sizes) / 1024, 1),
            "status": sorted(statuses),
        }
        print(name, json.dumps(out[name]), flush=True)
    print(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
