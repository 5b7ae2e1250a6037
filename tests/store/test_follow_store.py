"""Follow-through, stored, on each backend: the mentions of a document's directives are kept
and served until the store changes; a store that grew a little is followed into its new
documents only; a task's suggestions are recorded through the ledger when accepted, with the
later document and span as the source, once, audited."""

from __future__ import annotations

from datetime import date

import pytest
from backends import query
from follow_set import build, expected
from sqlalchemy import text

from luoshi.ingest import document_from_text
from luoshi.ledger.service import Ledger, LedgerError
from luoshi.services import follow as service
from luoshi.store import follow as stored
from luoshi.store import open_store


@pytest.fixture(scope="module")
def gold_store(module_db):
    store, ids = build(module_db)
    return module_db, store, ids


def _by_quote(result: service.DocumentFollow, source: str) -> dict[str, dict[str, str]]:
    out = {}
    for quote in expected(source):
        d = next(d for d in result.directives if quote in d.directive.text)
        out[quote] = {m.name: m.label for m in d.mentions}
    return out


def test_a_documents_directives_are_followed_and_the_mentions_stored(gold_store):
    db, store, ids = gold_store
    result = service.follow_document(store, ids["s01"])
    assert _by_quote(result, "s01") == expected("s01")
    assert [d.directive.index for d in result.directives] == list(range(1, len(result.directives) + 1))
    first = result.directives[0].mentions[0]
    doc = store.load_document(first.document_id)
    assert doc.text[first.span[0] : first.span[1]] == first.text and "滨江国际人才港" in first.text
    rows = query(
        db,
        "SELECT count(*) FROM follow_mentions m JOIN directives d ON d.id = m.directive_id "
        "WHERE d.document_id = :doc",
        doc=ids["s01"],
    )
    assert rows[0][0] == sum(len(d.mentions) for d in result.directives)
    (stats,) = query(db, "SELECT sample, documents FROM follow_stats")
    assert stats[0] == stats[1] == len(ids)  # a small store is counted whole


def test_the_stored_mentions_are_served_until_a_document_is_added(gold_store):
    _, store, ids = gold_store
    service.follow_document(store, ids["s02"])
    with store.engine.begin() as conn:  # changed behind luoshi's back: only a cache answer shows it
        conn.execute(text("UPDATE follow_mentions SET label = 'X' WHERE document_id = :d"), {"d": ids["f17"]})
    served = service.follow_document(store, ids["s02"])
    assert any(m.label == "X" for d in served.directives for m in d.mentions)
    with store.transaction() as conn:
        store.add_document(conn, document_from_text("2026年5月1日讯 某市召开会议。", "new-one"), None)
    fresh = service.follow_document(store, ids["s02"])
    assert _by_quote(fresh, "s02") == expected("s02")


def test_a_large_store_is_followed_into_its_new_documents_only(tmp_path, monkeypatch):
    monkeypatch.setattr(stored, "SAMPLE", 60)  # the 122 documents are then "large": counted from a sample
    store, ids = build(str(tmp_path / "large.db"))
    before = service.follow_document(store, ids["s13"])
    assert _by_quote(before, "s13") == expected("s13")
    with store.engine.begin() as conn:
        conn.execute(
            text("UPDATE follow_mentions SET cue = 'kept' WHERE document_id = :d"), {"d": ids["f52"]}
        )
    news = "2026年3月2日讯 3月1日，青川市召开会议。会议指出，青川职业教育城二期工程已开工建设，首批院校运行良好。"
    with store.transaction() as conn:
        new_id = store.add_document(conn, document_from_text(news, "f99"), None).document_id
    after = service.follow_document(store, ids["s13"])
    mentions = {m.name: m for d in after.directives for m in d.mentions}
    assert mentions["f52"].cue == "kept"  # not computed again
    assert mentions["f99"].document_id == new_id  # the new document was followed
    (run,) = {n for (n,) in query(str(tmp_path / "large.db"), "SELECT newest_id FROM follow_runs")}
    assert run == new_id


