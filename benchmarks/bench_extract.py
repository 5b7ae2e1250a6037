"""Extraction speed and accuracy beside a jieba.posseg baseline, in one run; or reading and
extraction beside another tree's.

    python benchmarks/bench_extract.py [--docs 300]
    python benchmarks/bench_extract.py --base BASE_SRC [--corpus DIR ...] [--rounds 5]

Both run over the same corpus (the dev set plus generated readouts) on one core. The baseline
takes persons from jieba's 'nr' tags and documents from a 《》 regex; its F1 on the dev set is
scored with the same scorer as luoshi's.

With ``--base``, the ``luoshi`` package of ``BASE_SRC`` (another tree's ``src``: main's, say) is
copied under the name ``luoshi_base`` and imported beside this tree's, and both read
(``ingest.read_path``) and extract every file of the corpus folders, file by file, the two
alternating (which goes first alternating too), so that both see the same machine; CPU time
(``time.process_time``) a document for each, per round, and the ratio. The default corpus is
``bench_serial_ingest``'s: 1,000 readouts of 4.7 KB (``write_corpus(…, 1000, 4, 1)``).
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from luoshi.demo.generate import readout
from luoshi.evaluate import load_jsonl, score
from luoshi.extract import extract
from luoshi.ingest import document_from_text, read_paths
from luoshi.model import Document

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
_TITLE = re.compile(r"《([^《》]+)》")


def jieba_baseline(doc_id: str, simplified: str) -> dict[str, object]:
    import jieba.posseg as pseg

    persons: list[str] = []
    for word, flag in pseg.cut(simplified):
        if flag == "nr" and len(word) >= 2 and word not in persons:
            persons.append(word)
    documents = list(dict.fromkeys(_TITLE.findall(simplified)))
    return {
        "id": doc_id,
        "persons": persons,
        "roles": [],
        "documents": documents,
        "task_batches": [],
        "event_date": None,
        "published": None,
    }


def _import_base(src: Path, where: Path) -> Any:
    """The package ``luoshi`` of ``src`` imported as ``luoshi_base`` (a copy with its imports
    renamed)."""
    target = where / "luoshi_base"
    shutil.copytree(src / "luoshi", target, ignore=shutil.ignore_patterns("__pycache__"))
    for py in target.rglob("*.py"):
        text = py.read_text(encoding="utf-8")
        text = re.sub(r"\b(from|import) luoshi\b", r"\1 luoshi_base", text)
        py.write_text(text.replace('files("luoshi")', 'files("luoshi_base")'), encoding="utf-8")
    sys.path.insert(0, str(where))
    return importlib.import_module("luoshi_base")


def compare(base_src: Path, folders: list[Path], rounds: int, docs: int) -> None:
    from luoshi.ingest import iter_paths
    from luoshi.ingest.pipeline import read_path

    with tempfile.TemporaryDirectory() as tmp:
        if not folders:
            sys.path.insert(0, str(Path(__file__).parent))
            from bench_ingest_search import write_corpus

            folders = [Path(tmp) / "corpus"]
            write_corpus(folders[0], docs, parts=4, seed=1)
        _import_base(base_src, Path(tmp))
        base_read = importlib.import_module("luoshi_base.ingest.pipeline").read_path
        base_extract = importlib.import_module("luoshi_base.extract").extract
        paths = list(iter_paths(folders))

        def one(read: Any, extract_: Any, path: Path) -> tuple[float, float]:
            t0 = time.process_time()
            documents = [d for d in read(path) if hasattr(d, "simplified")]
            t1 = time.process_time()
            for d in documents:
                extract_(d)
            return t1 - t0, time.process_time() - t1

        runners = {"base": (base_read, base_extract), "new": (read_path, extract)}
        for path in paths[:50]:  # warm both up (caches, first calls) before timing either
            for runner in runners.values():
                one(*runner, path)
        n = sum(1 for p in paths for d in read_path(p) if isinstance(d, Document))
        results = []
        for r in range(rounds):
            spent = {k: [0.0, 0.0] for k in runners}
            for k, path in enumerate(paths):
                order = ("base", "new") if (k + r) % 2 == 0 else ("new", "base")
                for name in order:
                    reading, extracting = one(*runners[name], path)
                    spent[name][0] += reading
                    spent[name][1] += extracting
            row: dict[str, object] = {"round": r + 1, "load": round(os.getloadavg()[0], 1)}
            for name, (reading, extracting) in spent.items():
                row[name] = {
                    "read_ms": round(1000 * reading / n, 3),
                    "extract_ms": round(1000 * extracting / n, 3),
                    "both_ms": round(1000 * (reading + extracting) / n, 3),
                }
            row["ratio_read"] = round(spent["base"][0] / spent["new"][0], 3)
            row["ratio_extract"] = round(spent["base"][1] / spent["new"][1], 3)
            row["ratio_both"] = round(sum(spent["base"]) / sum(spent["new"]), 3)
            print(json.dumps(row), flush=True)
            results.append(row)
        ratios = sorted(float(str(r["ratio_both"])) for r in results)
        print(json.dumps({"documents": n, "rounds": rounds, "median_ratio_both": ratios[len(ratios) // 2]}))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300)
    ap.add_argument("--base", type=Path, help="another tree's src folder: compare with it")
    ap.add_argument("--corpus", type=Path, action="append", default=[], help="folders to read (--base)")
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    if args.base:
        compare(args.base, args.corpus, args.rounds, 1000 if args.docs == 300 else args.docs)
        return
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()  # dictionary load is not counted against the baseline
    rng = random.Random(3)
    read = list(read_paths([DEV / "docs"])) if DEV.exists() else []
    dev_docs = [d for d in read if isinstance(d, Document)]
    assert len(dev_docs) == len(read), [d for d in read if not isinstance(d, Document)]
    generated = [
        document_from_text("\n".join(readout(rng, i).body for _ in range(3)), f"g{i}")
        for i in range(args.docs)
    ]
    corpus = dev_docs + generated
    chars = sum(len(d.text) for d in corpus)

    for d in corpus[:20]:  # warm both up (regex compilation, caches) before timing either
        extract(d)
        jieba_baseline(d.id, d.simplified)
    # Interleaved, document by document, so that both see the same machine (this VM's speed
    # drifts over seconds; timing one engine after the other measured the drift too).
    ours, base = [], []
    t_ours = t_base = 0.0
    for d in corpus:
        t0 = time.perf_counter()
        ours.append(extract(d).to_json())
        t1 = time.perf_counter()
        base.append(jieba_baseline(d.id, d.simplified))
        t_base += time.perf_counter() - t1
        t_ours += t1 - t0

    out: dict[str, object] = {
        "documents": len(corpus),
        "avg_chars": round(chars / len(corpus)),
        "luoshi_docs_per_s": round(len(corpus) / t_ours, 1),
        "jieba_docs_per_s": round(len(corpus) / t_base, 1),
        "speed_ratio": round(t_base / t_ours, 2),
    }
    if dev_docs:
        gold = load_jsonl(DEV / "gold.jsonl")
        for name, preds in (("luoshi", ours[: len(dev_docs)]), ("jieba", base[: len(dev_docs)])):
            result = score(gold, preds)
            out[f"{name}_f1"] = {
                k: round(result.prf(k)[2], 3) for k in ("persons", "roles", "documents", "task_batches")
            }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    target = Path(__file__).with_name("out")
    target.mkdir(exist_ok=True)
    (target / "extract.json").write_text(json.dumps(out, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
