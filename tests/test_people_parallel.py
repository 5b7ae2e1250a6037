"""A first ingest's people refresh on the Dask workers (``luoshi.services.people_parallel``, what
``luoshi ingest --workers N`` runs before closing its cluster): the same people tables as the
serial refresh, ids included, on both backends, with a real LocalCluster; nothing done on the
workers when one read other documents or failed, nor for any queue but a first ingest's (left
to the serial refresh: the incremental path as it is)."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from backends import BACKENDS, database, people_rows, query
from people_texts import GOLD
from sharedfiles import shared_dir

from luoshi.demo import corpus_path
from luoshi.demo.generate import readout
from luoshi.pipeline import WORKER_PRELOAD, IngestReport, dask_client, ingest_paths
from luoshi.services import people, people_parallel
from luoshi.store import open_store
from luoshi.store import people as tables

pytest.importorskip("distributed")


def generated(folder: Path, n: int, seed: int = 7) -> Path:
    """``n`` readouts of the demo generator (fictional officials), about 5 KB each."""
    rng = random.Random(seed)
    folder.mkdir(parents=True)
    for i in range(n):
        text = f"第{i}号简报\n" + "\n".join(readout(rng, i).body for _ in range(3))
        (folder / f"doc-{i:04d}.txt").write_text(text, "utf-8")
    return folder


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two local worker processes, as ``luoshi ingest --workers 2`` starts them."""
    with dask_client(workers=2, preload=(*WORKER_PRELOAD, "luoshi.services.people_parallel")) as client:
        yield client


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated(tmp_path_factory.mktemp("corpus") / "docs", 160)


def queued(db: str, *folders: Path) -> Any:
    """The store at ``db`` with the documents of ``folders`` written and waiting to be clustered
    (``ingest_paths`` queues them; the command refreshes after)."""
    store = open_store(db)
    for folder in folders:
        ingest_paths(store, [folder])
    return store


def collected(db: str, folder: Path) -> tuple[Any, Any]:
    """The store at ``db`` with the documents of ``folder`` written and waiting, and the
    ingest's report with their sighting rows (as ``luoshi ingest --workers N`` asks for them)."""
    store = open_store(db)
    assert people_parallel.first_ingest(store)
    report = ingest_paths(store, [folder], sightings=True)
    assert report.sightings_complete and report.sightings
    return store, report.sightings


