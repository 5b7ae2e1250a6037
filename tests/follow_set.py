"""The follow-through gold set (``tests/link/follow_set``): its location, and a store holding its
documents for the tests of the stored part, the web pages and the command."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from luoshi.pipeline import ingest_paths
from luoshi.store import Store, open_store
from luoshi.store.schema import DocumentRow

GOLD = Path(__file__).parent / "link" / "follow_set"


def gold() -> dict[str, Any]:
    return json.loads((GOLD / "gold.json").read_text(encoding="utf-8"))


def build(db: str) -> tuple[Store, dict[str, int]]:
    """A store at ``db`` with every document of the set; the ids by document name."""
    store = open_store(db)
    report = ingest_paths(store, [GOLD / "docs"])
    assert not report.rejected, report.rejected
    with store.engine.connect() as conn:
        ids = {name: int(i) for name, i in conn.execute(select(DocumentRow.name, DocumentRow.id))}
    return store, ids


def expected(source: str) -> dict[str, dict[str, str]]:
    """The gold mentions of a source document's directives: {quote: {later document: label}}."""
    return {
        d["quote"]: {m["doc"]: m["label"] for m in d["mentions"]}
        for d in gold()["directives"]
        if d["doc"] == source
    }
