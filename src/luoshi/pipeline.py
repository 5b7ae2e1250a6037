"""The main job, once: files → Documents → Facts → store. Used by ``luoshi ingest``, uploads
through the web application and the demo.

The files are cut into partitions (``iter_partitions``: a few hundred files, a few megabytes).
``process_partition`` reads, decodes, cleans, folds, hashes and extracts one partition into
batches of documents' rows (``luoshi.store.rows``: all that depends on a document alone);
``write_batch`` stores one batch in one transaction (the inserts, and what needs the store). There is one path, run in two
places: without a Dask client every partition is processed and written in this process; with one
(``luoshi ingest --workers N`` or ``--scheduler``) the same ``process_partition`` runs on the
workers, and the same ``write_batch`` stores what they made — here for SQLite (one writer at a
time), on the workers through their own connections for PostgreSQL. Either way the batches are
the same, results are taken in input order, and the report is the same."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from luoshi.collector import fewer_collections
from luoshi.errors import LuoshiError
from luoshi.extract import extract
from luoshi.ingest import DEFAULT_MAX_BYTES, Rejection, iter_paths, printable_name, read_path
from luoshi.messages import language, message, speaking
from luoshi.store import IngestOutcome, Store, open_store
from luoshi.store.rows import BACKENDS, DocumentRows, document_rows
from luoshi.store.writers import is_conflict

BATCH_SIZE = 200  # documents (and rejections) written in one transaction
PARTITION_FILES = 200  # files in one partition: one task on a Dask worker (1–3 ms of overhead each)
PARTITION_BYTES = 8 * 1024 * 1024  # and at most this many bytes of input, unless one file is larger
# The most sighting rows a run holds for its people refresh on the workers (about 300 bytes
# each: 150 MB; a first ingest of about 18,000 generated readouts): past it they are let go and
# the refresh reads the queue, as a serial run's does.
MAX_SIGHTINGS = 500_000
MARKS_KEPT = timedelta(days=7)  # marks of distributed runs whose client died are dropped after this


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (input, stored id)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (input, warning), for stored inputs
    files: int = 0
    bytes: int = 0
    # The sighting rows of the documents added (document id, ``DocumentRows.sightings``) when
    # the run was asked for them (``Options.sightings``), for ``services.people_parallel``;
    # not in the JSON: a batch's report found marked written has none (the refresh then reads
    # the queue as usual). Emptied, and ``sightings_complete`` set false, past ``MAX_SIGHTINGS``.
    sightings: list[tuple[int, tuple[tuple[str, str | None, str], ...]]] = field(
        default_factory=list, compare=False, repr=False
    )
    sightings_complete: bool = field(default=True, compare=False, repr=False)
    sightings_held: int = field(default=0, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.rejected

    def merge(self, other: IngestReport) -> None:
        """Add ``other`` (the report of a later batch) to this one."""
        self.added.extend(other.added)
        self.duplicates.extend(other.duplicates)
        self.rejected.extend(other.rejected)
        self.warnings.extend(other.warnings)
        self.files += other.files
        self.bytes += other.bytes
        if self.sightings_complete and other.sightings_complete:
            self.sightings.extend(other.sightings)
            self.sightings_held += sum(len(rows) for _, rows in other.sightings)
        if not other.sightings_complete or self.sightings_held > MAX_SIGHTINGS:
            self.sightings, self.sightings_complete, self.sightings_held = [], False, 0

    def to_json(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "duplicates": [list(d) for d in self.duplicates],
            "rejected": [[r.key, r.reason] for r in self.rejected],
            "warnings": [list(w) for w in self.warnings],
            "files": self.files,
            "bytes": self.bytes,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IngestReport:
        return cls(
            added=list(data.get("added", [])),
            duplicates=[(k, int(i)) for k, i in data.get("duplicates", [])],
            rejected=[Rejection(k, r) for k, r in data.get("rejected", [])],
            warnings=[(k, w) for k, w in data.get("warnings", [])],
            files=int(data.get("files", 0)),
            bytes=int(data.get("bytes", 0)),
        )


ProgressCallback = Callable[[int, int], None]  # (files done, bytes done)


# -- partitions and batches --------------------------------------------------------------------


@dataclass(frozen=True)
class Partition:
    """Files to process together: one task on a Dask worker. ``paths`` are as the user gave
    them (they name the documents and the rejections); relative ones are read from ``folder``,
    the working folder of the process that made the partition."""

    index: int
    paths: tuple[Path, ...]
    folder: str


@dataclass(frozen=True)
class Options:
    """How a partition is processed, the same wherever it runs (``lang``: the language of the
    reasons, so that a worker gives them in the client's)."""

    max_bytes: int = DEFAULT_MAX_BYTES
    with_facts: bool = True
    batch_size: int = BATCH_SIZE
    lang: str = "zh"
    backend: str = "sqlite"  # the store's: the search index's rows are built for it
    sightings: bool = False  # each document's sighting rows built too (``DocumentRows.sightings``)


@dataclass
class Batch:
    """Documents as their rows (``luoshi.store.rows``: everything that depends on the document
    alone, built where it was extracted), and the inputs refused on the way, in input order;
    written in one transaction. ``files`` and ``bytes``: the files finished with this batch."""

    items: list[DocumentRows] = field(default_factory=list)
    failed: list[Rejection] = field(default_factory=list)
    files: int = 0
    bytes: int = 0
    sightings_lost: bool = False  # sightings asked for and not built for one of ``items``


def iter_partitions(
    paths: Iterable[str | os.PathLike[str]], files: int = PARTITION_FILES, size: int = PARTITION_BYTES
) -> Iterator[Partition]:
    """The files below ``paths`` in partitions of at most ``files`` files and ``size`` bytes
    (a larger file is a partition of its own)."""
    folder = os.getcwd()
    chunk: list[Path] = []
    total = index = 0
    for path in iter_paths(paths):
        try:
            length = path.stat().st_size
        except (OSError, ValueError):  # (ValueError: a NUL in the name)
            length = 0  # reading it says why
        if chunk and (len(chunk) >= files or total + length > size):
            yield Partition(index, tuple(chunk), folder)
            index += 1
            chunk, total = [], 0
        chunk.append(path)
        total += length
    if chunk:
        yield Partition(index, tuple(chunk), folder)


def process_partition(partition: Partition, options: Options) -> Iterator[Batch]:
    """Read, decode, clean, fold, hash and extract the files of ``partition``, and build each
    document's rows for ``options.backend``: batches of at most
    ``options.batch_size`` documents and rejections (a file of many records is cut into several,
    so that no more than a batch is held at once). One bad file or document is a rejection with
    its reason; it never stops the batch."""
    batch = Batch()
    folder = Path(partition.folder)
    for name in partition.paths:
        source = name if name.is_absolute() else folder / name
        items = read_path(source, options.max_bytes, name=name)
        while True:
            try:
                item = next(items, None)
            except Exception as e:  # noqa: BLE001 - one bad file must not stop a batch
                error = f"{type(e).__name__}: {e}"
                batch.failed.append(Rejection(printable_name(str(name)), message("read_failed", error=error)))
                break
            if item is None:
                break
            if len(batch.items) + len(batch.failed) >= options.batch_size:
                yield batch  # also inside a file: a JSONL file may hold 100,000 documents
                batch = Batch()
            if isinstance(item, Rejection):
                batch.failed.append(item)
            else:
                key = item.source_path or item.id
                try:
                    facts = extract(item) if options.with_facts else None
                except Exception as e:  # noqa: BLE001 - one bad document must not stop a batch
                    error = f"{type(e).__name__}: {e}"
                    batch.failed.append(Rejection(key, message("extraction_failed", error=error)))
                    continue
                try:
                    rows = document_rows(item, facts, options.backend, options.sightings)
                    batch.items.append(rows)
                    batch.sightings_lost |= options.sightings and facts is not None and rows.sightings is None
                except Exception as e:  # noqa: BLE001 - one bad document must not stop a batch
                    error = f"{type(e).__name__}: {e}"
                    batch.failed.append(Rejection(key, message("store_failed", error=error)))
        batch.files += 1
        try:
            batch.bytes += source.stat().st_size
        except (OSError, ValueError):
            pass
        if len(batch.items) + len(batch.failed) >= options.batch_size:
            yield batch
            batch = Batch()
    if batch.items or batch.failed or batch.files:
        yield batch


BatchMark = tuple[str, int, int]  # (run, partition, batch) of a distributed run's worker write


def write_batch(store: Store, batch: Batch, mark: BatchMark | None = None) -> IngestReport:
    """Store ``batch`` in one transaction: each document unless one with the same content hash
    is stored (so writing a batch again stores nothing twice), its facts, and the rejections.
    With ``mark`` (a worker writing for a distributed run) the batch is marked written in the
    same transaction, and a batch found marked is not written again: its report is returned."""

    def write(conn: Connection) -> IngestReport:
        # Run again from its start when PostgreSQL aborts it for a conflict with another
        # writer: what it found is kept apart and added to the report once it is committed.
        if mark is not None:
            found = store.claim_batch(conn, *mark)
            if found is not None:
                claimed = IngestReport.from_json(found)
                claimed.sightings_complete = False  # (its documents' sightings are not known here)
                return claimed
        done = IngestReport(files=batch.files, bytes=batch.bytes, sightings_complete=not batch.sightings_lost)

        def reject(key: str, reason: str) -> None:
            store.add_rejection(conn, key, reason)
            done.rejected.append(Rejection(key, reason))

        def record(items: list[DocumentRows], outcomes: list[IngestOutcome]) -> None:
            for item, outcome in zip(items, outcomes, strict=True):
                if outcome.new:
                    done.added.append(item.key)
                    done.warnings.extend((item.key, warning) for warning in item.warnings)
                    if item.sightings is not None:
                        done.sightings.append((outcome.document_id, item.sightings))
                else:
                    done.duplicates.append((item.key, outcome.document_id))

        for failed in batch.failed:
            reject(failed.key, failed.reason)
        try:
            with conn.begin_nested():
                record(batch.items, store.add_rows(conn, batch.items))
        except Exception as e:  # find the culprit one document at a time
            if is_conflict(e):
                raise
            store.forget_cache(conn)
            for one in batch.items:
                try:
                    with conn.begin_nested():
                        record([one], store.add_rows(conn, [one]))
                except Exception as e:
                    if is_conflict(e):
                        raise
                    store.forget_cache(conn)
                    error = f"{type(e).__name__}: {e}"
                    reject(one.key, message("store_failed", error=error))
        if mark is not None:
            store.settle_batch(conn, *mark, done.to_json())
        return done

    try:
        return store.run(write)
    except BaseException:
        store.forget_cache()
        raise


# -- the job -----------------------------------------------------------------------------------


def ingest_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = BATCH_SIZE,
    with_facts: bool = True,
    progress: ProgressCallback | None = None,
    client: Any = None,
    partition_files: int = PARTITION_FILES,
    sightings: bool = False,
) -> IngestReport:
    """Ingest every file below ``paths``. Documents are committed in batches: a run killed
    half-way leaves whole documents only, and re-running it stores each document once. With
    ``client`` (a ``distributed.Client``) the partitions are processed on its cluster's workers
    (``ingest_on_cluster``). With ``sightings`` (and facts), the report holds the sighting rows
    of the documents added (``IngestReport.sightings``)."""
    options = Options(
        max_bytes, with_facts, batch_size, language(), store.engine.dialect.name, sightings and with_facts
    )
    partitions = iter_partitions(paths, partition_files)
    report = IngestReport()
    with fewer_collections():
        reports: Iterator[IngestReport]
        if client is None:
            reports = (write_batch(store, b) for part in partitions for b in process_partition(part, options))
        else:
            reports = ingest_on_cluster(client, store, partitions, options)
        for done in reports:
            report.merge(done)
            if progress:
                progress(report.files, report.bytes)
    return report


