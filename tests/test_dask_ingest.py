"""Ingest on a Dask cluster (``luoshi ingest --workers N`` / ``--scheduler``): the same partitions,
batches and writer as the serial path, run on real worker processes of a real LocalCluster.

Promises: Dask and serial ingest store the same Documents and Facts (compared row by row) and
report the same; bad files inside a partition are rejections with the serial path's reasons; a
worker killed for real in the middle of a run still leaves exactly one copy of each document and
the complete result; a task run again after its worker committed stores nothing twice; the
client holds a bounded number of partitions. On SQLite the client writes, on PostgreSQL the
workers do (tests/backends.py runs both)."""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
from backends import BACKENDS, database, is_sqlite, people_rows, postgresql_database, query
from reprint_set import build
from sharedfiles import shared_dir

from luoshi.demo import corpus_path
from luoshi.demo.generate import readout
from luoshi.ingest import document_from_text
from luoshi.messages import set_language
from luoshi.pipeline import (
    IngestReport,
    Options,
    dask_client,
    ingest_paths,
    iter_partitions,
    written_partition,
)
from luoshi.store import open_store, stories

distributed = pytest.importorskip("distributed")

# Small partitions and batches, the same for both paths: many tasks, several batches each.
PARTITION_FILES, BATCH = 6, 4


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """A LocalCluster of two worker processes (with nannies that restart a killed one), no
    dashboard, for the whole module: the one ``luoshi ingest --workers 2`` starts."""
    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(params=BACKENDS)
