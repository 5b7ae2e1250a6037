"""The whole ``luoshi ingest`` command, serial beside Dask (``--workers 1``, ``--workers 2``), as
processes, on a generated corpus of ~5 KB readouts; rounds interleave the commands.

    python benchmarks/bench_dask_ingest.py [--docs 3000] [--rounds 3] [--pg URL] [--out NAME.json]

Timed from the start of the process to its exit: start-up, the LocalCluster's start and stop,
reading, extraction and writing. CPU time (the command and its worker processes) is reported
too: on a shared machine it moves far less than wall-clock time, and 2 × serial CPU ÷ Dask CPU
bounds what two idle cores could give. Peak memory is the largest sum of the resident memory of the
command and every process below it (its workers and nannies), sampled every 50 ms. With --pg
the same commands write to new databases on that PostgreSQL server (the workers write there
through their own connections). Ratios are against the serial command of the same round.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import sqlalchemy as sa
from bench_ingest_search import compile_tree, write_corpus
from sqlalchemy.engine import make_url

COMMANDS = {"serial": [], "workers_1": ["--workers", "1"], "workers_2": ["--workers", "2"]}
WORKERS = {"serial": 1, "workers_1": 1, "workers_2": 2}


def peak_tree_mb(proc: subprocess.Popen[bytes], stop: threading.Event, found: list[float]) -> None:
    """Appends the peak memory (MB: the sum of the resident memory of the command's tree, which
    counts pages shared between processes once per process, e.g. what the workers inherit from
    the fork server), then the command's own CPU seconds
    (without its workers': the client's share) and those of its main thread (the rest of the
    client's CPU is its other threads': with a LocalCluster the scheduler, the nannies and the
    client's communication), as last sampled before it exited, and the peak of the tree's
    proportional set size (each shared page divided among the processes sharing it), sampled
    every 0.5 s."""
    top = psutil.Process(proc.pid)
    peak = peak_pss = 0
    own = main = 0.0
    samples = 0
    while not stop.is_set():
        try:
            procs = [top, *top.children(recursive=True)]
            peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()))
            if samples % 10 == 0:  # (reading the maps costs more: every 0.5 s)
                pss = sum(p.memory_full_info().pss for p in procs if p.is_running())
                peak_pss = max(peak_pss, pss)
            samples += 1
            times = top.cpu_times()
            own = times.user + times.system
            main = sum(t.user_time + t.system_time for t in top.threads() if t.id == proc.pid)
        except psutil.Error:
            pass
        stop.wait(0.05)
    found.extend([peak / 2**20, own, main, peak_pss / 2**20])


def children_cpu() -> float:
    """CPU seconds (user + system) of the finished processes below this one: a command and the
    worker processes it started and waited for."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


Run = tuple[float, float, float, float, float, float, float]


def run(args: list[str], pythonpath: str | None = None) -> Run:
    """Wall-clock seconds, CPU seconds, peak memory (MB), the command's own CPU seconds and its
    main thread's (sampled every 50 ms: the last 50 ms may be missing) of one command, the
    load average (1 minute) when it started and the peak proportional set size (MB)."""
    load = os.getloadavg()[0]
    env = dict(os.environ, PYTHONPATH=pythonpath) if pythonpath else None
    stop = threading.Event()
    found: list[float] = []
    cpu = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "ingest", *args, "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    sampler = threading.Thread(target=peak_tree_mb, args=(proc, stop, found))
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - t0
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"{args}: exit {proc.returncode}\n{out.decode()}\n{err.decode()}")
    return wall, children_cpu() - cpu, found[0], found[1], found[2], load, found[3]


