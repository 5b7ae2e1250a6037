"""Reading and extraction of two source trees compared byte for byte on the same files.

    python benchmarks/extract_identity.py --base BASE_SRC [--new NEW_SRC] [--docs 1000] [--mixed 8]

``BASE_SRC`` and ``NEW_SRC`` are folders holding the ``luoshi`` package (a tree's ``src``; the
new one defaults to this tree's). The corpus is written once, by the base tree: the dev and dev2
sets, the seeds, the demo corpus (every format it holds), the hostile inputs of the tests,
``--docs`` generated readouts of
4.7 KB as ``bench_serial_ingest`` writes them, 400 as ``bench_extract`` builds them, and
``--mixed`` variants of every real text (folded to traditional script, cut at random places,
its full stops turned into line breaks, or all three, and one with noise inserted). Each tree then reads every file
(``ingest.read_path``: decoding, cleaning, folding) and extracts its facts, in a process of
its own; what it writes — every field of each Document, its offsets, ``Facts.to_json()`` as
``luoshi extract --jsonl`` prints it, and each rejection — is compared line by line. Exit
status 1 and the first differences shown when anything differs."""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
SHARED = HERE.parents[2] / "shared"
REAL = [SHARED / "eval" / "dev" / "docs", SHARED / "eval" / "dev2" / "docs", SHARED / "seeds"]


_NOISE = [
    "\t",
    "\u3000",
    "\u00a0",
    "\u200b",
    "\ufeff",
    "\x07",
    "\x00",
    "  ",
    "\r\n",
    "\n\n\n",
    " \n",
    "(hǎo)",
    "（mǎ）",
    "(de)",
    "(2020-2025年)",
    "。\n当前位置：首页 > 要闻\n",
]


def make_corpus(where: Path, docs: int, mixed: int) -> None:
    """Runs inside the base tree's process."""
    import shutil

    sys.path.insert(0, str(HERE.parent))
    from bench_ingest_search import write_corpus

    import luoshi.demo
    from luoshi.demo.generate import readout
    from luoshi.text import to_traditional

    demo = Path(luoshi.demo.__file__).parent / "corpus"
    for k, folder in enumerate([*REAL, demo]):
        if folder.is_dir():
            shutil.copytree(folder, where / f"real{k}")
    write_corpus(where / "generated", docs, parts=4, seed=1)
    rng = random.Random(3)
    extra = where / "extract"
    extra.mkdir()
    for i in range(400):
        text = "\n".join(readout(rng, i).body for _ in range(3))
        (extra / f"g{i:04d}.txt").write_text(text, encoding="utf-8")
    rng = random.Random(11)
    out = where / "mixed"
    out.mkdir()
    texts = sorted(p for k in range(len(REAL)) for p in (where / f"real{k}").rglob("*.txt"))
    texts += sorted((where / "extract").glob("g00[0-4]*.txt"))
    for path in texts:
        text = path.read_text(encoding="utf-8", errors="replace")
        for v in range(mixed):
            t = text
            if v % 2 == 0:
                t = to_traditional(t)
            if v % 3 != 1:
                t = t.replace("。", "\n")
            if v >= 2 and len(t) > 20:
                a = rng.randrange(len(t) // 2)
                b = rng.randrange(a + 1, len(t) + 1)
                t = t[a:b]
            (out / f"{path.parent.name}-{path.stem}-{v}.txt").write_text(t, encoding="utf-8")
        # Noise that reading cleans: controls, odd spaces, invisible characters, glosses, CRLF.
        chars = list(text)
        for _ in range(max(1, len(chars) // 60)):
            chars.insert(rng.randrange(len(chars) + 1), rng.choice(_NOISE))
        (out / f"{path.parent.name}-{path.stem}-noise.txt").write_bytes("".join(chars).encode("utf-8"))
    sys.path.insert(0, str(HERE.parents[1] / "tests"))
    try:
        from hostile import write_corpus as write_hostile
    except ImportError:  # (a tree without the hostile corpus)
        return
    write_hostile(where / "hostile")


def dump(corpus: Path, target: Path) -> None:
    """Runs inside each tree's process: one JSON line per document or rejection."""
    from luoshi.extract import extract
    from luoshi.ingest import Rejection, iter_paths
    from luoshi.ingest.pipeline import read_path

    with target.open("w", encoding="utf-8") as f:
        for path in iter_paths([corpus]):
            for item in read_path(path):
                if isinstance(item, Rejection):
                    f.write(
                        json.dumps({"rejected": item.key, "reason": item.reason}, ensure_ascii=False) + "\n"
                    )
                    continue
                doc = {k: v for k, v in vars(item).items() if k != "offsets"}
                doc["offsets"] = [item.offsets.to_json(), item.offsets.clean_length]
                f.write(json.dumps(doc, ensure_ascii=False, default=repr) + "\n")
                f.write(json.dumps(extract(item).to_json(), ensure_ascii=False) + "\n")


def run(src: Path, *args: str) -> None:
    # One hash seed for both: main orders two persons whose first mentions start at the same
    # place ("杨文" inside "杨文涛") by a set's order, which the seed changes.
    env = {**os.environ, "PYTHONPATH": str(src), "LUOSHI_LANG": "en", "PYTHONHASHSEED": "0"}
    subprocess.run([sys.executable, str(HERE), *args], env=env, check=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", type=Path, help="the base tree's src folder")
    ap.add_argument("--new", type=Path, default=HERE.parents[1] / "src")
    ap.add_argument("--docs", type=int, default=1000)
    ap.add_argument("--mixed", type=int, default=8)
    ap.add_argument("--corpus", type=Path, help="reuse (or keep) the corpus in this folder")
    ap.add_argument("--make-corpus", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--dump", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.make_corpus:
        make_corpus(args.make_corpus, args.docs, args.mixed)
        return
    if args.dump:
        dump(*args.dump)
        return
    if args.base is None:
        ap.error("--base is required")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = args.corpus or Path(tmp) / "corpus"
        if not corpus.exists():
            corpus.mkdir(parents=True)
            run(args.base, "--make-corpus", str(corpus), "--docs", str(args.docs), "--mixed", str(args.mixed))
        outs = []
        for name, src in (("base", args.base), ("new", args.new)):
            outs.append(Path(tmp) / f"{name}.jsonl")
            run(src, "--dump", str(corpus), str(outs[-1]))
        a = outs[0].read_text(encoding="utf-8").splitlines()
        b = outs[1].read_text(encoding="utf-8").splitlines()
        files = sum(1 for _ in corpus.rglob("*") if _.is_file())
        differ = [i for i in range(max(len(a), len(b))) if i >= len(a) or i >= len(b) or a[i] != b[i]]
        print(json.dumps({"files": files, "lines": [len(a), len(b)], "differing_lines": len(differ)}))
        for i in differ[:5]:
            x, y = (a[i] if i < len(a) else ""), (b[i] if i < len(b) else "")
            at = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
            print(f"line {i}, from character {at}:\n  base: {x[max(0, at - 200) : at + 300]}")
            print(f"  new:  {y[max(0, at - 200) : at + 300]}")
        if differ:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
