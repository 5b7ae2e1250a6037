"""Follow-through: time per directive at growing store sizes, beside a baseline measured in the
same run, and the gold set's quality inside a large archive.

    python benchmarks/bench_follow.py [--sizes 10000 30000 100000] [--baseline-directives 5]

A store is filled with readouts of the demo generator (``luoshi.demo.generate.readout``,
without facts, without reprint linking: neither matters to following) and, spread over its
first ``--sizes[0]`` documents, the documents of the gold set (``tests/link/follow_set``, with
facts). At each size:

1. the phrase statistics are counted (a sample of ``luoshi.store.follow.SAMPLE`` documents);
2. every source document of the gold set is followed with the cache off
   (``luoshi.services.follow.follow_document(use_cache=False)``): milliseconds per directive,
   median and p95, and the same for 30 generator readouts stored with facts;
3. the same documents again, served from the stored results;
4. baseline: the same directives with candidates found by ``LIKE '%phrase%'`` over every
   document's text (what a store without luoshi's index would do), then the same alignment —
   for ``--baseline-directives`` directives only (it reads the whole table each time);
5. link precision, recall and label accuracy of the gold set at that size.

The generator's readouts share one template, so phrases of the template are boilerplate there
(far above 5% of the documents) and its directives have little to search for; the gold set's
directives name projects no generator readout names.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from luoshi.demo.generate import readout
from luoshi.evaluate import load_follow_gold, score_follow
from luoshi.extract import extract
from luoshi.ingest import document_from_text, read_paths
from luoshi.link.follow import Candidate, follow, query_phrases, weigh
from luoshi.services import follow as service
from luoshi.store import follow as stored
from luoshi.store import open_store
from luoshi.store.schema import DocumentRow
from luoshi.text.fold import to_simplified

GOLD = Path(__file__).resolve().parents[1] / "tests" / "link" / "follow_set"
BATCH = 1000


def fill(store, start: int, stop: int, gold: list[Any], first_size: int, rng: random.Random) -> None:
    """Readouts ``start``…``stop`` (and the gold documents that fall among them)."""
    every = max(first_size // (len(gold) + 1), 1)
    for begin in range(start, stop, BATCH):
        items = []
        for i in range(begin, min(begin + BATCH, stop)):
            r = readout(rng, i)
            doc = document_from_text(f"{r.title}\n{r.body}", f"bg{i}")
            doc.published = r.published
            items.append((doc, extract(doc) if i % 1000 == 7 else None))
            k = i // every
            if i % every == every - 1 and k < len(gold):
                items.append((gold[k], extract(gold[k])))
        with store.transaction() as conn:
            store.add_documents(conn, items)
        print(f"  stored {min(begin + BATCH, stop)} readouts", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def like_baseline(store, doc_id: int) -> float:
    """Seconds per directive when candidates come from LIKE scans instead of the index."""
    _, stats = service.phrase_stats(store)
    with store.engine.connect() as conn:
        source = stored.source_document(conn, doc_id)
        directives = stored.directives_of(conn, doc_id)
    assert source is not None
    targets = service._targets(source, directives)
    t0 = time.perf_counter()
    ids: set[int] = set()
    with store.engine.connect() as conn:
        for t in targets:
            for phrase in query_phrases(t.text, stats):
                found = conn.execute(
                    select(DocumentRow.id).where(DocumentRow.text.like(f"%{phrase}%")).limit(service.WINDOW)
                )
                ids.update(int(i) for (i,) in found)
        later = stored.later_documents(conn, ids)
    candidates = [
        Candidate(i, d.day, to_simplified(d.title or ""), to_simplified(d.text)) for i, d in later.items()
    ]
    follow([t for t in targets if weigh(t.text, stats).total], candidates, stats)
    return (time.perf_counter() - t0) / max(len(directives), 1)


def measure(
    store, gold_ids: dict[str, int], background: list[int], gold: dict[str, Any], baseline_n: int
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with store.engine.connect() as conn:
        out["documents"] = conn.scalar(text("SELECT count(*) FROM documents"))
    t0 = time.perf_counter()
    service.count_phrases(store)
    out["phrase_statistics_s"] = time.perf_counter() - t0
    service.phrase_stats(store)  # loaded once per process
    for name, ids in (("gold", [gold_ids[s] for s in gold["sources"]]), ("generator", background)):
        per, cached = [], []
        for doc_id in ids:
            t0 = time.perf_counter()
            result = service.follow_document(store, doc_id, use_cache=False)
            n = max(len(result.directives), 1)
            per.append((time.perf_counter() - t0) / n)
            t0 = time.perf_counter()
            service.follow_document(store, doc_id)
            cached.append((time.perf_counter() - t0) / n)
        per.sort()
        cached.sort()
        out[f"{name}_ms_per_directive_median"] = statistics.median(per) * 1000
        out[f"{name}_ms_per_directive_p95"] = per[int(0.95 * (len(per) - 1))] * 1000
        out[f"{name}_cached_ms_per_directive_median"] = statistics.median(cached) * 1000
    base = [like_baseline(store, gold_ids[s]) for s in gold["sources"][:baseline_n]]
    out["baseline_like_ms_per_directive_median"] = statistics.median(base) * 1000
    out["ratio_baseline_vs_luoshi"] = (
        out["baseline_like_ms_per_directive_median"] / out["gold_ms_per_directive_median"]
    )
    texts, predicted = {}, {}
    for name in gold["sources"]:
        result = service.follow_document(store, gold_ids[name])
        doc = store.load_document(gold_ids[name])
        texts[name] = doc.simplified if doc else ""
        predicted[name] = [
            (d.directive.start, d.directive.end, {m.name: m.label for m in d.mentions})
            for d in result.directives
        ]
    score = score_follow(gold, texts, predicted)
    out.update(precision=score.precision, recall=score.recall, label_accuracy=score.label_accuracy)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--baseline-directives", type=int, default=5, help="source documents timed with LIKE")
    parser.add_argument("--db", help="keep the store here (default: a temporary folder)")
    args = parser.parse_args()
    gold = load_follow_gold(GOLD)
    docs = [d for d in read_paths([GOLD / "docs"]) if not isinstance(d, Exception)]
    rng = random.Random(20261207)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or str(Path(tmp) / "follow.db")
        store = open_store(db)
        store._links_reprints = False  # reprint linking is not what is measured (see bench_reprints)
        done = 0
        for size in sorted(args.sizes):
            t0 = time.perf_counter()
            fill(store, done, size, docs, min(args.sizes), rng)
            built = time.perf_counter() - t0
            done = size
            with store.engine.connect() as conn:
                ids = {n: int(i) for n, i in conn.execute(select(DocumentRow.name, DocumentRow.id))}
            background = [i for n, i in ids.items() if n.startswith("bg") and int(n[2:]) % 1000 == 7][:30]
            result = {
                "readouts": size,
                "build_s": built,
                **measure(store, ids, background, gold, args.baseline_directives),
            }
            print(json.dumps(result, indent=1), file=sys.stderr)
            results.append(result)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