# -- on a Dask cluster -------------------------------------------------------------------------


class ClusterError(LuoshiError, RuntimeError):
    """The Dask cluster cannot do the job; ``str()`` is a sentence of the message catalogue."""


def ingest_on_cluster(
    client: Any, store: Store, partitions: Iterable[Partition], options: Options
) -> Iterator[IngestReport]:
    """The reports of ``partitions`` processed on the workers of ``client``, in input order.
    On SQLite the workers send back their batches and this process writes them (SQLite has one
    writer at a time); on PostgreSQL each worker writes its own through its own connections,
    marking each batch written in the same transaction (``Store.claim_batch``), and sends back
    only its report. At most three partitions per worker thread (at least four) are in flight
    or waiting for their turn, so neither the workers nor this process hold more than that of
    the corpus."""
    from distributed import as_completed

    window = max(4, 3 * sum(client.nthreads().values()))  # tasks that can run at once, three times
    here = store.is_sqlite
    run = uuid.uuid4().hex
    url = store.engine.url.render_as_string(hide_password=False)
    if not here:
        store.forget_batches(run, older_than=datetime.now(UTC) - MARKS_KEPT)
    source = iter(partitions)
    index_of: dict[str, int] = {}
    finished: dict[int, Any] = {}
    running = as_completed(loop=client.loop)
    queued = 0  # submitted and not yet taken in order

    def submit() -> bool:
        part = next(source, None)
        if part is None:
            return False
        key = f"luoshi-ingest-{run}-{part.index}"
        if here:
            future = client.submit(processed_partition, part, options, key=key, pure=False)
        else:
            future = client.submit(written_partition, url, run, part, options, key=key, pure=False)
        index_of[future.key] = part.index
        running.add(future)
        return True

    more = True
    taken = 0
    try:
        while more and queued < window:
            more = submit()
            queued += more
        for future in running:
            try:
                finished[index_of.pop(future.key)] = future.result()
            except Exception as e:
                if type(e).__name__ == "KilledWorker":
                    raise ClusterError(message("cluster_worker_died", error=str(e))) from e
                raise
            future.release()
            while taken in finished:
                result = finished.pop(taken)
                taken += 1
                queued -= 1
                if here:
                    for batch in result:
                        yield write_batch(store, batch)
                else:
                    yield result
                while more and queued < window:
                    more = submit()
                    queued += more
    finally:
        for future in list(running.futures):
            future.cancel()
        running.clear()
        if not here:
            store.forget_batches(run)


