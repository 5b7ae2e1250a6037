"""The main job, once: files → Documents → Facts → store. Used by ``luoshi ingest`` and the demo."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection

from luoshi.extract import extract
from luoshi.ingest import DEFAULT_MAX_BYTES, Rejection, iter_paths, read_path
from luoshi.messages import message
from luoshi.model import Document, Facts
from luoshi.store import IngestOutcome, Store
from luoshi.store.writers import is_conflict


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (input, stored id)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (input, warning), for stored inputs
    files: int = 0
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected


ProgressCallback = Callable[[int, int], None]  # (files done, bytes done)


@contextmanager
def fewer_collections(young: int = 20_000) -> Iterator[None]:
    """Let the cyclic garbage collector run less often. Extraction makes tens of thousands of
    short-lived objects per batch (spans, facts, matches), freed by reference counting; with
    the default threshold (700) the collector keeps rescanning the batch in flight, which cost
    about a fifth of ingest time."""
    before = gc.get_threshold()
    gc.set_threshold(young, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def ingest_paths(
    store: Store,
    paths: Iterable[str | os.PathLike[str]],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = 200,
    with_facts: bool = True,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Ingest every file below ``paths``. Documents are committed in batches: a run killed
    half-way leaves whole documents only, and re-running it stores each document once."""
    report = IngestReport()
    pending: list[Document | Rejection] = []

    def flush() -> None:
        if not pending:
            return
        # Extraction runs before the write transaction begins: the write lock is held only
        # while rows are written, so concurrent writers (other ingests, the web server) wait little.
        items: list[tuple[Document, Facts | None]] = []
        failed: list[tuple[str, str]] = []
        for item in pending:
            if isinstance(item, Rejection):
                failed.append((item.key, item.reason))
                continue
            try:
                items.append((item, extract(item) if with_facts else None))
            except Exception as e:  # noqa: BLE001 - one bad document must not stop a batch
                error = f"{type(e).__name__}: {e}"
                failed.append((item.source_path or item.id, message("extraction_failed", error=error)))

        def write(conn: Connection) -> IngestReport:
            # Run again from its start when PostgreSQL aborts it for a conflict with another
            # writer: what it found is kept apart and added to the report once it is committed.
            done = IngestReport()

            def reject(key: str, reason: str) -> None:
                store.add_rejection(conn, key, reason)
                done.rejected.append(Rejection(key, reason))

            def record(items: list[tuple[Document, Facts | None]], outcomes: list[IngestOutcome]) -> None:
                for (doc, _), outcome in zip(items, outcomes, strict=True):
                    key = doc.source_path or doc.id
                    if outcome.new:
                        done.added.append(key)
                        done.warnings.extend((key, warning) for warning in doc.warnings)
                    else:
                        done.duplicates.append((key, outcome.document_id))

            for key, reason in failed:
                reject(key, reason)
            try:
                with conn.begin_nested():
                    record(items, store.add_documents(conn, items))
            except Exception as e:  # find the culprit one document at a time
                if is_conflict(e):
                    raise
                store.forget_cache()
                for one in items:
                    try:
                        with conn.begin_nested():
                            record([one], store.add_documents(conn, [one]))
                    except Exception as e:
                        if is_conflict(e):
                            raise
                        store.forget_cache()
                        key = one[0].source_path or one[0].id
                        error = f"{type(e).__name__}: {e}"
                        reject(key, message("store_failed", error=error))
            return done

        try:
            done = store.run(write)
        except BaseException:
            store.forget_cache()
            raise
        report.added.extend(done.added)
        report.warnings.extend(done.warnings)
        report.duplicates.extend(done.duplicates)
        report.rejected.extend(done.rejected)
        pending.clear()

    with fewer_collections():
        for path in iter_paths(paths):
            for item in read_path(path, max_bytes):
                pending.append(item)
                if len(pending) >= batch_size:
                    flush()  # also inside a file: a JSONL file may hold 100,000 documents
            report.files += 1
            try:
                report.bytes += path.stat().st_size
            except OSError:
                pass
            if len(pending) >= batch_size:
                flush()
            if progress:
                progress(report.files, report.bytes)
        flush()
    return report
