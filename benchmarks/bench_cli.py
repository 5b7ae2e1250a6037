"""What users wait for: whole commands, start-up included, beside baselines run in the same run.

    python benchmarks/bench_cli.py [--files 600] [--rounds 3] [--large 5000] [--startup-only]

- ``luoshi extract DIR --jsonl`` as a process over N files, against a process running a
  jieba.posseg baseline script over the same files (target: luoshi ≥ 20× faster);
- ``luoshi --help`` and ``luoshi search`` start-up, against ``python -c pass`` (targets: ≤ 0.3 s and
  ≤ 0.5 s, reported with the interpreter's own start-up beside them): a search on the N-file
  store, on the demo store (``luoshi demo``), on a missing store, and with ``--large K`` on a store
  of K generated readouts. Wall time and the process's CPU time (user + system) are reported.
Medians of interleaved rounds; every figure comes with the baseline measured in the same round.

The commands run with Python's bytecode cache, as an installed luoshi does (written under the
run's temporary folder, ``PYTHONPYCACHEPREFIX``, after one warm-up run): a shell with
PYTHONDONTWRITEBYTECODE set would otherwise compile luoshi's own modules on every command.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from luoshi.demo.generate import readout

BIN = Path(sys.executable).parent
LUOSHI = str(BIN / "luoshi")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "eval"

BASELINE = r"""
import logging, re, sys
from pathlib import Path
import jieba, jieba.posseg as pseg
jieba.setLogLevel(logging.WARNING)
title = re.compile(r"《([^《》]+)》")
for path in sorted(Path(sys.argv[1]).iterdir()):
    text = path.read_text(encoding="utf-8", errors="replace")
    persons = [w for w, f in pseg.cut(text) if f == "nr"]
    print(len(persons), len(title.findall(text)))
"""


def _corpus(folder: Path, n: int) -> None:
    sources = [p for s in ("dev", "dev2") for p in sorted((SHARED / s / "docs").glob("*"))]
    rng = random.Random(7)
    for i in range(n):
        if i < len(sources):
            text = sources[i].read_bytes().decode("utf-8", errors="replace")
        else:
            text = "\n".join(readout(rng, i).body for _ in range(2))
        (folder / f"f{i:04d}.txt").write_text(text, encoding="utf-8")


def _time(
    cmd: list[str], env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)
) -> tuple[float, float]:
    """Wall and CPU (user + system) seconds of the command as a process."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) not in ok:
        raise SystemExit(f"{cmd} failed")
    return wall, usage.ru_utime + usage.ru_stime


def _large_corpus(folder: Path, n: int) -> None:
    """N generated readouts (two bodies each, every third in traditional script)."""
    from luoshi.text.fold import to_traditional

    rng = random.Random(11)
    for i in range(n):
        r = readout(rng, i)
        text = f"{r.title}\n\n" + "\n".join(readout(rng, i).body for _ in range(2)) + "\n"
        (folder / f"d{i:05d}.txt").write_text(to_traditional(text) if i % 3 == 0 else text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--large", type=int, default=0, help="also search a store of this many readouts")
    ap.add_argument("--startup-only", action="store_true", help="no extract/jieba comparison")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        folder = Path(tmp) / "docs"
        folder.mkdir()
        _corpus(folder, args.files)
        script = Path(tmp) / "baseline.py"
        script.write_text(BASELINE, encoding="utf-8")
        db = Path(tmp) / "s.db"
        subprocess.run(
            [LUOSHI, "ingest", str(folder), "--db", str(db), "-q"], check=False, capture_output=True, env=env
        )
        demo_db = Path(tmp) / "demo.db"
        subprocess.run([LUOSHI, "demo", "--db", str(demo_db)], check=True, capture_output=True, env=env)
        searches = {
            "search": ["search", "改革", "--db", str(db)],
            "search_demo": ["search", "改革", "--db", str(demo_db)],
            "search_missing": ["search", "改革", "--db", str(Path(tmp) / "missing.db")],
        }
        if args.large:
            large = Path(tmp) / "large"
            large.mkdir()
            _large_corpus(large, args.large)
            large_db = Path(tmp) / "large.db"
            subprocess.run([LUOSHI, "ingest", str(large), "--db", str(large_db), "-q"], check=True, env=env)
            searches["search_large"] = ["search", "改革", "--db", str(large_db)]
        python = [sys.executable, "-c", "pass"]
        _time([LUOSHI, "--help"], env)  # writes the bytecode cache
        rows: dict[str, list[tuple[float, float]]] = {}
        for _ in range(args.rounds):
            if not args.startup_only:
                rows.setdefault("extract", []).append(_time([LUOSHI, "extract", str(folder), "--jsonl"], env))
                rows.setdefault("jieba", []).append(_time([sys.executable, str(script), str(folder)], env))
            rows.setdefault("python", []).append(_time(python, env))
            rows.setdefault("help", []).append(_time([LUOSHI, "--help"], env))
            for name, cmd in searches.items():
                rows.setdefault(name, []).append(_time([LUOSHI, *cmd], env, ok=(0, 4)))
    wall = {k: statistics.median(w for w, _ in v) for k, v in rows.items()}
    cpu = {k: statistics.median(c for _, c in v) for k, v in rows.items()}
    out: dict[str, object] = {"files": args.files, "rounds": args.rounds, "load_average": os.getloadavg()[0]}
    if not args.startup_only:
        out |= {
            "extract_s": round(wall["extract"], 2),
            "jieba_baseline_s": round(wall["jieba"], 2),
            "extract_speed_ratio": round(wall["jieba"] / wall["extract"], 1),
        }
    for name in ("help", *searches, "python"):
        key = "python_start" if name == "python" else f"{name}"
        out[f"{key}_s"] = round(wall[name], 3)
        out[f"{key}_cpu_s"] = round(cpu[name], 3)
    if args.large:
        out["large_docs"] = args.large
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
