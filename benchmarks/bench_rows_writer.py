"""A document's rows and their writing on SQLite, inside the whole ``luoshi ingest`` command: the
CPU time of ``store.rows.document_rows`` and of ``pipeline.write_batch`` (the two wrapped where
the pipeline calls them), of this tree and of another source tree in the same run, rounds
alternating the two.

    python benchmarks/bench_rows_writer.py --base-src /tmp/base10/src [--corpus DIR | --docs 1000] [--rounds 4]
        [--this-src SRC]

Each measurement is a process of this interpreter running ``luoshi ingest CORPUS --db NEW.db``
with the tree's ``src`` first on ``PYTHONPATH`` (the base tree must accept the same calls;
``--this-src``: another folder than this checkout's ``src`` — a frozen copy, so that editing the
checkout during a run changes nothing measured). The
corpus is generated as ``bench_dask_ingest``'s (4.7 KB readouts) unless ``--corpus`` is given.
Reported per round and as medians: the two functions' CPU seconds, their sum, the whole
command's, and the ratio base / this tree of the sum (> 1: less CPU now). The machine is shared:
compare within a run, and look at the load average printed with each measurement."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_ingest_search import write_corpus

HERE = Path(__file__).resolve().parents[1]

# Run in the measured process: wrap the two functions where the pipeline calls them, run the
# command, print the CPU seconds as JSON on the last line of stderr.
PROBE = r"""
import json, sys, time
from luoshi import pipeline
spent = {"document_rows": 0.0, "write_batch": 0.0}
def timed(name, f):
    def g(*a, **k):
        c = time.process_time()
        try:
            return f(*a, **k)
        finally:
            spent[name] += time.process_time() - c
    return g
pipeline.document_rows = timed("document_rows", pipeline.document_rows)
pipeline.write_batch = timed("write_batch", pipeline.write_batch)
from luoshi.cli.main import app
start = time.process_time()
try:
    app(["ingest", sys.argv[1], "--db", sys.argv[2]], standalone_mode=False)
except SystemExit:
    pass
spent["command"] = time.process_time() - start
print(json.dumps(spent), file=sys.stderr)
"""


def measure(src: Path, corpus: Path, db: Path) -> dict[str, float]:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    env = {**os.environ, "PYTHONPATH": str(src)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(corpus), str(db)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    spent: dict[str, float] = json.loads(done.stderr.strip().splitlines()[-1])
    spent["sum"] = spent["document_rows"] + spent["write_batch"]
    if not spent["sum"]:
        raise SystemExit(f"nothing was ingested by {src}:\n{done.stdout}{done.stderr}")
    spent["load"] = os.getloadavg()[0]
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    return {k: round(v, 3) for k, v in spent.items()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base-src", type=Path, required=True, help="the other tree's src folder")
    ap.add_argument("--corpus", type=Path, default=None)
    ap.add_argument("--this-src", type=Path, default=HERE / "src", help="the measured tree's src folder")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--workdir", type=Path, default=None)
    args = ap.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="luoshi-bench-rows-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = args.corpus or work / "corpus"
    if args.corpus is None and not corpus.is_dir():
        write_corpus(corpus, args.docs, parts=4, seed=1)
    trees = {"base": args.base_src.resolve(), "this": args.this_src.resolve()}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
    for round_ in range(args.rounds):
        order = list(trees) if round_ % 2 == 0 else list(reversed(trees))
        for name in order:
            runs[name].append(measure(trees[name], corpus, work / f"{name}.db"))
            print(json.dumps({"round": round_ + 1, "tree": name, **runs[name][-1]}), flush=True)
    medians = {
        name: {k: round(statistics.median(r[k] for r in rs), 3) for k in rs[0] if k != "load"}
        for name, rs in runs.items()
    }
    ratios = [round(b["sum"] / t["sum"], 2) for b, t in zip(runs["base"], runs["this"], strict=True)]
    print(
        json.dumps(
            {
                "medians": medians,
                "ratio_of_sums_by_round": ratios,
                "ratio_of_median_sums": round(medians["base"]["sum"] / medians["this"]["sum"], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