@pytest.fixture(params=BACKENDS)
def dbs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Three new stores on one backend."""
    with (
        database(request.param, tmp_path_factory.mktemp("a")) as a,
        database(request.param, tmp_path_factory.mktemp("b")) as b,
        database(request.param, tmp_path_factory.mktemp("c")) as c,
    ):
        yield [a, b, c]


@pytest.mark.parametrize("parts", [3, 1])
def test_a_first_refresh_on_the_workers_stores_the_serial_people_rows_ids_included(
    client, corpus, dbs, parts
):
    serial_db, shared_db = dbs[:2]
    serial = queued(serial_db, corpus)
    expected = people.refresh(serial)
    store, sightings = collected(shared_db, corpus)
    report = people_parallel.refresh(store, client, sightings, parts)
    assert report is not None  # (done on the workers: None is the only other answer)
    found = people_rows(shared_db)
    assert len(found["person_sightings"]) > 2000 and len(found["people"]) > 50
    assert found == people_rows(serial_db)
    assert (report.documents, report.names, report.people) == (
        expected.documents,
        expected.names,
        expected.people,
    )
    assert report.most < len(found["person_sightings"]) if parts > 1 else report.most == expected.most
    assert query(shared_db, "SELECT count(*) FROM people_pending") == [(0,)]
    # done: a second call finds nothing waiting and leaves the store as it is
    assert people_parallel.refresh(store, client, sightings, parts) is None
    assert people_rows(shared_db) == found
    serial.engine.dispose()
    store.engine.dispose()


def test_the_serial_rows_also_where_the_serial_refresh_reads_and_clusters_in_batches(client, corpus, dbs):
    """Past one batch of documents, ``KEPT`` sightings or ``NAMES`` names the serial refresh stores
    the sightings first and clusters the names in transactions of their own (in name order:
    ``store.people.dirty_names``); its rows are those of clustering every name whole at once,
    which the workers do (in pieces, too)."""
    serial_db, shared_db = dbs[:2]
    serial = queued(serial_db, corpus)
    report = people.refresh(serial, batch=40, names_at_once=25, keep=700, piece=900)
    assert report.whole == report.names > 25  # (more names than one transaction clusters)
    store, sightings = collected(shared_db, corpus)
    assert people_parallel.refresh(store, client, sightings, parts=3, piece=900) is not None
    assert people_rows(shared_db) == people_rows(serial_db)
    serial.engine.dispose()
    store.engine.dispose()


def test_nothing_is_done_on_the_workers_for_another_queue_than_the_documents_collected(
    client, corpus, dbs, tmp_path
):
    serial_db, other_db, shared_db = dbs[:3]
    serial = queued(serial_db, corpus)
    people.refresh(serial)
    other, elsewhere = collected(other_db, generated(tmp_path / "fewer", 40, seed=3))
    store, sightings = collected(shared_db, corpus)
    before = people_rows(shared_db), query(shared_db, "SELECT document_id FROM people_pending ORDER BY 1")
    for wrong in (elsewhere, sightings[1:], [*sightings, (10**6, sightings[0][1])]):
        assert people_parallel.refresh(store, client, wrong) is None
        assert (
            people_rows(shared_db),
            query(shared_db, "SELECT document_id FROM people_pending ORDER BY 1"),
        ) == before
    people.refresh(store)  # (what the command does then)
    assert people_rows(shared_db) == people_rows(serial_db)
    serial.engine.dispose()
    other.engine.dispose()
    store.engine.dispose()


def test_only_a_first_ingest_is_shared_a_later_one_is_the_incremental_refresh(client, tmp_path):
    first, later = generated(tmp_path / "first", 80, seed=11), generated(tmp_path / "later", 60, seed=12)
    serial_db, shared_db = str(tmp_path / "serial.db"), str(tmp_path / "shared.db")
    serial = queued(serial_db, first)
    people.refresh(serial)
    ingest_paths(serial, [later])
    people.refresh(serial)
    store, sightings = collected(shared_db, first)
    assert people_parallel.refresh(store, client, sightings) is not None
    assert not people_parallel.first_ingest(store)  # (the command then asks for no sightings)
    report = ingest_paths(store, [later], sightings=True)
    waiting = query(shared_db, "SELECT count(*) FROM people_pending")
    assert waiting[0][0] > 0
    assert people_parallel.refresh(store, client, report.sightings) is None  # sightings stored
    assert query(shared_db, "SELECT count(*) FROM people_pending") == waiting  # nothing done
    people.refresh(store)
    assert people_rows(shared_db) == people_rows(serial_db)
    serial.engine.dispose()
    store.engine.dispose()


def test_the_sightings_held_by_a_run_are_let_go_past_their_bound(corpus, tmp_path, monkeypatch):
    import luoshi.pipeline as pipeline

    store = open_store(str(tmp_path / "a.db"))
    whole = ingest_paths(store, [corpus], sightings=True, batch_size=20)
    held = sum(len(rows) for _, rows in whole.sightings)
    assert whole.sightings_complete and held == whole.sightings_held > 1000
    assert sorted(d for d, _ in whole.sightings) == [
        r[0] for r in query(str(tmp_path / "a.db"), "SELECT document_id FROM people_pending ORDER BY 1")
    ]
    monkeypatch.setattr(pipeline, "MAX_SIGHTINGS", held // 2)
    cut = ingest_paths(open_store(str(tmp_path / "b.db")), [corpus], sightings=True, batch_size=20)
    assert not cut.sightings_complete and cut.sightings == [] and cut.sightings_held == 0
    assert len(cut.added) == len(whole.added)  # (only the sightings are let go)
    plain = ingest_paths(open_store(str(tmp_path / "c.db")), [corpus])
    assert plain.sightings == [] and plain.sightings_complete  # (not asked for: none built)
    store.engine.dispose()


def test_each_documents_sightings_built_where_it_is_extracted_are_those_the_refresh_reads_back(dbs):
    """``DocumentRows.sightings`` (from the facts about to be stored) against the queue's rows read
    back by the serial refresh (``take_pending``, ``sightings_of``), on real readouts of many
    regions (both scripts), the people set and the demo corpus."""
    folders = [
        shared_dir("eval", "dev", "docs"),
        shared_dir("eval", "dev2", "docs"),
        GOLD / "docs",
        corpus_path(),
    ]
    store = open_store(dbs[0])
    report = ingest_paths(store, folders, sightings=True)
    assert report.sightings_complete and len(report.sightings) == len(report.added) > 100
    taken = store.run(lambda conn: tables.take_pending(conn, 100_000))

    def same(data: Any) -> str:
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    read_back = {
        i: tuple((s.name, s.day, same(s.data())) for s in tables.sightings_of(i, day, facts, body))
        for i, day, facts, body in taken
    }
    built = {
        i: tuple((name, day, same(json.loads(data))) for name, day, data in rows)
        for i, rows in report.sightings
    }
    assert built == read_back
    assert sum(map(len, built.values())) > 500
    store.engine.dispose()


def test_a_runs_sightings_are_complete_only_if_every_batch_had_them():
    whole = IngestReport(sightings=[(1, (("甲", None, "{}"),))])
    whole.merge(IngestReport(sightings=[(2, ())]))
    assert whole.sightings_complete and [d for d, _ in whole.sightings] == [1, 2]
    whole.merge(IngestReport(sightings_complete=False))  # (a batch claimed, or one sighting not built)
    whole.merge(IngestReport(sightings=[(3, (("乙", None, "{}"),))]))
    assert not whole.sightings_complete and whole.sightings == [] and whole.sightings_held == 0


def test_the_sightings_come_back_from_the_workers_as_from_a_serial_run(client, corpus, dbs):
    """Through the cluster: in the batches the workers send back (SQLite), in the reports of
    the batches they wrote themselves (PostgreSQL); then clustered on the workers."""
    serial_db, shared_db = dbs[:2]
    serial = open_store(serial_db)
    expected = ingest_paths(serial, [corpus], sightings=True)
    store = open_store(shared_db)
    found = ingest_paths(store, [corpus], sightings=True, client=client)
    assert found.sightings_complete

    def by_path(db: str, report: IngestReport) -> dict[str, Any]:
        paths = dict(query(db, "SELECT id, source_path FROM documents"))
        return {paths[i]: rows for i, rows in report.sightings}

    assert by_path(shared_db, found) == by_path(serial_db, expected) and len(expected.sightings) == 160
    assert people_parallel.refresh(store, client, found.sightings) is not None
    people.refresh(serial)
    assert [len(rows) for rows in people_rows(shared_db).values()] == [
        len(rows) for rows in people_rows(serial_db).values()
    ]
    serial.engine.dispose()
    store.engine.dispose()


def test_the_names_are_cut_in_name_order_by_their_sightings():
    size = {"丙": 30, "甲": 50, "乙": 20}
    names = sorted(size)
    for parts in (1, 2, 3):
        cut = people_parallel.split(size, parts)
        assert len(cut) == parts and [n for c in cut for n in c] == names
    first, second = people_parallel.split(size, 2)
    assert abs(sum(size[n] for n in first) - sum(size[n] for n in second)) <= max(size.values())
    many = {f"名{i:03d}": 1 for i in range(100)}
    assert [len(c) for c in people_parallel.split(many, 4)] == [25, 25, 25, 25]
    assert [len(c) for c in people_parallel.split(many, 3)] == [33, 34, 33]
    assert people_parallel.split({"甲": 5}, 4) == [["甲"]]  # (a name is never cut)
    assert people_parallel.split({}, 2) == []


# The command, with the serial refresh refused: it ends with an error if it is called.
_NO_SERIAL_REFRESH = """
import sys
import luoshi.services.people as people
def refused(*args, **kwargs):
    raise SystemExit("the serial refresh ran")
