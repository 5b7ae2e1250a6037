"""Cited documents and replicable outcomes: quality on the labelled pair set, cost per document,
cost of the write path, and reading at --docs stored documents; each figure beside a baseline
measured in the same run.

    python benchmarks/bench_citations.py [--docs 100000] [--ingest 1000] [--rounds 3]

1. Quality: precision and recall of "same work" on ``tests/citation_set.py`` (the figures the
   test gates).
2. Per document, on demo readouts joined three at a time (~1,300 characters, a real readout's
   length): ``luoshi.link.citations.document_citations`` (keys, short forms, quoted forms,
   sentences) and ``luoshi.extract.outcomes.find_outcomes`` against the extractor's own pass
   over the citations (``luoshi.extract.citations.find_citations``).
3. Write path: --ingest readouts written through ``Store.add_documents`` with the citation and
   outcome index, and with it switched off, on fresh SQLite stores, rounds interleaved.
4. Reading at --docs documents: a store whose documents, citations (a Zipf law over 5,000
   titles, 300 short forms, some introduced for two titles) and outcomes are written as rows
   (the documents' texts are short: only the index tables are read). Timed: building the index
   of titles (once per change of the data), the cached index, a title page of 200 citing
   documents for the most cited title, the graph of the 20 most cited titles (drawn, and from
   the cache), an outcomes page filtered by zone; baselines: one full scan of the citations table, and the old page's query
   (the documents citing one title, by exact title, ordered by date).
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

from sqlalchemy import func, select, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from citation_set import judge

from luoshi.demo.generate import readout
from luoshi.extract import extract
from luoshi.extract.citations import find_citations
from luoshi.extract.outcomes import find_outcomes
from luoshi.ingest import document_from_text
from luoshi.link.citations import document_citations, score_pairs
from luoshi.model import Document, Facts
from luoshi.services import citations
from luoshi.store import open_store
from luoshi.store.schema import CitedMentionRow, DocumentRow


def timed(fn, rounds: int = 5) -> float:
    """Median milliseconds of ``fn()`` over ``rounds`` calls."""
    times = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def texts(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        parts = [readout(rng, 3 * i + k) for k in range(3)]
        body = "\n".join(f"{r.title}\n{r.body}" for r in parts)
        out.append(body + "\n会议通报，累计推出“跨境通办”等12项制度创新成果，其中5项在全省复制推广。")
    return out


def bench_per_document(n: int) -> dict[str, float]:
    from luoshi.text import to_simplified

    docs = [to_simplified(t) for t in texts(n)]
    cited = [[(d.title, d.span.start, d.span.end) for d in find_citations(s)] for s in docs]

    def run(fn) -> float:
        best = float("inf")
        for _ in range(3):
            t0 = time.perf_counter()
            for i, s in enumerate(docs):
                fn(i, s)
            best = min(best, time.perf_counter() - t0)
        return best / len(docs) * 1e6

    baseline = run(lambda i, s: find_citations(s))
    linked = run(lambda i, s: document_citations(s, cited[i]))
    outcomes = run(lambda i, s: find_outcomes(s))
    return {
        "characters": statistics.mean(map(len, docs)),
        "find_citations_us": baseline,
        "document_citations_us": linked,
        "find_outcomes_us": outcomes,
    }


def bench_write(n: int, rounds: int) -> dict[str, float]:
    items = [document_from_text(t, f"w{i}") for i, t in enumerate(texts(n, seed=11))]
    pairs: list[tuple[Document, Facts | None]] = [(d, extract(d)) for d in items]
    on: list[float] = []
    off: list[float] = []
    for r in range(rounds):
        for indexed in (r % 2 == 0, r % 2 == 1):
            with tempfile.TemporaryDirectory() as tmp:
                store = open_store(str(Path(tmp) / "w.db"))
                store._indexes_citations = indexed
                t0 = time.perf_counter()
                for k in range(0, len(pairs), 200):
                    with store.transaction() as conn:
                        store.add_documents(conn, pairs[k : k + 200])
                (on if indexed else off).append((time.perf_counter() - t0) / len(pairs) * 1000)
                store.engine.dispose()
    return {"with_index_ms": statistics.median(on), "without_ms": statistics.median(off)}


ZONES = ["前海", "横琴粤澳深度合作区", "南沙", "河套深港科技创新合作区", "滨海新区", "浦东新区"]


def synthetic_store(path: str, docs: int, seed: int = 3) -> Any:
    """A store of ``docs`` documents written as rows (see the module)."""
    rng = random.Random(seed)
    store = open_store(path)
    titles = [f"第{i}号关于推进{ZONES[i % len(ZONES)]}改革开放的若干措施" for i in range(5000)]
    weights = [1 / (i + 1) for i in range(len(titles))]
    shorts = {f"{ZONES[i % len(ZONES)]}{i}号措施": [titles[i]] for i in range(300)}
    for i in range(0, 300, 30):  # some introduced for two titles
        shorts[f"{ZONES[i % len(ZONES)]}{i}号措施"].append(titles[i + 1])
    with store.transaction() as conn:
        conn.exec_driver_sql("DELETE FROM fact_backfill")
        doc_rows = [
            (
                i,
                f"s{i}",
                f"{i:064x}",
                f"会议{i}",
                f"20{10 + i * 15 // docs:02d}-0{1 + i % 9}-1{i % 10}",
                "txt",
                "utf-8",
                "simplified",
                "正文",
                "正文",
                "[]",
                "{}",
                "2026-01-01",
            )
            for i in range(1, docs + 1)
        ]
        conn.exec_driver_sql(
            "INSERT INTO documents (id, name, content_hash, title, event_date, source_format, encoding, script, "
            "original, text, offsets, meta, ingested_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            doc_rows,
        )
        mentions, aliases = [], []
        for i in range(1, docs + 1):
            day = doc_rows[i - 1][4]
            for key in set(rng.choices(titles, weights, k=rng.randint(1, 6))):
                mentions.append((i, key, "cited", 10, 30, 0, 60, "会议学习《" + key + "》，部署工作。", day))
            if rng.random() < 0.05:
                short = rng.choice(list(shorts))
                mentions.append((i, short, "cited", 40, 50, 31, 70, f"要落实《{short}》。", day))
        for n, (short, fulls) in enumerate(shorts.items()):
            for k, full in enumerate(fulls):
                aliases.append((short, full, 1 + (n * 7 + k) % docs))
        keys = sorted({m[1] for m in mentions})
        conn.exec_driver_sql(
            "INSERT INTO cited_titles (key, title, work_key, bare_key) VALUES (?,?,?,NULL)",
            [(k, k, k) for k in keys],
        )
        conn.exec_driver_sql(
            'INSERT INTO cited_mentions (document_id, key, form, start, "end", sentence_start, sentence_end, '
            "sentence, day) VALUES (?,?,?,?,?,?,?,?,?)",
            mentions,
        )
        conn.exec_driver_sql(
            "INSERT INTO cited_aliases (short_key, full_key, document_id) VALUES (?,?,?)", aliases
        )
        conn.exec_driver_sql(
            'INSERT INTO outcomes (document_id, kind, title, title_original, zone, count, day, start, "end", '
            "sentence_start, sentence_end) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (
                    i,
                    "innovation",
                    f"成果{i}",
                    f"成果{i}",
                    ZONES[i % len(ZONES)],
                    None,
                    doc_rows[i - 1][4],
                    0,
                    2,
                    0,
                    2,
                )
                for i in range(1, docs + 1, 4)
            ],
        )
    return store, len(mentions)


def bench_read(docs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        store, mentions = synthetic_store(str(Path(tmp) / "r.db"), docs)
        build = timed(lambda: citations._build_index(store), rounds=3)
        index = citations.cited_index(store)
        cached = timed(lambda: citations.cited_index(store), rounds=20)
        top = index.titles[0]
        page = timed(lambda: citations.cited_page(store, top.id), rounds=10)
        graph = timed(lambda: citations._graph(store, index, 20, 40, None), rounds=3)
        cached_graph = timed(lambda: citations.cited_graph(store, limit=20), rounds=10)
        zone = timed(lambda: citations.outcomes(store, zone="横琴", limit=100), rounds=10)
        with store.engine.connect() as conn:
            scan = timed(lambda: conn.scalar(select(func.count(CitedMentionRow.id))), rounds=5)
            old_page = timed(
                lambda: conn.execute(
                    select(DocumentRow.id, DocumentRow.title, DocumentRow.event_date)
                    .join(CitedMentionRow, CitedMentionRow.document_id == DocumentRow.id)
                    .where(CitedMentionRow.key == top.key)
                    .distinct()
                    .order_by(text("event_date"))
                ).all(),
                rounds=10,
            )
        return {
            "documents": docs,
            "mentions": mentions,
            "titles": len(index.titles),
            "top_title_documents": top.documents,
            "build_index_ms": build,
            "cached_index_ms": cached,
            "full_scan_ms": scan,
            "title_page_ms": page,
            "old_page_query_ms": old_page,
            "graph_ms": graph,
            "cached_graph_ms": cached_graph,
            "outcomes_page_ms": zone,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--ingest", type=int, default=1000)
    parser.add_argument("--per-document", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    score = score_pairs(judge())
    out: dict[str, Any] = {
        "quality": {
            "precision": round(score.precision, 4),
            "recall": round(score.recall, 4),
            "same_pairs": score.true_positives + score.false_negatives,
            "different_pairs": score.false_positives + score.true_negatives,
        },
        "per_document": bench_per_document(args.per_document),
        "write": bench_write(args.ingest, args.rounds),
        "read": bench_read(args.docs),
    }
    print(json.dumps(out, indent=2, ensure_ascii=False))
    folder = Path(__file__).with_name("out")
    folder.mkdir(exist_ok=True)
    (folder / "citations.json").write_text(json.dumps(out, indent=2, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
