"""CPU time of one luoshi command run with several source trees, rounds interleaved.

    python benchmarks/bench_command_cpu.py --rounds 8 main=/tmp/base/src new=src -- \\
        ingest CORPUS --db {db} -q

Each round runs the command once per tree (``python -m luoshi.cli …`` with that tree's ``src``
first on ``PYTHONPATH``; the order reversed every other round), ``{db}`` replaced by a new
SQLite file of that tree. Reported: the CPU time (user + system) of each run, the medians, and
with two trees the median of the rounds' differences (first minus second). Start-up costs show
in a command on a few files, where the machine's drift does not hide them."""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_ingest_search import compile_tree


def cpu_of(command: list[str], src: str) -> float:
    env = {**os.environ, "PYTHONPATH": str(Path(src).resolve()), "LUOSHI_LANG": "en"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", *command], env=env, capture_output=True, text=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in (0, 3):
        raise SystemExit(f"{src}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def main() -> None:
    argv = sys.argv[1:]
    if "--" not in argv:
        raise SystemExit("give the command after --")
    cut = argv.index("--")
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("trees", nargs="+", help="LABEL=SRC")
    args = ap.parse_args(argv[:cut])
    trees = [tuple(t.split("=", 1)) for t in args.trees]
    for _, src in trees:
        compile_tree(src)
    command = argv[cut + 1 :]
    work = Path(tempfile.mkdtemp(prefix="luoshi-cpu-"))
    runs: dict[str, list[float]] = {label: [] for label, _ in trees}
    for r in range(args.rounds):
        for label, src in trees if r % 2 == 0 else trees[::-1]:
            db = work / f"{label}-{r}.db"
            runs[label].append(cpu_of([w.replace("{db}", str(db)) for w in command], src))
            for stale in work.glob(f"{db.name}*"):
                stale.unlink()
        shown = "  ".join(f"{label} {runs[label][-1]:.3f}" for label, _ in trees)
        print(f"round {r}: {shown}  load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    for label, _ in trees:
        print(
            f"{label}: median {statistics.median(runs[label]):.3f} s  each {' '.join(f'{x:.3f}' for x in runs[label])}"
        )
    if len(trees) == 2:
        first, second = (runs[label] for label, _ in trees)
        print(
            f"median difference {statistics.median(a - b for a, b in zip(first, second, strict=True)):.3f} s"
        )


if __name__ == "__main__":
    main()
