"""A document's rows (``luoshi.store.rows``): built once where the document is extracted — on a
Dask worker or in the ingesting process, by the same function — as plain values, for the backend
of the store that writes them; a writer refuses rows built for another backend before writing."""

from __future__ import annotations

import io
import pickle
import random
from typing import Any

import pytest
from backends import is_sqlite, query

from luoshi.demo import corpus_path
from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.store import fts, open_store
from luoshi.store.documents import BATCH_CACHE_KIB, _batch_cache
from luoshi.store.rows import BACKENDS, DOCUMENT_COLUMNS, JSON_COLUMNS, document_rows


def readout() -> str:
    return (corpus_path() / "readout-00.txt").read_text("utf-8")


def test_rows_built_for_another_backend_are_refused_and_nothing_is_written(db):
    store = open_store(db)
    doc = document_from_text(readout(), "one")
    other = "postgresql" if is_sqlite(db) else "sqlite"
    with pytest.raises(ValueError, match=other), store.transaction() as conn:
        store.add_rows(conn, [document_rows(doc, extract(doc), other)])
    assert query(db, "SELECT count(*) FROM documents") == [(0,)]
    with store.transaction() as conn:  # the same document, its rows built for this store
        (outcome,) = store.add_rows(conn, [document_rows(doc, extract(doc), store.engine.dialect.name)])
    assert (
        outcome.new
        and query(db, "SELECT count(*) FROM mentions WHERE document_id = :i", i=outcome.document_id)[0][0]
    )
    store.engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
def test_rows_are_plain_values_the_writer_unpickles_without_the_model(backend):
    doc = document_from_text(readout(), "one")
    rows = document_rows(doc, extract(doc), backend)
    classes: set[str] = set()

    class Unpickler(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            classes.add(f"{module}.{name}")
            return super().find_class(module, name)

    assert Unpickler(io.BytesIO(pickle.dumps(rows))).load().document == rows.document
    # no Document, Facts, spans or other objects of the model shipped from a worker: two
    # plain holders of tuples, strings and numbers, and the MinHash arrays (a fingerprint is
    # made again from its pieces, signature and keys: ``Fingerprint.__reduce__``)
    ours = {c for c in classes if c.startswith("luoshi.")}
    assert ours == {
        "luoshi.store.rows.DocumentRows",
        "luoshi.store.cited.CitedRows",
        "luoshi.link.reprints._unpickled",
    }
    assert rows.facts is not None and rows.facts["mentions"] and rows.persons
    with pytest.raises(ValueError, match="oracle"):
        document_rows(doc, None, "oracle")


def test_a_long_text_s_index_tokens_are_its_characters_and_pairs():
    """A long text's index columns are built by numpy in one array (``fts._tokens``): the same
    tokens as ``characters`` and ``bigrams`` (a short text's), astral characters, a lone
    surrogate and ASCII included; the characters each once, in code point order."""
    rng = random.Random(3)
    pool = [chr(0x4E00 + k) for k in range(50)] + list("Ab1 ，。") + ["\U00020000", "\U0002a6d6", "\ud800"]
    for length in (fts.LONG - 1, fts.LONG, fts.LONG + 1, 1000):
        text = "".join(rng.choice(pool) for _ in range(length))
        row = fts.index_row("前海", text, text)
        low = text.lower()
        assert row["uni"] == fts.characters(low) and row["bi"] == fts.bigrams(low), length
        assert row["uni"] == " ".join(sorted(set(low))), length
        assert row["bi"] == " ".join(low[i : i + 2] for i in range(length - 1)), length
    assert fts.index_row("前海前海", "海前海。")["tuni"] == "前 海"
    assert fts.characters("海前海。") == "。 前 海" and fts.characters("海") == "海"


def test_none_and_bytes_are_bound_through_adapters_as_before(tmp_path):
    """SQLite: None and bytes parameters go through the adapters a store registers (the driver's
    own search for one formats an error message each time); they are still stored as NULL and
    as blobs, and read back as they were."""
    import sqlite3

    db = str(tmp_path / "adapted.db")
    store = open_store(db)
    assert (type(None), sqlite3.PrepareProtocol) in sqlite3.adapters
    assert (bytes, sqlite3.PrepareProtocol) in sqlite3.adapters
    doc = document_from_text(readout(), "one")
    facts = extract(doc)
    rows = document_rows(doc, facts, "sqlite")
    with store.transaction() as conn:
        store.add_rows(conn, [rows])
    mentions = rows.facts["mentions"] if rows.facts else []
    assert any(post is None for _, post, _, _ in mentions)
    posts = query(db, "SELECT post, typeof(post) FROM mentions ORDER BY id")
    assert [p for p, _ in posts] == [post for _, post, _, _ in mentions]
    assert {kind for p, kind in posts if p is None} == {"null"}
    assert query(db, "SELECT DISTINCT typeof(documents), typeof(band_key) FROM reprint_band_lists") == [
        ("blob", "integer")
    ]
    (blob,) = query(db, "SELECT signature FROM reprint_signatures")[0]
    assert bytes(blob) == rows.fingerprint.signature.astype("<u4").tobytes()


def test_json_columns_built_as_bytes_are_stored_as_text(db):
    """Rows built for SQLite carry the JSON columns as orjson's bytes; the writer stores them as
    text, which reads back as the same facts (on PostgreSQL the rows carry strings)."""
    store = open_store(db)
    doc = document_from_text(readout(), "one")
    facts = extract(doc)
    rows = document_rows(doc, facts, store.engine.dialect.name)
    json_values = [rows.document[DOCUMENT_COLUMNS.index(c)] for c in JSON_COLUMNS]
    assert all(isinstance(v, bytes if is_sqlite(db) else str) for v in json_values)
    with store.transaction() as conn:
        (outcome,) = store.add_rows(conn, [rows])
    if is_sqlite(db):
        kinds = query(db, "SELECT typeof(offsets), typeof(meta), typeof(facts) FROM documents")
        assert kinds == [("text", "text", "text")]
    assert store.document_facts(outcome.document_id) == facts.to_json()
    store.engine.dispose()


def test_a_batch_leaves_the_connection_s_page_cache_as_it_found_it(db):
    """SQLite: the page cache is raised while a batch's rows are inserted (``_batch_cache``) and
    set back after it, also when the batch fails: a pooled connection keeps no more than it had."""
    if not is_sqlite(db):
        pytest.skip("SQLite's page cache")
    store = open_store(db)
    docs = [document_from_text(readout() + f"\n第{k}稿。", f"d{k}") for k in range(3)]
    rows = [document_rows(doc, extract(doc), "sqlite") for doc in docs]
    with store.transaction() as conn:
        before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with _batch_cache(conn):  # what add_rows holds its inserts in
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -BATCH_CACHE_KIB != before
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
        assert len(store.add_rows(conn, rows)) == 3
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
        with pytest.raises(ValueError):  # rows built for another backend: refused in the batch
            store.add_rows(conn, [*rows, document_rows(docs[0], None, "postgresql")])
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == before
    store.engine.dispose()
