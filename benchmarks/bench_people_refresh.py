"""The people refresh after ingest (``services.people.refresh``) of this tree beside an older
commit's, on the same stores, in one run; rounds interleave the two.

    python benchmarks/bench_people_refresh.py [--base b56a570] [--docs 2000] [--more 500] [--rounds 3]

The corpus is ``bench_ingest_search.write_corpus`` (4.7 KB readouts). Two stores are made once,
with this tree: --docs readouts ingested and refreshed, then --more ingested (not refreshed).
Each round, for each tree (its sources first on ``PYTHONPATH``, a process each), on copies:

- ``full``: the first store with its people forgotten (every document queued, the people
  tables empty): the refresh of a first ingest of --docs readouts, every name clustered whole;
- ``more``: the second store: the refresh of --more new readouts into a store of --docs, new
  mentions added to the stored persons (``link.people.extend``).

Reported: CPU seconds of the refresh alone (the process's, measured around the call) and per
document, the medians, and the old tree's CPU over the new one's (> 1: faster now); and of it the
CPU inside the calls of ``link.people`` the refresh makes (``sightings_from_facts``, ``cluster``,
``extend``: the sightings built and the clustering, without reading or writing the store). The people
tables the two trees write are compared row for row (ids included): the run fails when they
differ. The older commit is checked out once into a git worktree (``--base-tree``), or its
``src`` folder is given (``--base-src``)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_ingest_search import write_corpus
from bench_serial_ingest import base_tree

HERE = Path(__file__).resolve().parents[1]

CHILD = r"""
import hashlib, json, shutil, sys, time
from sqlalchemy import text
from luoshi.services import people
from luoshi.store import open_store
from luoshi.store import people as tables
source, mode, db = sys.argv[1:4]
shutil.copy(source, db)
store = open_store(db)
if mode == "full":
    def forget(conn):
        tables.queue_all(conn)
        for t in ("person_sightings", "people", "person_posts"):
            conn.execute(text(f"DELETE FROM {t}"))
    store.run(forget)
link = {"sightings": 0.0, "cluster": 0.0, "extend": 0.0}
def timed(part, f):
    def call(*args, **kwargs):
        began = time.process_time()
        try:
            return f(*args, **kwargs)
        finally:
            link[part] += time.process_time() - began
    return call
people.sightings_from_facts = timed("sightings", people.sightings_from_facts)
people.cluster = timed("cluster", people.cluster)
people.extend = timed("extend", people.extend)
cpu = time.process_time()
report = people.refresh(store)
cpu = time.process_time() - cpu
digest = hashlib.sha256()
with store.engine.connect() as conn:
    for t in ("people", "person_posts", "person_sightings"):
        for row in conn.execute(text(f"SELECT * FROM {t} ORDER BY id")):
            digest.update(repr(tuple(row)).encode())
print(json.dumps({"cpu": cpu, "link": link, "documents": report.documents, "tables": digest.hexdigest()}))
"""

PREPARE = r"""
import sys
from pathlib import Path
from luoshi.pipeline import ingest_paths
from luoshi.services import people
from luoshi.store import open_store
first, more, db_first, db_more = sys.argv[1:5]
store = open_store(db_first)
ingest_paths(store, [Path(first)])
people.refresh(store)
store.engine.dispose()
import shutil
shutil.copy(db_first, db_more)
store = open_store(db_more)
ingest_paths(store, [Path(more)])
"""


def child(src: Path, script: str, *args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(src)}
    proc = subprocess.run([sys.executable, "-c", script, *args], env=env, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(proc.stderr)
    return proc.stdout


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base", default="b56a570")
    parser.add_argument("--base-tree", type=Path, default=None)
    parser.add_argument("--base-src", type=Path, default=None, help="the older tree's src folder")
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--more", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if args.base_src:
            old_src = args.base_src
        else:
            old_src = base_tree(args.base, args.base_tree or root / "base") / "src"
        new_src = HERE / "src"
        corpus = root / "corpus"
        write_corpus(corpus, args.docs + args.more, 4, 7)
        files = sorted(corpus.rglob("*.txt"))
        first, more = root / "first", root / "more"
        for folder, part in ((first, files[: args.docs]), (more, files[args.docs :])):
            folder.mkdir()
            for f in part:
                shutil.move(str(f), folder / f.name)
        stores = {"full": root / "first.db", "more": root / "more.db"}
        child(new_src, PREPARE, str(first), str(more), str(stores["full"]), str(stores["more"]))
        count = {"full": args.docs, "more": args.more}
        found: dict[tuple[str, str], list[float]] = {}
        tables: dict[tuple[str, str], set[str]] = {}
        parts: dict[tuple[str, str, str], list[float]] = {}  # CPU inside ``link.people``'s calls
        for k in range(args.rounds):
            for mode in ("full", "more"):
                line = []
                for tree, src in (("old", old_src), ("new", new_src)):
                    out = json.loads(child(src, CHILD, str(stores[mode]), mode, str(root / "run.db")))
                    found.setdefault((mode, tree), []).append(out["cpu"])
                    for part, seconds in out["link"].items():
                        parts.setdefault((mode, tree, part), []).append(seconds)
                    tables.setdefault((mode, tree), set()).add(out["tables"])
                    line.append(f"{tree} {out['cpu']:.3f} s ({1000 * out['cpu'] / count[mode]:.2f} ms/doc)")
                ratio = found[(mode, "old")][-1] / found[(mode, "new")][-1]
                load = os.getloadavg()[0]
                print(f"round {k + 1} {mode:4s}: {', '.join(line)}; old/new {ratio:.2f} (load {load:.1f})")
        for mode in ("full", "more"):
            old = statistics.median(found[(mode, "old")])
            new = statistics.median(found[(mode, "new")])
            print(
                f"median {mode:4s} ({count[mode]} documents): old {1000 * old / count[mode]:.2f} ms CPU/doc, "
                f"new {1000 * new / count[mode]:.2f} ms CPU/doc, old/new {old / new:.2f}"
            )
            link = {
                tree: {
                    part: statistics.median(parts[(mode, tree, part)])
                    for part in ("sightings", "cluster", "extend")
                }
                for tree in ("old", "new")
            }
            shown = ", ".join(
                f"{part} {1000 * link['old'][part] / count[mode]:.2f} → {1000 * link['new'][part] / count[mode]:.2f}"
                for part in ("sightings", "cluster", "extend")
                if link["old"][part] or link["new"][part]
            )
            old_link, new_link = sum(link["old"].values()), sum(link["new"].values())
            print(
                f"  of which link.people ({shown} ms CPU/doc): old {1000 * old_link / count[mode]:.2f}, "
                f"new {1000 * new_link / count[mode]:.2f}, old/new {old_link / new_link:.2f}"
            )
        same = all(tables[(m, "old")] == tables[(m, "new")] and len(tables[(m, "new")]) == 1 for m in count)
        print("people tables: " + ("the same" if same else "DIFFERENT"))
        if not same:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
