"""The data's version (``Store.data_version``), by which pages and answers are kept: it moves with
each committed change a reader is shown — and on PostgreSQL also when two writers commit in the
other order than the one they took their ids in."""

from __future__ import annotations

import threading
import time

import pytest
from backends import is_sqlite, query
from sqlalchemy import text

from luoshi.extract import extract
from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.store.registry import audit


def _document(text: str, name: str):
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
    b_done = threading.Event()

    def writer_b() -> None:
        store.run(lambda conn: audit(conn, "b", "task", 2, "edit"))
        b_done.set()

    with store.transaction() as a:
        audit(a, "a", "task", 1, "edit")
        b = threading.Thread(target=writer_b)
        b.start()
        b_done.wait(10)  # B commits while A is open (nothing of A's holds it)
        assert b_done.is_set()
        between = store.data_version()
    b.join(10)
    assert store.data_version() != between


def test_two_writers_locking_a_row_and_auditing_in_either_order_do_not_deadlock(db: str) -> None:
    """One transaction audits and then updates a row, another updates the row and then audits
    (a decision on a request, an edit of its task): the versions moved by the audit entries must
    not make them wait for each other (PostgreSQL would abort one of them as a deadlock)."""
    if is_sqlite(db):
        pytest.skip("SQLite has one writer at a time")
    store = open_store(db)
    with store.transaction() as conn:
        conn.execute(text("CREATE TABLE probe_row (id integer PRIMARY KEY, v integer)"))
        conn.execute(text("INSERT INTO probe_row VALUES (1, 0)"))
    failures: list[Exception] = []
    a_audited, b_updated = threading.Event(), threading.Event()

    def audit_then_update() -> None:
        try:
            with store.transaction() as conn:
                audit(conn, "a", "request", 1, "decide")
                a_audited.set()
                b_updated.wait(10)
                conn.execute(text("UPDATE probe_row SET v = 1 WHERE id = 1"))  # waits for B
        except Exception as e:  # noqa: BLE001 (reported by the test below)
            failures.append(e)

    a = threading.Thread(target=audit_then_update)
    a.start()
    a_audited.wait(10)
    with store.transaction() as conn:
        conn.execute(text("UPDATE probe_row SET v = 2 WHERE id = 1"))
        b_updated.set()
        time.sleep(0.3)  # A is now waiting for this row
        audit(conn, "b", "task", 1, "edit")
    a.join(20)
    assert not a.is_alive()
    assert failures == []
    assert query(db, "SELECT v FROM probe_row") == [(1,)]


def _extracted(text: str, name: str):
    doc = document_from_text(text, name)
    return (doc, extract(doc))


class _Undo(Exception):
    pass


def test_a_person_made_in_a_rolled_back_transaction_is_not_used_by_the_next(db: str) -> None:
    """Ids of new persons are kept for the process only once committed: after a rollback the
    next document naming the same official gets a person that exists (PostgreSQL keeps no
    foreign key on the mentions since migration 0018: nothing else would notice)."""
    store = open_store(db)
    text_ = "3月1日，市委书记周明远主持召开专题会议，研究营商环境改革。"
    with pytest.raises(_Undo), store.transaction() as conn:
        store.add_documents(conn, [_extracted(text_, "a")])
        raise _Undo
    with store.transaction() as conn:
        store.add_documents(conn, [_extracted(text_ + "会议强调，要抓好落实。", "b")])
    assert query(db, "SELECT count(*) FROM mentions") != [(0,)]
    dangling = "SELECT count(*) FROM mentions m LEFT JOIN persons p ON p.id = m.person_id WHERE p.id IS NULL"
    assert query(db, dangling) == [(0,)]


def test_a_person_made_in_a_rolled_back_savepoint_is_not_used_later_in_the_transaction(db: str) -> None:
    """The ingest's fallback writes a failed batch again one document at a time, each in a
    savepoint of the same transaction: a person made in a savepoint that rolled back is gone."""
    store = open_store(db)
    text_ = "3月1日，市委书记周明远主持召开专题会议，研究营商环境改革。"
    with store.transaction() as conn:
        with pytest.raises(_Undo), conn.begin_nested():
            store.add_documents(conn, [_extracted(text_, "a")])
            raise _Undo
        store.forget_cache(conn)
        with conn.begin_nested():
            store.add_documents(conn, [_extracted(text_ + "会议强调，要抓好落实。", "b")])
    assert query(db, "SELECT count(*) FROM mentions") != [(0,)]
    dangling = "SELECT count(*) FROM mentions m LEFT JOIN persons p ON p.id = m.person_id WHERE p.id IS NULL"
    assert query(db, dangling) == [(0,)]


def test_a_counter_missing_its_row_gets_one_at_the_first_change(db: str) -> None:
    store = open_store(db)
    with store.transaction() as conn:
        conn.execute(text("DELETE FROM data_version WHERE id = 2"))
    with store.transaction() as conn:
        store.add_documents(conn, [_document("前海管理局召开专题会议，研究口岸通关。", "c")])
    assert query(db, "SELECT id FROM data_version ORDER BY id") == [(1,), (2,)]
