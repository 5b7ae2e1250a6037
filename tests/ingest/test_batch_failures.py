"""One bad file inside a batch, of every kind that can go wrong between listing a folder and
storing its documents: the batch goes on, the good documents are stored whole, each bad file is
reported with its own reason (and kept in the ``rejections`` table), and nothing of a bad file
is written — on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from luoshi.messages import message
from luoshi.pipeline import ingest_paths
from luoshi.store import open_store
from luoshi.store.schema import (
    CitationRow,
    CitedMentionRow,
    DirectiveRow,
    DocumentRow,
    MentionRow,
    OutcomeRow,
    RejectionRow,
    TaskBatchRow,
)

MAX_BYTES = 4000


def _readout(place: str, word: str) -> str:
    return (
        f"2025年3月{len(word) + 2}日讯 3月{len(word) + 1}日，{place}市委书记周明远主持召开专题会议，"
        f"研究部署{word}工作，审议通过《{place}{word}实施方案》，明确12项重点改革任务。"
        f"会议要求，各区要在6月底前完成{word}。\n"
    )


GOOD = {
    "a-good.txt": ("深圳", "海绵城市建设"),
    "e-good.txt": ("珠海", "低空经济发展"),
    "i-good.txt": ("佛山", "城市更新改造"),
}


def _corpus(folder: Path) -> dict[str, str]:
    """The files, in the order they are read, and the reason each bad one must get."""
    folder.mkdir()
    for name, (place, word) in GOOD.items():
        (folder / name).write_text(_readout(place, word), encoding="utf-8")
    reasons: dict[str, str] = {}

    def bad(name: str, data: bytes, reason: str) -> None:
        (folder / name).write_bytes(data)
        reasons[name] = reason

    # Bytes no Chinese encoding reads.
    bad(
        "b-undecodable.txt",
        bytes((i * 7919 + (i >> 3) * 104729) % 251 + 5 for i in range(3000)),
        message("no_encoding"),
    )
    bad("c-empty.txt", b"", message("empty_file"))
    bad("d-binary.txt", b"\x89PNG\r\n\x1a\n" + bytes(64), message("binary_file", what=message("what_png")))
    oversize = _readout("广州", "营商环境优化").encode("utf-8") * 40
    bad("f-oversize.txt", oversize, message("file_too_large", size=len(oversize), limit=MAX_BYTES))
    # Listed, then deleted before it is read (the callback below).
    (folder / "h-deleted.txt").write_text(_readout("中山", "乡村振兴"), encoding="utf-8")
    reasons["h-deleted.txt"] = message("no_such_file")
    return reasons


def test_one_bad_file_in_a_batch_of_each_kind(db, tmp_path):
    folder = tmp_path / "inbox"
    reasons = _corpus(folder)
    store = open_store(db)
    progress: list[int] = []

    def deleting(files: int, _bytes: int) -> None:
        """After the first batch is stored, a file already listed disappears."""
        progress.append(files)
        if len(progress) == 1:
            (folder / "h-deleted.txt").unlink()

    # Three documents a batch: every batch holds good and bad files together.
    report = ingest_paths(store, [folder], max_bytes=MAX_BYTES, batch_size=3, progress=deleting)

    def name(key: str) -> str:
        return Path(key).name

    assert len(progress) >= 3  # the run went on after each batch
    assert sorted(name(k) for k in report.added) == sorted(GOOD)
    rejected = {name(r.key): r.reason for r in report.rejected}
    assert sorted(rejected) == sorted(reasons)
    for file, reason in reasons.items():
        assert rejected[file] == reason, file

    # The store: the good documents whole, nothing of the bad ones, every rejection kept.
    with store.engine.connect() as conn:
        docs = dict(conn.execute(select(DocumentRow.id, DocumentRow.source_path)).all())
        assert sorted(name(p) for p in docs.values()) == sorted(GOOD)
        for table in (MentionRow, CitationRow, TaskBatchRow, DirectiveRow, OutcomeRow, CitedMentionRow):
            orphans = conn.scalar(
                select(func.count()).select_from(table).where(table.document_id.not_in(list(docs)))
            )
            assert orphans == 0, table.__tablename__
        for table in (MentionRow, CitationRow, TaskBatchRow, DirectiveRow):
            per_doc: dict[int, int] = dict(
                conn.execute(select(table.document_id, func.count()).group_by(table.document_id)).all()
            )
            assert set(per_doc) == set(docs), table.__tablename__  # each good document has its facts
        kept = {name(k): r for k, r in conn.execute(select(RejectionRow.key, RejectionRow.reason)).all()}
    assert kept == rejected
    for doc_id in docs:
        facts = store.document_facts(doc_id)
        assert facts and facts["persons"] == ["周明远"] and facts["task_batches"][0]["count"] == 12
    for _, word in GOOD.values():
        assert [hit.document_id for hit in store.search(word)], word
    for word in ("营商环境优化", "乡村振兴"):  # the oversize and the deleted file
        assert not list(store.search(word)), word

    # Run again: nothing is stored twice, the bad files are reported again.
    again = ingest_paths(store, [folder], max_bytes=MAX_BYTES, batch_size=3)
    assert again.added == [] and len(again.duplicates) == len(GOOD)
    assert {name(r.key) for r in again.rejected} == set(reasons) - {"h-deleted.txt"}


def test_a_placeholder_publication_date_is_no_date(tmp_path):
    """Front matter declaring "0001-01-01" (a CMS placeholder) is not a publication day: the
    readout is stored without one, and its "昨天" is not counted back from year 1 (that once
    made the extraction overflow and lose the document)."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    text = "---\ndate: 0001-01-01\n---\n昨天，东莞市政府召开常务会议，研究部署制造业转型工作。\n"
    (folder / "placeholder.md").write_text(text, encoding="utf-8")
    store = open_store(str(tmp_path / "s.db"))
    report = ingest_paths(store, [folder])
    assert len(report.added) == 1 and not report.rejected
    with store.engine.connect() as conn:
        doc_id, published = conn.execute(select(DocumentRow.id, DocumentRow.published)).one()
    assert published is None
    assert [hit.document_id for hit in store.search("制造业转型")] == [doc_id]