people.refresh = refused
from luoshi.cli.main import app
sys.argv = ["luoshi", *sys.argv[1:]]
app()
"""


def test_the_command_on_one_worker_clusters_on_it_the_serial_people_rows(corpus, tmp_path):
    env = {**os.environ, "LUOSHI_LANG": "en"}
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(os.pathsep)))
    dbs = [str(tmp_path / "serial.db"), str(tmp_path / "one.db")]
    commands = (["-m", "luoshi.cli"], ["-c", _NO_SERIAL_REFRESH])
    for db, command, extra in zip(dbs, commands, ([], ["--workers", "1"]), strict=True):
        done = subprocess.run(
            [sys.executable, *command, "ingest", str(corpus), "--db", db, "-q", *extra],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
        )
        assert done.returncode == 0 and done.stderr == "", done.stderr
    assert people_rows(dbs[1]) == people_rows(dbs[0])


def test_a_worker_killed_while_it_clusters_leaves_the_serial_people_rows(client, tmp_path):
    """Both workers killed as soon as one is clustering its part: its task runs again on a worker
    its nanny forks again (the same rows), or the refresh is left to ``people.refresh``; never
    half of it."""
    folder = generated(tmp_path / "docs", 400, seed=5)
    serial_db, shared_db = str(tmp_path / "serial.db"), str(tmp_path / "shared.db")
    serial = queued(serial_db, folder)
    people.refresh(serial)
    store, sightings = collected(shared_db, folder)
    killed: list[int] = []
    stop = threading.Event()

    def kill() -> None:
        while not stop.is_set() and not killed:
            busy = [w for w, keys in client.processing().items() if any("luoshi-people-" in k for k in keys)]
            if busy:
                pids = client.run(os.getpid)
                for w in busy:
                    psutil.Process(pids[w]).kill()
                    killed.append(pids[w])
            time.sleep(0.005)

    killer = threading.Thread(target=kill)
    killer.start()
    try:
        report = people_parallel.refresh(store, client, sightings)
    finally:
        stop.set()
        killer.join()
    assert killed, "the refresh ended before a worker could be killed"
    if report is None:  # (what the command does then)
        assert people_rows(shared_db)["people"] == []
        people.refresh(store)
    assert people_rows(shared_db) == people_rows(serial_db)
    client.wait_for_workers(2, timeout=120)
    serial.engine.dispose()
    store.engine.dispose()