def processed_partition(partition: Partition, options: Options) -> list[Batch]:
    """A Dask task: ``partition`` processed (its batches go back to the client, which writes)."""
    with speaking(options.lang), fewer_collections():
        return list(process_partition(partition, options))


_WORKER_STORES: dict[str, Store] = {}  # per worker process, by database URL
_WORKER_STORES_KEPT = 4


def worker_store(url: str) -> Store:
    """The store at ``url``, opened once per worker process."""
    store = _WORKER_STORES.get(url)
    if store is None:
        while len(_WORKER_STORES) >= _WORKER_STORES_KEPT:
            _WORKER_STORES.pop(next(iter(_WORKER_STORES))).engine.dispose()
        store = _WORKER_STORES[url] = open_store(url)
    return store


def written_partition(url: str, run: str, partition: Partition, options: Options) -> IngestReport:
    """A Dask task: ``partition`` processed and written by this worker through its own
    connections; each batch is marked written with it, so that running the task again (its
    worker died) stores nothing twice and reports the same."""
    store = worker_store(url)
    options = replace(options, backend=store.engine.dialect.name)  # (rows for the store written to)
    report = IngestReport()
    with speaking(options.lang), fewer_collections():
        for number, batch in enumerate(process_partition(partition, options)):
            report.merge(write_batch(store, batch, (run, partition.index, number)))
    return report


