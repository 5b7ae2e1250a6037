"""What users wait for: whole commands, start-up included, beside baselines run in the same run.

    python benchmarks/bench_cli.py [--files 600] [--rounds 3]

- ``luoshi extract DIR --jsonl`` as a process over N files, against a process running a
  jieba.posseg baseline script over the same files (target: luoshi ≥ 20× faster);
- ``luoshi --help`` and ``luoshi search`` start-up, against ``python -c pass`` (targets: ≤ 0.3 s and
  ≤ 0.5 s, reported with the interpreter's own start-up beside them).
Medians of interleaved rounds; every figure comes with the baseline measured in the same round.
"""

from __future__ import annotations

import argparse
import json
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


def _time(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=600)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        _corpus(folder, args.files)
        script = Path(tmp) / "baseline.py"
        script.write_text(BASELINE, encoding="utf-8")
        db = Path(tmp) / "s.db"
        subprocess.run(
            [LUOSHI, "ingest", str(folder), "--db", str(db), "-q"], check=False, capture_output=True
        )
        python = [sys.executable, "-c", "pass"]
        rows: dict[str, list[float]] = {k: [] for k in ("extract", "jieba", "help", "search", "python")}
        for _ in range(args.rounds):
            rows["extract"].append(_time([LUOSHI, "extract", str(folder), "--jsonl"]))
            rows["jieba"].append(_time([sys.executable, str(script), str(folder)]))
            rows["help"].append(_time([LUOSHI, "--help"]))
            rows["search"].append(_time([LUOSHI, "search", "改革", "--db", str(db)]))
            rows["python"].append(_time(python))
    med = {k: statistics.median(v) for k, v in rows.items()}
    print(
        json.dumps(
            {
                "files": args.files,
                "extract_s": round(med["extract"], 2),
                "jieba_baseline_s": round(med["jieba"], 2),
                "extract_speed_ratio": round(med["jieba"] / med["extract"], 1),
                "help_s": round(med["help"], 3),
                "search_s": round(med["search"], 3),
                "python_start_s": round(med["python"], 3),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
