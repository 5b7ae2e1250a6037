"""People stored and served (luoshi.services.people over luoshi.store.people), on SQLite and
PostgreSQL: careers from stored documents, the queue filled by ingest, the office's merges and
splits kept through every later clustering and audited, the successor of a task's leader."""

from __future__ import annotations

import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from backends import query
from people_texts import LATER, READOUTS, add

from luoshi.evaluate import load_people_gold, score_people
from luoshi.pipeline import ingest_paths
from luoshi.services import people
from luoshi.store import open_store

GOLD = Path(__file__).resolve().parents[1] / "link" / "people_set"


def careers(found: dict[str, Any]) -> list[list[tuple[str, str | None, str | None]]]:
    return [[(r["post"], r["first_seen"], r["last_seen"]) for r in p["posts"]] for p in found["people"]]


def test_careers_from_stored_readouts(db):
    store = open_store(db)
    ids = add(store, READOUTS)
    assert people.counts(store)["pending"] == len(READOUTS)  # queued by the store's write path
    report = people.refresh(store)
    assert report.documents == len(READOUTS) and people.counts(store)["pending"] == 0
    found = people.person(store, "覃建國")  # either script
    assert found["name"] == "覃建国" and len(found["people"]) == 1
    (qin,) = found["people"]
    assert [(r["post"], r["first_seen"], r["last_seen"], r["began"], r["ended"]) for r in qin["posts"]] == [
        ("深圳市委副书记", "2021-03-05", "2021-03-05", None, None),
        ("深圳市市长", "2021-03-05", "2022-11-20", None, "2022-11-20"),
        ("深圳市委书记", "2022-11-20", "2024-01-10", "2022-11-20", None),
    ]
    mayor = qin["posts"][1]
    assert (
        mayor["first_document"]["id"] == ids["sz-2021"]
        and mayor["last_document"]["id"] == ids["sz-2022-notice"]
    )
    assert {e["word"] for e in mayor["evidence"]} == {"", "辞去", "免去"}
    assert qin["label"] == "深圳市委书记" and qin["documents"] == 5
    assert [a["document_id"] for a in qin["appearances"]] == [
        ids[k] for k in ("sz-2021", "sz-2022-renda", "sz-2022-notice", "sz-2023", "sz-2024-traditional")
    ]
    # the same name in two cities at once: two people, each with their own post
    assert sorted(careers(people.person(store, "张立新"))) == [
        [("杭州市发展改革委主任", "2022-06-10", "2022-06-10")],
        [("深圳市副市长", "2021-03-05", "2021-03-05")],
    ]
    page = people.index(store, limit=2)
    assert page["total"] == 6 and [p["name"] for p in page["people"]] == ["覃建国", "周正清"]
    assert people.index(store, query="发展改革委")["people"][0]["label"] == "杭州市发展改革委主任"


def test_decisions_survive_reclustering_and_are_audited(db):
    store = open_store(db)
    ids = add(store, READOUTS)
    found = people.person(store, "张立新")["people"]
    merged = people.merge(store, found[0]["id"], found[1]["id"], "督查室王五", "同一人")
    assert [p["id"] for p in people.person(store, "张立新")["people"]] == [merged]
    add(store, LATER)  # a new document of the name: its mention is added to the merged person
    report = people.refresh(store)
    assert report.names >= 1 and report.whole == 0
    assert [p["id"] for p in people.person(store, "张立新")["people"]] == [merged]
    people.rebuild(store)  # every document read again
    assert [p["id"] for p in people.person(store, "张立新")["people"]] == [merged]

    part, rest = people.split(store, merged, posts=["杭州市发展改革委主任"], actor="督查室赵六")
    after = {p["id"]: p for p in people.person(store, "张立新")["people"]}
    assert set(after) == {part, rest}
    assert [r["post"] for r in after[part]["posts"]] == ["杭州市发展改革委主任"]
    assert [a["document_id"] for a in after[part]["appearances"]] == [ids["hz-2022"]]
    audit = query(db, "SELECT actor, entity, action FROM audit_log WHERE entity = 'person' ORDER BY id")
    assert audit == [("督查室王五", "person", "merge"), ("督查室赵六", "person", "split")]
    decisions = people.decisions(store, "张立新")
    assert [(d["kind"], d["active"], d["actor"], d["note"]) for d in decisions] == [
        ("merge", False, "督查室王五", "同一人"),  # contradicted by the split
        ("split", True, "督查室赵六", None),
    ]
    assert decisions[0]["at"]
    people.rebuild(store)
    assert len(people.person(store, "张立新")["people"]) == 2
    add(store, {"hz-2023": "杭州市发展改革委召开会议\n\n2023年3月2日，杭州市发展改革委主任张立新主持会议。"})
    assert people.refresh(store).whole == 0  # added to the Hangzhou person: the split holds
    after = {p["id"]: p for p in people.person(store, "张立新")["people"]}
    assert set(after) == {part, rest} and len(after[part]["appearances"]) == 2