# Modules a worker process needs, imported once by the fork server its worker processes are
# forked from (``dask_client``): each worker starts with them imported instead of importing
# ``distributed`` and luoshi again (about 0.8 s of CPU a worker on a 2-core machine).
WORKER_PRELOAD = ("distributed", "luoshi.pipeline")
# How much a local cluster's workers yield to the command (``luoshi.cli.worker``): measured on
# 2 cores, 2,000 readouts, 5 and 10 alike, 0 (the workers first) leaves the command a batch or
# two behind at the end, written alone on one core.
WORKER_NICENESS = 10


def warm(paths: Iterable[str | os.PathLike[str]], files: int = 40) -> None:
    """Process (and drop) the first ``files`` files below ``paths``, for both backends, their
    sightings too: what reading, extraction, the rows and the sightings load on first use
    (patterns, word lists, numpy, the post reader) is then loaded in this process. Run by the fork server of a local cluster before it forks the
    workers (``luoshi.cli.worker``), which then start with it loaded, and share its memory."""
    with fewer_collections():
        for backend in BACKENDS:
            for part in iter_partitions(paths, files):
                for _ in process_partition(part, Options(backend=backend, sightings=True)):
                    pass
                break


def _worker_context(preload: tuple[str, ...]) -> None:
    """Start worker processes from a fork server that has imported the modules ``preload``. Dask's
    own choice of what the server imports (``distributed.utils.get_mp_context``) is made first
    and then replaced, so that it is not made again when a nanny starts a worker."""
    import multiprocessing

    from distributed.utils import get_mp_context

    get_mp_context()
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))


