"""The hostile-input corpus (``hostile.py``) through the real pipeline, in a process of its own:
every input is stored and findable by a word next to its hazard, or rejected with its specific
reason; nothing raises; the ingest's peak memory stays under 300 MB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hostile import KINDS, Expect, write_corpus

import luoshi
from luoshi.messages import language
from luoshi.store import open_store

PEAK_MEMORY_MB = 300
_SRC = str(Path(luoshi.__file__).resolve().parents[1])

# Runs in the child: ingest the corpus into a store, report every outcome and the peak memory.
# Its address space is capped well above the target (the whole child peaks near 200 MB of
# virtual memory), so that a bomb that got through fails fast instead of swapping the machine.
#
# The peak is this process's own high-water mark (VmHWM): Linux carries ``ru_maxrss`` over from the
# parent across fork and exec, so a test run whose pytest process had grown past the target (a
# whole suite under coverage) reported the parent's size instead of the ingest's.
_CHILD = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

def peak_mb():
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

from luoshi.pipeline import ingest_paths
from luoshi.store import open_store
report = ingest_paths(open_store(sys.argv[2]), [sys.argv[1]])
print(json.dumps({
    "added": report.added,
    "duplicates": [key for key, _ in report.duplicates],
    "rejected": [[r.key, r.reason] for r in report.rejected],
    "warnings": report.warnings,
    "peak_mb": peak_mb(),
}))
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Expect], str]:
    root = tmp_path_factory.mktemp("hostile")
    expectations = write_corpus(root / "corpus")
    db = str(root / "hostile.db")
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root / "corpus"), db],
        capture_output=True,
        text=True,
        timeout=900,
        env={"PYTHONPATH": _SRC, "LUOSHI_LANG": language()},
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr[-3000:]
    result = json.loads(done.stdout)
    prefix = str(root / "corpus") + "/"

    def rel(key: str) -> str:
        assert key.startswith(prefix), key
        return key[len(prefix) :]

    outcome = {
        "added": [rel(k) for k in result["added"]],
        "duplicates": [rel(k) for k in result["duplicates"]],
        "rejected": {rel(k): reason for k, reason in result["rejected"]},
        "warnings": {(rel(k), w) for k, w in result["warnings"]},
        "peak_mb": result["peak_mb"],
    }
    return outcome, expectations, db


def test_the_corpus_has_at_least_fifty_kinds():
    assert len(KINDS) >= 50


def test_peak_memory_of_the_whole_ingest(run):
    outcome, _, _ = run
    assert outcome["peak_mb"] <= PEAK_MEMORY_MB


def test_every_input_is_accounted_for_once(run):
    outcome, expectations, _ = run
    expected = set()
    for e in expectations.values():
        expected |= set(e.stored) | set(e.rejected) | set(e.duplicates)
    seen = outcome["added"] + outcome["duplicates"] + list(outcome["rejected"])
    assert sorted(seen) == sorted(expected)


@pytest.mark.parametrize("name", [k.name for k in KINDS])
def test_hostile_input(run, name):
    outcome, expectations, db = run
    expect = expectations[name]
    store = open_store(db)
    for key, word in expect.stored.items():
        assert key in outcome["added"], outcome["rejected"].get(key, "not reported")
        found: set[str | None] = set()
        for hit in store.search(word, limit=20):
            doc = store.load_document(hit.document_id)
            assert doc is not None
            found.add(doc.source_path)
        assert any(path.endswith(key) for path in found if path), (word, found)
    for key, warning in expect.warnings.items():
        assert (key, warning) in outcome["warnings"], [w for k, w in outcome["warnings"] if k == key]
    for key in expect.duplicates:
        assert key in outcome["duplicates"]
    for key, reason in expect.rejected.items():
        assert outcome["rejected"].get(key) == reason
