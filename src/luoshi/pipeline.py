"""The main job, once: files → Documents → Facts → store. Used by ``luoshi ingest`` and the demo."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from luoshi.extract import extract
from luoshi.ingest import DEFAULT_MAX_BYTES, Rejection, iter_paths, read_path
from luoshi.model import Document
from luoshi.store import Store


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (input, stored id)
    rejected: list[Rejection] = field(default_factory=list)
    files: int = 0
    bytes: int = 0

    @property
    def ok(self) -> bool:
        return not self.rejected


ProgressCallback = Callable[[int, int], None]  # (files done, bytes done)


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
        try:
            with store.transaction() as conn:
                for item in pending:
                    if isinstance(item, Rejection):
                        store.add_rejection(conn, item.key, item.reason)
                        report.rejected.append(item)
                        continue
                    try:
                        with conn.begin_nested():
                            facts = extract(item) if with_facts else None
                            outcome = store.add_document(conn, item, facts)
                    except Exception as e:
                        reason = f"internal error while storing: {type(e).__name__}: {e}"
                        store.forget_cache()
                        store.add_rejection(conn, item.source_path or item.id, reason)
                        report.rejected.append(Rejection(item.source_path or item.id, reason))
                        continue
                    if outcome.new:
                        report.added.append(item.source_path or item.id)
                    else:
                        report.duplicates.append((item.source_path or item.id, outcome.document_id))
        except BaseException:
            store.forget_cache()
            raise
        pending.clear()

    for path in iter_paths(paths):
        for item in read_path(path, max_bytes):
            pending.append(item)
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