@contextmanager
def fork_server(
    preload: tuple[str, ...] = WORKER_PRELOAD, shared: tuple[str, ...] = WORKER_PRELOAD
) -> Iterator[None]:
    """Start the server that ``dask_client`` forks a local cluster's workers from, now, and stop
    it (waiting for it and the workers it forked) when the block ends.

    Called by ``luoshi ingest --workers N`` first thing, while this process has no thread but
    its main one and no connection open: the modules ``shared`` (``distributed``,
    ``luoshi.pipeline``) are imported here, then this process forks the server, which imports
    the rest of ``preload`` (the warm-up, ``luoshi.cli.worker``) and serves
    ``multiprocessing.forkserver``'s requests. The workers are forked from that server, a
    single-threaded process that never opened a store — a worker a nanny starts again after
    one died too — and it neither imports ``distributed`` and luoshi a second time (as a server
    started by ``exec`` does: about 0.8 s of CPU) nor waits for this process: it warms up while
    this process opens the store and starts the scheduler. With another thread running (a
    process that started a cluster before, a test), the server is started by ``exec``, as
    ``dask_client`` would. (numpy's OpenBLAS pool thread, started by its import, stops itself
    around a fork, as it does when the server forks a worker.)"""
    import importlib
    import multiprocessing
    import socket
    import sys
    import threading
    import traceback
    from multiprocessing import forkserver, resource_tracker

    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    # (CPython's own, untyped: the modules offer no other way to give the server they talk to)
    server: Any = forkserver._forkserver
    connection: Any = importlib.import_module("multiprocessing.connection")
    try:
        for name in shared:
            importlib.import_module(name)
        if (
            server._forkserver_pid is not None
            or threading.active_count() > 1
            or sys.version_info[:2] != (3, 11)
        ):
            forkserver.ensure_running()  # (the attributes set below are CPython 3.11's, tested there)
        else:
            resource_tracker.ensure_running()  # (its descriptor is passed with each request)
            with socket.socket(socket.AF_UNIX) as listener:
                address = connection.arbitrary_address("AF_UNIX")
                listener.bind(address)
                os.chmod(address, 0o600)
                listener.listen()
                alive_r, alive_w = os.pipe()
                for stream in (sys.stdout, sys.stderr):  # (nothing written before is written twice)
                    stream.flush()
                pid = os.fork()
                if pid == 0:  # the server: never returns to the command's code
                    code = 1
                    try:
                        os.close(alive_w)
                        for name in preload:
                            importlib.import_module(name)
                        forkserver.main(listener.fileno(), alive_r, [])
                    except SystemExit:  # (all its clients are gone: its normal end)
                        code = 0
                    except BaseException:  # noqa: BLE001 - a failed warm-up says why, as an exec-started server would
                        traceback.print_exc()
                    finally:
                        os._exit(code)
                os.close(alive_r)
            server._forkserver_address = address
            server._forkserver_alive_fd = alive_w
            server._forkserver_pid = pid
        yield
    finally:
        _stop_fork_server()


