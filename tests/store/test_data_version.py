"""The data's version (``Store.data_version``), by which pages and answers are kept: it moves with
each committed change a reader is shown — and on PostgreSQL also when two writers commit in the
other order than the one they took their ids in."""

from __future__ import annotations

import threading

import pytest
from backends import is_sqlite

from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.store.registry import audit


def _document(text: str, name: str):  # type: ignore[no-untyped-def]
    return (document_from_text(text, name), None)


def test_the_version_moves_with_documents_and_audited_changes_only(db: str) -> None:
    store = open_store(db)
    first = store.data_version()
    assert store.data_version() == first  # reading moves nothing
    with store.transaction() as conn:
        store.add_documents(conn, [_document("前海管理局召开专题会议，研究营商环境改革。", "a")])
    second = store.data_version()
    assert second != first
    with store.transaction() as conn:  # the same text again: nothing new, the same version
        store.add_documents(conn, [_document("前海管理局召开专题会议，研究营商环境改革。", "a2")])
    assert store.data_version() == second
    store.run(lambda conn: audit(conn, "tester", "task", 1, "edit", {"title": "甲"}, {"title": "乙"}))
    assert store.data_version() not in {first, second}


def test_a_change_committed_after_a_later_one_still_moves_the_version(db: str) -> None:
    """Writer A takes the lower audit id and commits last; B takes the higher one in between.
    A reader's version taken between the two commits must differ from the one after both
    (with the newest id as the version it did not: B's id was already the newest)."""
    if is_sqlite(db):
        pytest.skip("SQLite has one writer at a time: its commits follow the order of the ids")
    store = open_store(db)
    a = store.engine.connect()
    a.begin()
    audit(a, "a", "task", 1, "edit")
    b_done = threading.Event()

    def writer_b() -> None:
        store.run(lambda conn: audit(conn, "b", "task", 2, "edit"))
        b_done.set()

    b = threading.Thread(target=writer_b)
    b.start()
    b_done.wait(1.0)  # B commits now, or waits for A's commit (as it should)
    between = store.data_version()
    a.commit()
    a.close()
    b.join(10)
    assert b_done.is_set()
    assert store.data_version() != between
