"""The people refresh inside the whole ``luoshi ingest`` command (a first ingest: a new store), this
tree beside an older one's sources, on the same files, in one run; rounds interleave the two.

    python benchmarks/bench_refresh_in_ingest.py --base-src /tmp/base12/src [--docs 1000] [--rounds 4]
    python benchmarks/bench_refresh_in_ingest.py --base-src … --corpus /tmp/prof/c

Each run is a process of the same interpreter with the tree's sources first on ``PYTHONPATH``
(both trees' bytecode written first: ``compile_tree``) that runs the ``ingest`` command into a
new SQLite file with ``services.people.refresh`` wrapped: the CPU time (``process_time``) of the
process inside that call, and of the whole process. The refresh there costs more than in
``bench_people_refresh.py``'s child (the ingest's heap, its page cache). Reported: each run's
figures, the medians, the old tree's over the new one's. The people tables the two trees write
are compared row for row, ids included (the run fails when they differ). The corpus is
``write_corpus(…, docs, 4, 1)`` (4.7 KB readouts) unless ``--corpus`` names a folder."""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_ingest_search import compile_tree, write_corpus

HERE = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, json, sys, time
began = time.process_time()
from luoshi.services import people
inside = [0.0]
refresh = people.refresh
def timed(*args, **kwargs):
    t = time.process_time()
    try:
        return refresh(*args, **kwargs)
    finally:
        inside[0] += time.process_time() - t
people.refresh = timed
from luoshi.cli.main import app
corpus, db = sys.argv[1:3]
try:
    app(["ingest", corpus, "--db", db, "-q"], standalone_mode=False)
except SystemExit:
    pass
whole = time.process_time() - began
import sqlite3
digest = hashlib.sha256()
conn = sqlite3.connect(db)
for t in ("people", "person_posts", "person_sightings"):
    for row in conn.execute(f"SELECT * FROM {t} ORDER BY id"):
        digest.update(repr(row).encode())
print(json.dumps({"refresh": inside[0], "whole": whole, "tables": digest.hexdigest()}))
"""


def child(src: Path, corpus: Path, db: Path) -> dict[str, float | str]:
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(src), "LUOSHI_LANG": "en"}
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus), str(db)], env=env, capture_output=True, text=True
    )
    if proc.returncode:
        raise SystemExit(proc.stderr)
    out: dict[str, float | str] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-src", type=Path, required=True, help="the older tree's src folder")
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--corpus", type=Path, default=None, help="a folder of readouts (else generated)")
    parser.add_argument("--rounds", type=int, default=4)
    args = parser.parse_args()
    trees = {"old": compile_tree(args.base_src), "new": compile_tree(HERE / "src")}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = args.corpus
        if corpus is None:
            corpus = root / "corpus"
            write_corpus(corpus, args.docs, 4, 1)
        documents = sum(1 for _ in corpus.rglob("*.txt"))
        found: dict[tuple[str, str], list[float]] = {}
        tables: set[str] = set()
        for k in range(args.rounds):
            line = []
            for tree in ("old", "new") if k % 2 == 0 else ("new", "old"):
                out = child(trees[tree], corpus, root / f"{tree}.db")
                for part in ("refresh", "whole"):
                    found.setdefault((tree, part), []).append(float(out[part]))
                tables.add(str(out["tables"]))
                line.append(f"{tree} refresh {float(out['refresh']):.3f} s of {float(out['whole']):.2f} s")
            ratio = found[("old", "refresh")][-1] / found[("new", "refresh")][-1]
            print(
                f"round {k + 1}: {', '.join(line)}; refresh old/new {ratio:.2f} (load {os.getloadavg()[0]:.1f})"
            )
        for part in ("refresh", "whole"):
            old, new = statistics.median(found[("old", part)]), statistics.median(found[("new", part)])
            print(
                f"median {part} ({documents} documents): old {old:.3f} s, new {new:.3f} s CPU "
                f"({1000 * old / documents:.2f} → {1000 * new / documents:.2f} ms a document), old/new {old / new:.2f}"
            )
        print("people tables: " + ("the same" if len(tables) == 1 else "DIFFERENT"))
        if len(tables) != 1:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