class Databases:
    """New store locations: SQLite files in ``work``, or databases on a PostgreSQL server."""

    def __init__(self, work: Path, pg: str | None) -> None:
        self.work, self.pg = work, pg
        self.made: list[str] = []
        self.server = (
            sa.create_engine(make_url(pg).set(database="postgres"), isolation_level="AUTOCOMMIT")
            if pg
            else None
        )

    def new(self, label: str) -> str:
        if self.server is None:
            path = self.work / f"{label}.db"
            for stale in self.work.glob(f"{label}.db*"):
                stale.unlink()
            return str(path)
        name = f"luoshi_bench_{uuid.uuid4().hex[:10]}"
        with self.server.connect() as conn:
            conn.exec_driver_sql(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        self.made.append(name)
        assert self.pg is not None  # there is a server only with a URL
        return make_url(self.pg).set(database=name).render_as_string(hide_password=False)

    def drop(self) -> None:
        if self.server is None:
            return
        with self.server.connect() as conn:
            for name in self.made:
                conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        self.server.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--pg", default=os.environ.get("LUOSHI_BENCH_PG"), help="PostgreSQL URL (server).")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument(
        "--base",
        default=None,
        help="Another source tree (its src directory): its commands run too, alternating with"
        " this environment's, labelled base_*, each tree's ratios against its own serial command.",
    )
    ap.add_argument("--only", default=None, help="Comma-separated labels to run (serial is always run).")
    ap.add_argument(
        "--out", default="dask_ingest.json", help="File name of the results under benchmarks/out."
    )
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="luoshi-bench-dask-"))
    import luoshi  # this environment's tree, and the base's, with their bytecode written

    compile_tree(Path(luoshi.__file__).parents[1])
    if args.base:
        compile_tree(args.base)
    corpus = work / "corpus"
    size = write_corpus(corpus, args.docs, parts=4, seed=1)
    backends = {"sqlite": Databases(work, None)}
    if args.pg:
        backends["postgresql"] = Databases(work, args.pg)
    out: dict[str, object] = {
        "documents": args.docs,
        "avg_kb": round(size / args.docs / 1024, 2),
        "rounds": args.rounds,
        "cpus": os.cpu_count(),
        "load_before": [round(x, 2) for x in os.getloadavg()],
    }
    chosen = [c for c in COMMANDS if not args.only or c == "serial" or c in args.only.split(",")]
    # with a base tree: each command of the two trees in turn, the base's first in odd rounds
    labels = [p + c for c in chosen for p in (("", "base_") if args.base else ("",))]
    swapped = [p + c for c in chosen for p in (("base_", "") if args.base else ("",))]
    try:
        for backend, dbs in backends.items():
            times: dict[str, list[Run]] = {label: [] for label in labels}
            for r in range(args.rounds):
                for label in labels if r % 2 == 0 else swapped:
                    command = label.removeprefix("base_")
                    path = args.base if label.startswith("base_") else None
                    db = dbs.new(f"{label}-{r}")
                    times[label].append(run([str(corpus), "--db", db, *COMMANDS[command]], path))
            result: dict[str, object] = {}
            for label, runs in times.items():
                prefix = "base_" if label.startswith("base_") else ""
                serial = [r[0] for r in times[prefix + "serial"]]
                serial_cpu = statistics.median(r[1] for r in times[prefix + "serial"])
                walls = [r[0] for r in runs]
                cpu = statistics.median(r[1] for r in runs)
                client = statistics.median(r[3] for r in runs)
                main_thread = statistics.median(r[4] for r in runs)
                workers = statistics.median(r[1] - r[3] for r in runs)
                result[label] = {
                    "docs_per_s_each_round": [round(args.docs / w, 1) for w in walls],
                    "docs_per_s_median": round(args.docs / statistics.median(walls), 1),
                    "ratio_to_serial_each_round": [
                        round(s / w, 3) for s, w in zip(serial, walls, strict=True)
                    ],
                    "ratio_to_serial_median": round(
                        statistics.median(s / w for s, w in zip(serial, walls, strict=True)), 3
                    ),
                    "cpu_ms_per_doc_median": round(1000 * cpu / args.docs, 2),
                    # the command's own process (with workers: the client; it writes on SQLite
                    # and clusters people): speed-up <= whole CPU / this, on any number of cores
                    "client_cpu_ms_per_doc_median": round(1000 * client / args.docs, 2),
                    # the client's main thread (reads or receives, writes on SQLite, the people
                    # refresh) and its other threads (scheduler, nannies, communication)
                    "client_main_thread_cpu_ms_per_doc_median": round(1000 * main_thread / args.docs, 2),
                    "client_other_threads_cpu_ms_per_doc_median": round(
                        1000 * (client - main_thread) / args.docs, 2
                    ),
                    # the processes below the command: the workers and the fork server
                    "workers_cpu_ms_per_doc_median": round(1000 * workers / args.docs, 2),
                    "ratio_bound_by_client": round(cpu / client, 3) if client else None,
                    # what idle cores could give: as many cores as workers (at most the machine's)
                    # doing the serial command's work at this command's CPU cost (an upper bound)
                    "ratio_bound_on_idle_cores": round(
                        min(os.cpu_count() or 1, WORKERS[label.removeprefix("base_")]) * serial_cpu / cpu, 3
                    ),
                    "peak_memory_mb_max": round(max(r[2] for r in runs), 1),
                    "peak_pss_mb_max": round(max(r[6] for r in runs), 1),
                    "load_at_start_each_round": [round(r[5], 2) for r in runs],
                }
            out[backend] = result
            print(json.dumps({backend: result}, ensure_ascii=False), flush=True)
    finally:
        for dbs in backends.values():
            dbs.drop()
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    result_dir = Path(__file__).with_name("out")
    result_dir.mkdir(exist_ok=True)
    (result_dir / args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2))
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
