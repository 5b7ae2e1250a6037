"""The whole ``luoshi ingest`` command (with extraction, and ``--no-facts``) of this tree beside the
same command of an older commit, on the same files, in one run; rounds interleave the two.

    python benchmarks/bench_serial_ingest.py [--base 667f8fe] [--docs 2000] [--rounds 3]

The older commit is checked out once into a git worktree (``--base-tree``, default a folder in
the temporary directory) and run with its own sources first on ``PYTHONPATH``; both commands run
as processes of the same interpreter, on the same generated corpus of 4.7 KB readouts (four demo
readouts each, a third in traditional script), each into a new SQLite file. Reported: wall-clock
and CPU time (user + system of the command) per round, the medians, and the ratio of the old
command's time to the new one's within each round (> 1: faster now). The load average is
printed with each round: the machine is shared and its speed drifts."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_ingest_search import compile_tree, write_corpus

HERE = Path(__file__).resolve().parents[1]


def base_tree(commit: str, where: Path) -> Path:
    """A worktree of ``commit`` at ``where`` (made once, reused while it is at that commit)."""
    if (where / "src" / "luoshi").is_dir():
        head = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        wanted = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", commit], capture_output=True, text=True, check=True
        ).stdout.strip()
        if head == wanted:
            return where
        raise SystemExit(f"{where} holds {head}, not {commit}: give another --base-tree")
    subprocess.run(["git", "-C", str(HERE), "worktree", "add", "--detach", str(where), commit], check=True)
    return where


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(src: Path, corpus: Path, db: Path, extra: list[str]) -> tuple[float, float]:
    env = {**os.environ, "PYTHONPATH": str(src), "LUOSHI_LANG": "en"}
    cpu = children_cpu()
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "ingest", str(corpus), "--db", str(db), "-q", *extra],
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{src}: exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}")
    return wall, children_cpu() - cpu


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", default="667f8fe", help="The commit to compare with.")
    ap.add_argument("--base-tree", type=Path, default=Path(tempfile.gettempdir()) / "luoshi-bench-base")
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--no-facts-too", action="store_true", help="Also time --no-facts.")
    args = ap.parse_args()
    old_src = compile_tree(base_tree(args.base, args.base_tree.resolve()) / "src")
    new_src = compile_tree(HERE / "src")
    work = args.workdir or Path(tempfile.mkdtemp(prefix="luoshi-serial-"))
    corpus = work / "corpus"
    if not corpus.is_dir():
        write_corpus(corpus, args.docs, parts=4, seed=1)
    size = sum(p.stat().st_size for p in corpus.rglob("*.txt"))
    n = sum(1 for _ in corpus.rglob("*.txt"))
    modes: dict[str, list[str]] = {"with_facts": []}
    if args.no_facts_too:
        modes["no_facts"] = ["--no-facts"]
    times: dict[str, dict[str, list[tuple[float, float]]]] = {m: {"old": [], "new": []} for m in modes}
    loads: list[float] = []
    for r in range(args.rounds):
        loads.append(os.getloadavg()[0])
        for mode, extra in modes.items():
            order = (
                [("old", old_src), ("new", new_src)] if r % 2 == 0 else [("new", new_src), ("old", old_src)]
            )
            for label, src in order:
                db = work / f"{label}-{mode}-{r}.db"
                times[mode][label].append(run(src, corpus, db, extra))
                for stale in work.glob(f"{db.name}*"):
                    stale.unlink()
            old, new = times[mode]["old"][-1], times[mode]["new"][-1]
            print(
                f"round {r} {mode}: old {old[0]:.1f} s ({old[1]:.1f} s CPU), new {new[0]:.1f} s "
                f"({new[1]:.1f} s CPU), load {loads[-1]:.1f}",
                file=sys.stderr,
            )
    out: dict[str, object] = {
        "base": args.base,
        "documents": n,
        "avg_kb": round(size / n / 1024, 2),
        "rounds": args.rounds,
        "load_average_each_round": loads,
    }
    for mode in modes:
        entry: dict[str, object] = {}
        for label in ("old", "new"):
            walls = [w for w, _ in times[mode][label]]
            cpus = [c for _, c in times[mode][label]]
            entry[label] = {
                "docs_per_s_each_round": [round(n / w, 1) for w in walls],
                "docs_per_s_median": round(n / statistics.median(walls), 1),
                "cpu_docs_per_s_each_round": [round(n / c, 1) for c in cpus],
                "cpu_docs_per_s_median": round(n / statistics.median(cpus), 1),
            }
        pairs = list(zip(times[mode]["old"], times[mode]["new"], strict=True))
        entry["speedup_wall_each_round"] = [round(o[0] / w[0], 2) for o, w in pairs]
        entry["speedup_cpu_each_round"] = [round(o[1] / w[1], 2) for o, w in pairs]
        entry["speedup_wall_median"] = round(statistics.median(o[0] / w[0] for o, w in pairs), 2)
        entry["speedup_cpu_median"] = round(statistics.median(o[1] / w[1] for o, w in pairs), 2)
        out[mode] = entry
    print(json.dumps(out, ensure_ascii=False, indent=2))
    target = Path(__file__).with_name("out")
    target.mkdir(exist_ok=True)
    (target / "serial_ingest.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
