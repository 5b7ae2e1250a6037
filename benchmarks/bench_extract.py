"""Extraction speed and accuracy beside a jieba.posseg baseline, in one run.

    python benchmarks/bench_extract.py [--docs 300]

Both run over the same corpus (the dev set plus generated readouts) on one core. The baseline
takes persons from jieba's 'nr' tags and documents from a 《》 regex; its F1 on the dev set is
scored with the same scorer as luoshi's.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import time
from pathlib import Path

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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=300)
    args = ap.parse_args()
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
