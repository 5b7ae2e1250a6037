"""A document's facts as the store keeps them read back, by ``Facts.from_json``, as the very
``Facts`` that extraction gave (on each backend)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from luoshi.extract import extract
from luoshi.ingest import read_paths
from luoshi.model import Document, Facts
from luoshi.pipeline import ingest_paths
from luoshi.store import open_store
from luoshi.store.schema import DocumentRow

CORPUS = Path(__file__).resolve().parents[2] / "src" / "luoshi" / "demo" / "corpus"


def test_stored_facts_read_back_as_the_extracted_facts(db: str) -> None:
    store = open_store(db)
    ingest_paths(store, [CORPUS])
    with store.engine.connect() as conn:
        stored = dict(conn.execute(select(DocumentRow.name, DocumentRow.id)).all())
    extracted = {d.id: extract(d) for d in read_paths([CORPUS]) if isinstance(d, Document)}
    assert len(stored) >= 10 and set(stored) <= set(extracted)
    for name, doc_id in stored.items():
        facts = store.document_facts(doc_id)
        assert facts is not None, name
        assert Facts.from_json(facts) == extracted[name], name
