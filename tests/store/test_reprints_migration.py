"""Migration 0010 links the documents a store held before it, in batches."""

from sqlalchemy import func, select

from luoshi.demo.generate import readout
from luoshi.ingest import document_from_text
from luoshi.store import open_store, stories
from luoshi.store.migrate import upgrade


def _copies():
    import random

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