def test_people_clustered_as_documents_arrive_score_on_the_gold_set(db_path):
    """The gold set ingested in ten batches in a shuffled order, the people brought up to date
    after each (new mentions added to the persons, a name clustered whole on a conflict): the
    targets of a whole clustering hold (B-cubed F1 ≥ 0.95, no incompatible merge)."""
    files = sorted((GOLD / "docs").glob("*.txt"))
    random.Random(4).shuffle(files)
    store = open_store(db_path)
    names = whole = 0
    for k in range(10):
        batch = Path(db_path).parent / f"batch-{k}"
        batch.mkdir()
        for f in files[k::10]:
            shutil.copy(f, batch / f.name)
        ingest_paths(store, [batch])
        report = people.refresh(store)
        names, whole = names + report.names, whole + report.whole
    score = score_people(load_people_gold(GOLD), people.assignments(store))
    assert score.f1 >= 0.95 and not score.incompatible_merges
    assert whole < names / 2  # most names were extended, not clustered again


def test_decisions_that_cannot_be_made(db):
    store = open_store(db)
    add(store, READOUTS)
    qin = people.person(store, "覃建国")["people"][0]["id"]
    zhou = people.person(store, "周正清")["people"][0]["id"]
    with pytest.raises(people.PeopleError) as e:
        people.merge(store, qin, zhou, "someone")
    assert e.value.key == "people.merge_names" and "覃建国" in str(e.value)
    for (first, second), key in (((qin, qin), "people.merge_same"), ((qin, 999999), "people.no_person")):
        with pytest.raises(people.PeopleError) as e:
            people.merge(store, first, second, "someone")
        assert e.value.key == key
    with pytest.raises(people.PeopleError) as e:
        people.split(store, qin, posts=["广州市市长"], actor="someone")
    assert e.value.key == "people.split_none"
    with pytest.raises(people.PeopleError) as e:
        people.split(store, qin, actor="someone")
    assert e.value.key == "people.split_nothing"
    assert query(db, "SELECT count(*) FROM person_decisions") == [(0,)]  # nothing half-written


def test_the_successor_of_a_tasks_leader(db):
    store = open_store(db)
    ids = add(store, READOUTS)
    # a task from the directive 覃建国 gave as mayor in 2021: 深圳市市长 is now 周正清's
    task = {
        "leader": None,
        "source": {"kind": "document", "document_id": ids["sz-2021"], "speaker": "覃建国"},
    }
    found = people.task_successor(store, task)
    assert found and found["post"] == "深圳市市长" and found["successor"]["name"] == "周正清"
    assert found["successor"]["first_seen"] == "2022-11-09"
    # a 责任领导 cell names the leader
    named = people.task_successor(store, {"leader": "市长覃建国", "source": {}})
    assert named and named["successor"]["name"] == "周正清"
    # the holder now has no successor; a name the documents do not know has none either
    assert people.task_successor(store, {"leader": "周正清", "source": {}}) is None
    assert people.task_successor(store, {"leader": "无名氏", "source": {}}) is None


def test_stores_written_before_migration_0011_are_read(db_path):
    from luoshi.store.migrate import upgrade

    store = open_store(db_path, migrate=False)
    upgrade(store.engine, "0010")
    add(store, READOUTS)
    # facts stored before changes of post were read lack them: the service reads them from the text
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE documents SET facts = json_remove(facts, '$.appointments')")
    store = open_store(db_path)  # migrates: every stored document queued
    assert people.counts(store)["pending"] == len(READOUTS)
    (qin,) = people.person(store, "覃建国")["people"]
    assert [r["post"] for r in qin["posts"]][-1] == "深圳市委书记" and qin["posts"][-1][
        "began"
    ] == "2022-11-20"