def _stop_fork_server() -> None:
    """Stop the fork server and wait for it (it waited for the workers it forked): nothing of
    the cluster outlives ``dask_client``, and the CPU of the workers is counted, as a finished
    child's, to the process that started the cluster (the fork server would otherwise end after
    it, with no one waiting for it). A new cluster starts a new server."""
    from multiprocessing import forkserver

    stop = getattr(getattr(forkserver, "_forkserver", None), "_stop", None)  # (CPython's own, no API)
    if stop is not None:
        stop()


# What every server of a local cluster (the scheduler and the nannies in this process, each
# worker process) does on a timer, turned down: on two cores each of their wake-ups is taken
# from the work. Measuring the event loop's health every 20 ms (for warnings nobody reads: the
# logs are silenced), sampling the process's CPU, memory and disk every 0.5 s (the dashboard's
# plots), checking each worker's memory every 0.1 s (it still pauses or ends a worker past the
# limits, now within 1 s), stealing and memory-manager cycles (one thread per worker, tasks
# already spread by the scheduler, each result released as soon as taken).
QUIET_CLUSTER = {
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.tick.cycle": "5s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.disk": False,
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.active-memory-manager.start": False,
    "distributed.client.scheduler-info-interval": "10s",
}


@contextmanager
def dask_client(
    workers: int | None = None, scheduler: str | None = None, preload: tuple[str, ...] = WORKER_PRELOAD
) -> Iterator[Any]:
    """A ``distributed.Client``: of the cluster at ``scheduler`` (``tcp://host:port``), or of a
    new ``LocalCluster`` of ``workers`` worker processes (one thread each, no dashboard; a
    nanny restarts a worker that dies), closed when the block ends. The local workers are
    forked from a server that has imported what they run (``preload``), and do not
    sample their thread for Dask's profiler (a dashboard's plot nobody opens)."""
    import logging

    import dask
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError) as e:
            raise ClusterError(message("cluster_unreachable", scheduler=scheduler, error=str(e))) from e
        with client:
            yield client
        return
    settings = {
        "distributed.worker.multiprocessing-method": "forkserver",
        "distributed.worker.profile.enabled": False,
        **QUIET_CLUSTER,
    }
    with dask.config.set(settings), ExitStack() as stack:
        stack.callback(_stop_fork_server)  # (after the cluster closed: the stack unwinds last)
        _worker_context(preload)
        with (
            LocalCluster(
                n_workers=workers or 1,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                # the command reports what failed in the catalogue's words; Dask's own English
                # log lines (a heartbeat lost while a loaded machine closes the cluster) are not
                # for its user
                silence_logs=logging.CRITICAL,
                # no dashboard; the scheduler's own HTTP routes (health, metrics) on a free local port
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client