def test_accepting_a_suggestion_records_progress_through_the_ledger(gold_store):
    db, store, ids = gold_store
    ledger = Ledger(store, actor="督查室")
    tasks = ledger.propose(ids["s07"], "白沙湾新区重点项目")
    bridge = tasks[0]
    with pytest.raises(LedgerError):  # a draft takes no progress: decide the proposal first
        first = service.follow_task(store, ledger, bridge).suggestions[0]
        service.accept(store, ledger, bridge, first.document_id, *first.span)
    ledger.decide_proposal(bridge, True)
    found = service.follow_task(store, ledger, bridge)
    assert found.directive and "跨海大桥" in found.directive.directive.text
    done = next(m for m in found.suggestions if m.name == "f60")
    assert (done.label, done.accepted, done.percent) == ("完成", False, 100)
    rid = service.accept(store, ledger, bridge, done.document_id, *done.span)
    task, progress = ledger.task_record(bridge)
    (report,) = [p for p in progress if p["id"] == rid]
    assert report["source"] == {
        "kind": "document",
        "document_id": done.document_id,
        "document": "f60",
        "span": list(done.span),
        "label": "完成",
        "directive_id": found.directive.directive.id,
    }
    assert report["date"] == done.day and report["percent"] == 100 and done.text in report["text"]
    # A completion report makes the task await the office's 销号 (待销号), never done by itself.
    assert task["done_date"] is None and task["state"] == "active"
    assert done.day is not None
    assert ledger.task_detail(bridge, date.fromisoformat(done.day))["status"] == "awaiting_closure"
    audited = query(
        db, "SELECT actor, action FROM audit_log WHERE entity = 'progress' AND entity_id = :t", t=bridge
    )
    assert ("督查室", "report") in audited
    again = service.follow_task(store, ledger, bridge)
    assert next(m for m in again.suggestions if m.name == "f60").accepted
    with pytest.raises(service.FollowError):
        service.accept(store, ledger, bridge, done.document_id, *done.span)
    with pytest.raises(service.FollowError):  # not a mention of this task's directive
        service.accept(store, ledger, bridge, done.document_id, done.span[0] + 1, done.span[1])


def test_a_task_not_proposed_from_a_directive_has_nothing_to_follow(gold_store):
    _, store, _ = gold_store
    ledger = Ledger(store, actor="setup")
    with store.transaction() as conn:
        from luoshi.ledger.service import NewTask

        (tid,) = ledger.add_tasks(conn, "手工台账", 2025, [NewTask(code="1", title="手工录入的任务")])
    found = service.follow_task(store, ledger, tid)
    assert found.directive is None and found.suggestions == []
    with pytest.raises(service.FollowError):
        service.follow_task(store, ledger, 999_999)
    with pytest.raises(service.FollowError):
        service.follow_document(store, 999_999)


def test_the_migration_adds_the_tables_to_a_store_that_has_data(db):
    from luoshi.store.migrate import upgrade

    store = open_store(db, migrate=False)
    upgrade(store.engine, "0010")
    ledger = Ledger(store)
    with store.transaction() as conn:
        from luoshi.ledger.service import NewTask

        (tid,) = ledger.add_tasks(conn, "旧台账", 2025, [NewTask(code="1", title="旧任务")])
    store.engine.dispose()
    store = open_store(db)
    ledger = Ledger(store)
    rid = ledger.report_progress(tid, date(2025, 5, 1), "进展", source={"kind": "document", "document_id": 1})
    assert [p["source"] for p in ledger.task_record(tid)[1] if p["id"] == rid] == [
        {"kind": "document", "document_id": 1}
    ]
    assert query(db, "SELECT count(*) FROM follow_mentions") == [(0,)]


def test_the_newest_citing_documents_are_the_same_whichever_way_they_are_read(gold_store):
    """``citing`` walks the citations newest document first when the titles are cited widely
    (SQLite), else reads every citation of them and sorts: the same ids either way."""
    from sqlalchemy import func, select

    from luoshi.store.schema import CitationRow

    _, store, _ids = gold_store
    with store.engine.connect() as conn:
        counted = conn.execute(
            select(CitationRow.title, func.count()).group_by(CitationRow.title).order_by(func.count().desc())
        ).all()
        titles = [t for t, _ in counted]
        assert counted and counted[0][1] >= 2  # a title cited by several documents
        walked = 0
        for chosen in ([titles[0]], titles[:2], titles, ["没有这份文件"], [titles[-1], "没有这份文件"]):
            for limit in (1, 2, 3, 200):
                plain = select(CitationRow.document_id).where(CitationRow.title.in_(chosen))
                plain = plain.group_by(CitationRow.document_id).order_by(CitationRow.document_id.desc())
                expected_ids = [int(i) for i in conn.scalars(plain.limit(limit))]
                assert stored.citing(conn, chosen, limit) == expected_ids, (chosen, limit)
                walked += stored._cited_widely(conn, chosen, limit)
        assert walked  # the walk was taken (with a small limit) as well as the plain reading
