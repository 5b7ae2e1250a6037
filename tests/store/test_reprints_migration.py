"""Migration 0010 links the documents a store held before it, in batches (through 0017, which
made the band lists it writes); 0017 turns the band rows of a linked store into band lists."""

import random
import struct
from typing import Any

from sqlalchemy import func, inspect, select, text

from luoshi.demo.generate import readout
from luoshi.ingest import document_from_text
from luoshi.link.reprints import Fingerprint
from luoshi.store import open_store, stories
from luoshi.store.migrate import upgrade


def _copies():
    rng = random.Random(9)
    docs = []
    for i in range(7):
        r = readout(rng, i)
        docs.append(document_from_text(f"{r.title}\n{r.body}", f"r{i}"))
        if i % 3 == 0:  # two reprints of every third readout
            docs.append(document_from_text(f"当前位置：首页 > 要闻\n{r.body}\n责任编辑：林海涛", f"r{i}-a"))
            docs.append(document_from_text(f"来源：某某日报\n{r.body[: len(r.body) * 2 // 3]}", f"r{i}-b"))
    return docs


def test_existing_documents_are_linked_by_the_migration(db_path, monkeypatch):
    store = open_store(db_path, migrate=False)
    upgrade(store.engine, "0006")
    with store.transaction() as conn:
        ids = [o.document_id for o in store.add_documents(conn, [(d, None) for d in _copies()])]
    monkeypatch.setattr(stories, "REBUILD_BATCH", 4)  # stories cross batches
    store = open_store(db_path)
    with store.engine.connect() as conn:
        total, listed = stories.list_stories(conn)
        assert conn.scalar(select(func.count()).select_from(stories.ReprintSignatureRow)) == len(ids)
    assert total == 3 and sorted(s.size for s in listed) == [3, 3, 3]
    names = {i: d.id for i, d in zip(ids, _copies(), strict=True)}
    assert all(names[s.canonical_id].endswith("-b") for s in listed)  # the newspaper's copy (来源：某某日报)
    # A copy ingested after the migration joins its story.
    with store.transaction() as conn:
        (late,) = store.add_documents(
            conn, [(document_from_text(_copies()[0].text + "\n（完）", "late"), None)]
        )
    with store.engine.connect() as conn:
        assert stories.stories_of(conn, [late.document_id])[late.document_id].size == 4


def _band_rows_store(location: str) -> tuple[Any, dict[int, list[int]]]:
    """A store at revision 0016 whose documents were linked the way that revision linked them: a
    row per band key and document in ``reprint_bands``; and a key shared by more documents than
    a list keeps. Returns the store and what the band rows hold (key → documents)."""
    store = open_store(location, migrate=False)
    upgrade(store.engine, "0016")
    store._links_reprints = False  # (today's linking writes the lists of 0017)
    docs = _copies() + [document_from_text(readout(random.Random(40 + i), i).body, f"x{i}") for i in range(6)]
    with store.transaction() as conn:
        ids = [o.document_id for o in store.add_documents(conn, [(d, None) for d in docs])]
    held: dict[int, list[int]] = {}
    shared = 1234567  # a key of every document, as template text gives
    for doc_id, doc in zip(ids, docs, strict=True):
        for key in {*Fingerprint.of(doc.simplified).keys, shared}:
            held.setdefault(key, []).append(doc_id)
    assert len(held[shared]) > stories.PER_KEY
    with store.transaction() as conn:
        conn.execute(
            text("INSERT INTO reprint_bands (band_key, document_id) VALUES (:k, :d)"),
            [{"k": k, "d": d} for k, docs in held.items() for d in docs],
        )
        conn.execute(
            text("INSERT INTO reprint_signatures (document_id, signature) VALUES (:d, :s)"),
            [
                {"d": d, "s": Fingerprint.of(doc.simplified).signature.astype("<u4").tobytes()}
                for d, doc in zip(ids, docs, strict=True)
            ],
        )
    store.engine.dispose()
    return store, held


def test_band_rows_become_band_lists_of_the_newest_documents(db):
    """Migration 0017 writes each band key's newest 16 documents as one row and drops the band
    rows; the lookup then answers as the band rows did (newest 16 per key), on both backends."""
    _, held = _band_rows_store(db)
    store = open_store(db)
    with store.engine.connect() as conn:
        assert not inspect(conn).has_table("reprint_bands")
        lists = {
            k: list(struct.unpack(f"<{len(b) // 8}q", bytes(b)))
            for k, b in conn.execute(text("SELECT band_key, documents FROM reprint_band_lists"))
        }
        assert lists == {k: sorted(docs)[-stories.PER_KEY :] for k, docs in held.items()}
        assert stories.candidates(conn, held) == lists
    # A copy ingested after the migration is linked through the lists.
    doc = document_from_text(_copies()[0].text + "\n（完）", "late")
    with store.transaction() as conn:
        (late,) = store.add_documents(conn, [(doc, None)])
    with store.engine.connect() as conn:
        keys = Fingerprint.of(doc.simplified).keys
        assert {found[-1] for found in stories.candidates(conn, keys).values()} == {late.document_id}
        assert stories.stories_of(conn, [late.document_id])[late.document_id].size >= 2
    store.engine.dispose()
