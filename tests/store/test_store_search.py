import json
from pathlib import Path

from sharedfiles import shared_dir

from luoshi.messages import message
from luoshi.pipeline import ingest_paths
from luoshi.store import open_store
from luoshi.text import to_traditional

SIMP = "2025年3月2日讯 3月1日,市委书记周明远在横琴主持召开专题会议,研究部署合作区建设。会议明确96项年度工作任务。"


def _write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> None:
    (folder / name).write_bytes(text.encode(encoding))


def test_same_document_in_other_script_or_encoding_is_stored_once(tmp_path, db):
    _write(tmp_path, "a.txt", SIMP)
    _write(tmp_path, "b.txt", to_traditional(SIMP))
    _write(tmp_path, "c.txt", SIMP, "gbk")
    store = open_store(db)
    report = ingest_paths(store, [tmp_path])
    assert len(report.added) == 1 and len(report.duplicates) == 2
    again = ingest_paths(store, [tmp_path])
    assert not again.added and len(again.duplicates) == 3
    assert store.counts()["documents"] == 1


def test_search_finds_either_script_with_short_and_long_queries(tmp_path, db):
    _write(tmp_path, "simp.txt", SIMP)
    _write(tmp_path, "trad.txt", to_traditional(SIMP.replace("横琴", "前海").replace("96", "54")))
    store = open_store(db)
    ingest_paths(store, [tmp_path])
    for query in ("前海", "前", "專題會議", "专题会议", "年度工作任务", "横琴 96"):
        hits = store.search(query)
        assert hits, query
    assert {h.name for h in store.search("會議")} == {"simp", "trad"}
    assert [h.name for h in store.search("橫琴")] == ["simp"]
    assert store.search("前海")[0].snippet.count("【前海】") >= 1
    assert store.search("不存在的词") == []


def test_rejections_are_recorded_and_nothing_half_written(tmp_path, db):
    _write(tmp_path, "good.txt", SIMP)
    (tmp_path / "empty.txt").write_bytes(b"")
    store = open_store(db)
    report = ingest_paths(store, [tmp_path])
    assert [r.reason for r in report.rejected] == [message("empty_file")]
    counts = store.counts()
    assert counts["documents"] == 1 and counts["rejections"] == 1


def test_seeds_ingest_and_search_both_scripts(db):
    seeds = shared_dir("seeds")
    store = open_store(db)
    report = ingest_paths(store, [seeds])
    assert len(report.added) == 5 and not report.rejected
    simp = {h.document_id for h in store.search("前海", limit=50)}
    trad = {h.document_id for h in store.search("前海合作區", limit=50)}
    assert simp and trad <= simp
    assert {h.document_id for h in store.search("合作區", limit=50)} == {
        h.document_id for h in store.search("合作区", limit=50)
    }


def test_repeated_search_sees_new_documents(tmp_path, db):
    store = open_store(db)
    _write(tmp_path, "a.txt", SIMP)
    ingest_paths(store, [tmp_path / "a.txt"])
    assert len(store.search("专题会议")) == 1
    _write(tmp_path, "b.txt", SIMP.replace("横琴", "南沙"))
    ingest_paths(store, [tmp_path / "b.txt"])
    assert len(store.search("专题会议")) == 2  # the cached answer is not reused after an ingest


def test_phrases_do_not_match_across_punctuation_and_every_character_is_findable(tmp_path, db):
    docs = {
        "comma": "深化改革，开放合作。",  # 改革开放 only across a comma
        "joined": "坚持改革开放不动摇",
        "latin": "推进5G基站建设与AI应用",
        "edge": "寨",  # a one-character document, found by its only character
        "spaces": "简报  报告\n\n会议",  # runs of separators between words
    }
    for name, text in docs.items():
        _write(tmp_path, f"{name}.txt", text)
    store = open_store(db)
    ingest_paths(store, [tmp_path])

    def names(query: str) -> set[str]:
        return {h.name for h in store.search(query, limit=50)}

    assert names("改革开放") == {"joined"}
    assert names("改革") == {"comma", "joined"}
    assert names("报报") == set() and names("简报报告") == set()
    assert names("报告") == {"spaces"}
    assert names("5g") == names("5G") == {"latin"}
    assert names("ai应用") == {"latin"}
    assert names("寨") == {"edge"}
    assert names("作") == {"comma"}  # the last character before the full stop
    assert names("议") == {"spaces"}  # the last character of a text


def test_record_fields_of_any_json_value_are_kept(tmp_path, db):
    # Integers beyond 64 bits are valid JSON; the fast serializer refuses them, the store must not.
    record = {"title": "专题会议", "content": SIMP, "serial": 2**70 + 1, "source": "市政府网站"}
    (tmp_path / "records.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    store = open_store(db)
    report = ingest_paths(store, [tmp_path])
    assert len(report.added) == 1 and not report.rejected
    doc = store.load_document(1)
    assert doc is not None and doc.metadata["serial"] == 2**70 + 1
