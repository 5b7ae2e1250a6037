"""A first ingest's people refresh on the Dask workers (``luoshi.services.people_parallel``, what
``luoshi ingest --workers N`` runs before closing its cluster): the same people tables as the
serial refresh, ids included, on both backends, with a real LocalCluster; nothing done on the
workers when one read other documents or failed, nor for any queue but a first ingest's (left
to the serial refresh: the incremental path as it is)."""

from __future__ import annotations

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
from backends import BACKENDS, database, query

from luoshi.demo.generate import readout
from luoshi.link.people import Sighting
from luoshi.pipeline import WORKER_PRELOAD, dask_client, ingest_paths
from luoshi.services import people, people_parallel
from luoshi.store import open_store

pytest.importorskip("distributed")

_PEOPLE_TABLES = {
    "person_sightings": "id, document_id, name, day, data, person_id",
    "people": "id, name, label, first_seen, last_seen, documents, posts",
    "person_posts": (
        "id, person_id, position, post, place, tier, unit, head, single_holder, first_seen, last_seen, "
        "began, ended, evidence"
    ),
}


def people_rows(db: str) -> dict[str, list[tuple[Any, ...]]]:
    """The people tables as stored, ids included."""
    return {
        table: query(db, f"SELECT {columns} FROM {table} ORDER BY id")
        for table, columns in _PEOPLE_TABLES.items()
    }


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


@pytest.fixture(params=BACKENDS)
def dbs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Three new stores on one backend."""
    with (
        database(request.param, tmp_path_factory.mktemp("a")) as a,
        database(request.param, tmp_path_factory.mktemp("b")) as b,
        database(request.param, tmp_path_factory.mktemp("c")) as c,
    ):
        yield [a, b, c]


def _url(store: Any) -> str:
    return str(store.engine.url.render_as_string(hide_password=False))


@pytest.mark.parametrize("parts", [2, 1])
def test_a_first_refresh_on_the_workers_stores_the_serial_people_rows_ids_included(
    client, corpus, dbs, parts
):
    serial_db, shared_db = dbs[:2]
    serial = queued(serial_db, corpus)
    expected = people.refresh(serial)
    store = queued(shared_db, corpus)
    report = people_parallel.refresh(store, client, parts)
    assert report is not None  # (done on the workers: None is the only other answer)
    found = people_rows(shared_db)
    assert len(found["person_sightings"]) > 2000 and len(found["people"]) > 50
    assert found == people_rows(serial_db)
    assert (report.documents, report.names, report.people) == (
        expected.documents,
        expected.names,
        expected.people,
    )
    assert report.most < len(found["person_sightings"]) if parts == 2 else report.most == expected.most
    assert query(shared_db, "SELECT count(*) FROM people_pending") == [(0,)]
    # done: a second call finds nothing waiting and leaves the store as it is
    assert people_parallel.refresh(store, client, parts) is None
    assert people_rows(shared_db) == found
    serial.engine.dispose()
    store.engine.dispose()


def test_nothing_is_done_on_the_workers_when_one_read_other_documents_or_failed(
    client, corpus, dbs, tmp_path
):
    serial_db, other_db, shared_db = dbs[:3]
    serial = queued(serial_db, corpus)
    people.refresh(serial)
    other = queued(other_db, generated(tmp_path / "fewer", 40, seed=3))  # another queue than this one
    missing = f"sqlite:///{tmp_path / 'missing' / 'none.db'}"  # a store the workers cannot open
    store = queued(shared_db, corpus)
    before = people_rows(shared_db), query(shared_db, "SELECT document_id FROM people_pending ORDER BY 1")
    for url in (_url(other), missing):
        assert people_parallel.refresh(store, client, url=url) is None
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
    store = queued(shared_db, first)
    assert people_parallel.refresh(store, client) is not None
    ingest_paths(store, [later])
    waiting = query(shared_db, "SELECT count(*) FROM people_pending")
    assert waiting[0][0] > 0
    assert people_parallel.refresh(store, client) is None  # sightings stored: not a first ingest's
    assert query(shared_db, "SELECT count(*) FROM people_pending") == waiting  # nothing done
    people.refresh(store)
    assert people_rows(shared_db) == people_rows(serial_db)
    serial.engine.dispose()
    store.engine.dispose()


def _sightings(names: list[tuple[str, int]]) -> list[Sighting]:
    return [
        Sighting(ref=0, document_id=i, name=name, day=None, shown=[], home={})
        for name, n in names
        for i in range(n)
    ]


def test_the_names_are_cut_in_name_order_by_their_sightings():
    found = _sightings([("丙", 30), ("甲", 50), ("乙", 20)])
    names = sorted({s.name for s in found})
    for parts in (1, 2, 3):
        cut = people_parallel.split(found, parts)
        assert len(cut) == parts and [n for c in cut for n in c] == names
    size = {n: sum(1 for s in found if s.name == n) for n in names}
    first, second = people_parallel.split(found, 2)
    assert first and second
    assert abs(sum(size[n] for n in first) - sum(size[n] for n in second)) <= max(size.values())
    many = _sightings([(f"名{i:03d}", 1) for i in range(100)])
    assert [len(c) for c in people_parallel.split(many, 2)] == [40, 60]  # (``FIRST``: stored first)
    assert [len(c) for c in people_parallel.split(many, 4)] == [25, 25, 25, 25]
    assert people_parallel.split([], 2) == [[], []]
    assert people_parallel.digest(found) != people_parallel.digest(found[::-1])


def test_the_command_on_one_worker_stores_the_serial_people_rows(corpus, tmp_path):
    env = {**os.environ, "LUOSHI_LANG": "en"}
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(os.pathsep)))
    dbs = [str(tmp_path / "serial.db"), str(tmp_path / "one.db")]
    for db, extra in zip(dbs, ([], ["--workers", "1"]), strict=True):
        done = subprocess.run(
            [sys.executable, "-m", "luoshi.cli", "ingest", str(corpus), "--db", db, "-q", *extra],
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
    store = queued(shared_db, folder)
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
        report = people_parallel.refresh(store, client)
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