def two_dbs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Two new stores on one backend: one for the serial run, one for the Dask run."""
    with (
        database(request.param, tmp_path_factory.mktemp("serial")) as serial,
        database(request.param, tmp_path_factory.mktemp("dask")) as on_dask,
    ):
        yield serial, on_dask


def bad_files(folder: Path) -> Path:
    """Files that are refused for different reasons, beside good ones, in one partition."""
    folder.mkdir(parents=True)
    good = (corpus_path() / "readout-00.txt").read_bytes()
    (folder / "a-good.txt").write_bytes(good)
    (folder / "b-empty.txt").write_bytes(b"")
    (folder / "c-binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    (folder / "d-scan.pdf").write_bytes(b"%PDF-1.4\n")
    (folder / "e-cut.txt.gz").write_bytes(gzip.compress(good)[:40])
    (folder / "f-feed.jsonl").write_text('{"text": "一行好的。会议强调要抓好落实。"}\n{broken\n', "utf-8")
    (folder / "a-good-copy.txt").write_bytes(good)  # the same content, first: a-good.txt is a duplicate
    (folder / os.fsdecode(b"h-\xff\xfe-name.txt")).write_bytes(good.replace("会议".encode(), "会上".encode()))
    (folder / "i-only-markup.html").write_text("<html><body><script>x</script></body></html>", "utf-8")
    return folder


def corpora(tmp_path: Path) -> list[Path]:
    return [
        corpus_path(),
        shared_dir("eval", "dev", "docs"),
        shared_dir("eval", "dev2", "docs"),
        bad_files(tmp_path / "bad"),
    ]


def generated(folder: Path, n: int) -> Path:
    """``n`` readouts of the demo generator (fictional officials), about 5 KB each."""
    rng = random.Random(7)
    folder.mkdir(parents=True)
    for i in range(n):
        text = f"第{i}号简报\n" + "\n".join(readout(rng, i).body for _ in range(3))
        (folder / f"doc-{i:04d}.txt").write_text(text, "utf-8")
    return folder


_FACT_TABLES = {
    "mentions": 'p.name, t.post, t.start, t."end" FROM mentions t JOIN persons p ON p.id = t.person_id',
    "citations": 't.title, t.start, t."end" FROM citations t',
    "task_batches": 't.count, t.what, t.start, t."end" FROM task_batches t',
    "directives": 't.ordinal, t.speaker, t.addressee, t.deadline, t.text, t.start, t."end" FROM directives t',
}


# The rows built on the workers beside the facts (``luoshi.store.rows``): citation index, reprint
# signatures and band keys, the people queue; by content hash.
_ROW_TABLES = {
    "cited_mentions": (
        't.key, t.form, t.start, t."end", t.sentence_start, t.sentence_end, t.sentence, t.day FROM cited_mentions t'
    ),
    "cited_aliases": "t.short_key, t.full_key FROM cited_aliases t",
    "outcomes": (
        't.kind, t.title, t.title_original, t.zone, t.count, t.day, t.start, t."end", t.sentence_start, '
        "t.sentence_end FROM outcomes t"
    ),
    "reprint_signatures": "t.signature FROM reprint_signatures t",
    "people_pending": "1 FROM people_pending t",
}


def search_tokens(db: str) -> list[tuple[str, str]]:
    """What the search index holds of each document, by content hash: SQLite's FTS5 tokens with
    their columns and positions (read through fts5vocab: the index keeps no text), PostgreSQL's
    lexemes."""
    if not is_sqlite(db):
        found = query(
            db,
            "SELECT d.content_hash, t.terms::text, t.partial FROM document_terms t JOIN documents d ON d.id = t.id",
        )
        return sorted((h, f"{partial} {terms}") for h, terms, partial in found)
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE VIRTUAL TABLE temp.tokens USING fts5vocab(main, document_fts, instance)")
        tokens: dict[int, list[tuple[str, int, str]]] = {}
        for term, doc, column, offset in conn.execute("SELECT term, doc, col, offset FROM temp.tokens"):
            tokens.setdefault(doc, []).append((column, offset, term))
        hashes = dict(conn.execute("SELECT id, content_hash FROM documents"))
    return sorted(
        (hashes[doc], hashlib.sha256(repr(sorted(t)).encode()).hexdigest()) for doc, t in tokens.items()
    )


def band_lists(db: str) -> list[tuple[int, list[str]]]:
    """The LSH index by content: each band key with the content hashes of the documents it lists
    (the lists hold database ids, which differ between runs on PostgreSQL). A full list keeps the
    newest PER_KEY ids, which depend on the order of the commits: only its length is compared."""
    hashes = dict(query(db, "SELECT id, content_hash FROM documents"))
    rows = query(db, "SELECT band_key, documents FROM reprint_band_lists")
    listed = stories.unpack([(k, bytes(blob)) for k, blob in rows])
    return sorted(
        (key, ["full"] if len(ids) == stories.PER_KEY else sorted(hashes[d] for d in ids))
        for key, ids in listed.items()
    )


def stored_rows(db: str) -> dict[str, Any]:
    """Everything ingest stores, keyed by content (ids are the database's: on PostgreSQL the
    workers' commits interleave)."""
    columns = (
        "content_hash, name, title, published, event_date, source_url, source_site, source_path, "
        "source_format, encoding, script, original, text, offsets, meta, facts, year, place, meeting_kind"
    )
    rows: dict[str, Any] = {"documents": sorted(map(repr, query(db, f"SELECT {columns} FROM documents")))}
    for table, sql in (_FACT_TABLES | _ROW_TABLES).items():
        found = query(db, f"SELECT d.content_hash, {sql} JOIN documents d ON d.id = t.document_id")
        rows[table] = sorted(map(repr, found))
    rows["reprint_band_lists"] = band_lists(db)
    rows["cited_titles"] = sorted(query(db, "SELECT key, title, work_key, bare_key FROM cited_titles"))
    rows["search"] = search_tokens(db)
    rows["persons"] = sorted(r[0] for r in query(db, "SELECT name FROM persons"))
    rows["rejections"] = sorted(query(db, "SELECT key, reason FROM rejections"))
    rows["written_batches"] = query(db, "SELECT count(*) FROM written_batches")  # none left behind
    members = query(
        db, "SELECT m.story_id, d.content_hash FROM story_members m JOIN documents d ON d.id = m.document_id"
    )
    by_story: dict[int, set[str]] = {}
    for story, content in members:
        by_story.setdefault(story, set()).add(content)
    rows["stories"] = sorted(sorted(s) for s in by_story.values())
    return rows


def comparable(report: IngestReport, db: str) -> dict[str, Any]:
    """A report as the user reads it; the stored ids of duplicates only where ids are the same."""
    duplicates = report.duplicates if is_sqlite(db) else [key for key, _ in report.duplicates]
    return {
        "added": report.added,
        "duplicates": duplicates,
        "rejected": report.rejected,
        "warnings": report.warnings,
        "files": report.files,
        "bytes": report.bytes,
    }


def ingest(db: str, paths: list[Path], client: Any = None, **kw: Any) -> IngestReport:
    store = open_store(db)
    try:
        return ingest_paths(
            store, paths, client=client, partition_files=PARTITION_FILES, batch_size=BATCH, **kw
        )
    finally:
        store.engine.dispose()


def test_dask_and_serial_store_the_same_documents_and_facts(client, two_dbs, tmp_path):
    serial_db, dask_db = two_dbs
    paths = corpora(tmp_path)
    seen: list[int] = []
    serial = ingest(serial_db, paths)
    on_dask = ingest(dask_db, paths, client, progress=lambda files, _: seen.append(files))
    assert comparable(on_dask, dask_db) == comparable(serial, serial_db)
    assert stored_rows(dask_db) == stored_rows(serial_db)
    if is_sqlite(dask_db):  # the client writes in input order: the same ids too
        ids = "SELECT id, content_hash FROM documents ORDER BY id"
        assert query(dask_db, ids) == query(serial_db, ids)
    assert len(serial.added) > 80 and len(serial.rejected) >= 7 and serial.duplicates
    assert seen == sorted(seen) and seen[-1] == serial.files  # the progress bar moves forward to the end


def test_bad_files_inside_a_partition_are_rejected_with_the_serial_reasons_in_the_clients_language(
    client, db, tmp_path
):
    folder = bad_files(tmp_path / "bad")
    set_language("en")  # the workers were started in Chinese
    try:
        serial = ingest(str(tmp_path / "serial.db"), [folder])
        on_dask = ingest(db, [folder], client)
    finally:
        set_language(None)
    assert on_dask.rejected == serial.rejected
    reasons = " | ".join(r.reason for r in on_dask.rejected)
    for words in ("empty file", "binary", "unsupported", "JSON", "no text"):
        assert words in reasons, reasons
    assert len(on_dask.added) == 3 and [k for k, _ in on_dask.duplicates] == [str(folder / "a-good.txt")]


def test_a_file_that_breaks_the_reader_is_a_rejection_and_the_batch_goes_on(client, db, tmp_path):
    good = tmp_path / "good.txt"
    shutil.copy(corpus_path() / "readout-02.txt", good)
    paths = [tmp_path / "bad\0name.txt", good]  # (the reader's stat raises ValueError)
    for report in (ingest(str(tmp_path / "serial.db"), paths), ingest(db, paths, client)):
        assert report.added == [str(good)] and report.files == 2
        ((key, reason),) = [(r.key, r.reason) for r in report.rejected]
        assert key == str(tmp_path / "bad\ufffdname.txt") and "ValueError" in reason


def test_the_same_content_in_two_partitions_is_stored_once(client, db, tmp_path):
    """Serially the first in input order is kept; on PostgreSQL, where workers write at once,
    whichever commits first (the other is reported as already stored, with the kept one's id)."""
    good = (corpus_path() / "readout-01.txt").read_text("utf-8")
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        for i in range(PARTITION_FILES):
            text = good if i == 0 else f"第{folder}{i}号。" + good[: 200 + 50 * i]
            (tmp_path / folder / f"{i}.txt").write_text(text, "utf-8")
    report = ingest(db, [tmp_path / "a", tmp_path / "b"], client, with_facts=False)
    copies = {str(tmp_path / "a" / "0.txt"), str(tmp_path / "b" / "0.txt")}
    ((duplicate, kept_id),) = report.duplicates
    (kept,) = copies - {duplicate}
    assert kept in report.added and len(report.added) == 2 * PARTITION_FILES - 1
    assert query(db, "SELECT id, source_path FROM documents WHERE id = :i", i=kept_id) == [(kept_id, kept)]
    if is_sqlite(db):
        assert kept == str(tmp_path / "a" / "0.txt")


def test_reprints_written_by_concurrent_workers_are_linked_into_stories(client, two_dbs, tmp_path):
    folder = tmp_path / "reprints"
    folder.mkdir()
    copies = build(stories=20, singles=8, seed=5)
    for i, copy in enumerate(copies):
        (folder / f"c{i:03d}.txt").write_text(copy.text, "utf-8")
    serial_db, dask_db = two_dbs
    ingest(serial_db, [folder], with_facts=False)
    ingest(dask_db, [folder], client, with_facts=False)
    found = stored_rows(dask_db)["stories"]
    assert found == stored_rows(serial_db)["stories"]
    assert len(found) >= 18 and sum(map(len, found)) >= 70  # (20 stories of 4 or 5 copies)


def test_a_reprint_committed_by_a_concurrent_writer_is_found_by_the_next_batch_on_postgresql():
    """Two transactions each store one copy of a readout (two workers writing at once): the
    second waits to link until the first commits, then finds it."""
    copies = build(stories=1, singles=0, seed=3)[:2]
    docs = [document_from_text(c.text, f"c{i}") for i, c in enumerate(copies)]
    with postgresql_database() as url:
        store = open_store(url)
        second = open_store(url)
        done = threading.Event()

        def write_second() -> None:
            with second.transaction() as conn:
                second.add_documents(conn, [(docs[1], None)])
            done.set()

        with store.transaction() as conn:
            store.add_documents(conn, [(docs[0], None)])
            writer = threading.Thread(target=write_second)
            writer.start()
            done.wait(2)  # it cannot link before this transaction ends
            linked_before_commit = done.is_set()
        writer.join()
        assert not linked_before_commit
        with store.engine.connect() as conn:
            assert len({s.id for s in stories.stories_of(conn, [1, 2]).values()}) == 1
        store.engine.dispose()
        second.engine.dispose()


def test_a_worker_killed_mid_run_leaves_one_copy_of_each_document_and_the_whole_result(
    client, two_dbs, tmp_path
):
    folder = generated(tmp_path / "many", 240)
    serial_db, dask_db = two_dbs
    serial = ingest(serial_db, [folder])
    pids = client.run(os.getpid)
    killed: list[int] = []
    held: list[int] = []

    def kill_a_busy_worker(files: int, _bytes: int) -> None:
        held.append(len(client.futures))
        if killed or files < 3 * PARTITION_FILES:
            return
        busy = [worker for worker, keys in client.processing().items() if keys]
        if busy:
            os.kill(pids[busy[0]], signal.SIGKILL)  # the process itself: its nanny starts another
            killed.append(pids[busy[0]])

    on_dask = ingest(dask_db, [folder], client, progress=kill_a_busy_worker)
    assert killed, "no worker was busy when the run was half-way"
    assert comparable(on_dask, dask_db) == comparable(serial, serial_db)
    assert len(on_dask.added) == 240 and not on_dask.duplicates
    assert stored_rows(dask_db) == stored_rows(serial_db)
    assert query(dask_db, "SELECT count(*), count(DISTINCT content_hash) FROM documents") == [(240, 240)]
    # Never more than a few partitions at once in the client (40 partitions in all).
    assert max(held) <= 3 * 2
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in client.run(os.getpid).values()


def test_a_partition_written_again_stores_nothing_twice_and_reports_the_same(db, tmp_path):
    """What a worker does when the scheduler runs its task again after the worker that ran it
    first died after committing (part or all of) it."""
    folder = bad_files(tmp_path / "bad")
    (part,) = iter_partitions([folder])
    options = Options(batch_size=BATCH)
    url = open_store(db).engine.url.render_as_string(hide_password=False)
    first = written_partition(url, "run1", part, options)
    before = stored_rows(db)
    again = written_partition(url, "run1", part, options)
    assert again == first and stored_rows(db) == before
    # (the documents of a batch found written are not known here: no people refresh from them)
    assert first.sightings_complete and not again.sightings_complete
    assert len(first.added) == 3 and len(first.rejected) == 6
    assert query(db, "SELECT count(*) FROM written_batches WHERE run = 'run1'") == [(3,)]
    open_store(db).forget_batches("run1")
    assert query(db, "SELECT count(*) FROM written_batches") == [(0,)]


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LUOSHI_LANG": "en"}
    if env.get("PYTHONPATH"):  # (a worktree's src first, wherever the command runs)
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(os.pathsep)))
    return subprocess.run(
        [sys.executable, "-m", "luoshi.cli", "ingest", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
    )


def test_the_command_runs_on_an_existing_scheduler_with_the_serial_report_and_exit_status(client, tmp_path):
    shutil.copytree(corpus_path(), tmp_path / "corpus")
    serial = _cli("corpus", "--db", "serial.db", cwd=tmp_path)
    address = client.scheduler.address
    on_dask = _cli("corpus", "--db", "dask.db", "--scheduler", address, cwd=tmp_path)
    assert on_dask.returncode == serial.returncode == 3
    assert on_dask.stdout.replace("dask.db", "serial.db") == serial.stdout
    assert stored_rows(str(tmp_path / "dask.db")) == stored_rows(str(tmp_path / "serial.db"))


def test_the_command_starts_its_own_workers(tmp_path):
    dev = shared_dir("eval", "dev", "docs")
    result = _cli(str(dev), "--db", str(tmp_path / "w.db"), "--workers", "2", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        f"{len(list(dev.iterdir()))} files: {len(list(dev.iterdir()))} documents added"
    )
    assert result.stderr == ""


def test_bad_cluster_options_are_refused_in_a_sentence(tmp_path):
    dev = str(shared_dir("eval", "dev", "docs"))
    both = _cli(dev, "--db", str(tmp_path / "x.db"), "--workers", "2", "--scheduler", "tcp://127.0.0.1:1")
    assert both.returncode == 2 and "not both" in both.stderr
    none = _cli(dev, "--db", str(tmp_path / "x.db"), "--workers", "0")
    assert none.returncode == 2 and "at least 1" in none.stderr
    unreachable = _cli(dev, "--db", str(tmp_path / "x.db"), "--scheduler", "tcp://127.0.0.1:9")
    assert unreachable.returncode == 1 and "cannot reach the Dask scheduler" in unreachable.stderr
    assert "Traceback" not in unreachable.stderr


def _workers_of(command: psutil.Process) -> list[psutil.Process]:
    """The worker processes of a ``luoshi ingest --workers N`` command: its grandchildren (the
    children of the server they are forked from); none while one of them is starting or ending."""
    try:
        return [w for child in command.children() for w in child.children()]
    except psutil.Error:
        return []


def test_the_command_on_its_own_workers_stores_the_serial_rows_people_included_a_worker_killed(tmp_path):
    """``luoshi ingest --workers 2`` (its workers forked from a server forked from the command)
    against the serial command on 600 readouts (three partitions): the same documents, facts and
    people (sightings, persons, posts: ids included), although both workers are killed once the
    first documents are written (their nannies fork them again from the server, the scheduler
    runs their tasks again)."""
    folder = generated(tmp_path / "many", 600)
    serial_db, dask_db = str(tmp_path / "serial.db"), str(tmp_path / "dask.db")
    assert _cli(str(folder), "--db", serial_db, "-q").returncode == 0
    env = {**os.environ, "LUOSHI_LANG": "en"}
    if env.get("PYTHONPATH"):
        env["PYTHONPATH"] = os.pathsep.join(map(os.path.abspath, env["PYTHONPATH"].split(os.pathsep)))
    command = subprocess.Popen(
        [sys.executable, "-m", "luoshi.cli", "ingest", str(folder), "--db", dask_db, "--workers", "2", "-q"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    killed: list[int] = []
    try:
        while command.poll() is None and not killed:
            try:
                written = query(dask_db, "SELECT count(*) FROM documents")[0][0]
            except Exception:  # noqa: BLE001 - (not created or migrated yet)
                written = 0
            workers = _workers_of(psutil.Process(command.pid)) if 0 < written < 600 else []
            if len(workers) == 2:
                for worker in workers:
                    worker.kill()
                    killed.append(worker.pid)
            time.sleep(0.02)
        out, err = command.communicate(timeout=300)
    finally:
        command.kill()
    assert killed, "the run ended before it could be interrupted"
    assert command.returncode == 0, err
    assert out.startswith("600 files: 600 documents added") and err == ""
    assert stored_rows(dask_db) == stored_rows(serial_db)
    ids = "SELECT id, content_hash FROM documents ORDER BY id"
    assert query(dask_db, ids) == query(serial_db, ids)
    found = people_rows(dask_db)
    assert found == people_rows(serial_db)
    assert len(found["people"]) > 100 and len(found["person_sightings"]) > 5000
