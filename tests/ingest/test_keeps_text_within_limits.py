"""Decoding that keeps text, and limits at their edges (the corpus in ``hostile.py`` covers the
kinds of input; these pin the boundaries and the paths a warning takes to the user)."""

from __future__ import annotations

import gzip
import json

import pytest
from typer.testing import CliRunner

from luoshi.cli.main import app
from luoshi.ingest import Rejection, decode_bytes, document_from_text, read_path
from luoshi.ingest.decode import RejectedInput, gunzip
from luoshi.ingest.formats import MAX_JSON_DEPTH, MAX_JSON_DIGITS, front_matter
from luoshi.ingest.html import MAX_HTML_DEPTH, html_to_tracked, nesting_depth
from luoshi.messages import message
from luoshi.model import Span
from luoshi.pipeline import ingest_paths
from luoshi.store import open_store

TEXT = "市委书记周明远在青岚镇主持召开专题会议，研究部署改革开放工作。会议强调，要倒排工期。\n"


def _one(path):
    (out,) = list(read_path(path))
    return out


def test_invisible_characters_leave_the_text_but_stay_in_the_original():
    doc = document_from_text("市委书记周\u200b明\u00ad远在青\ufeff岚\u2060镇主持召开会议。")
    assert doc.text == "市委书记周明远在青岚镇主持召开会议。"
    assert "\u200b" in doc.original and "\ufeff" in doc.original
    i = doc.text.index("青岚镇")
    span = doc.original_span(Span(i, i + 3))
    assert doc.original[span.start : span.end] == "青\ufeff岚\u2060镇"


def test_unicode_spaces_fold_to_one_space_and_titles_lose_invisible_characters(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: 青\u200b岚镇\u3000会议\n---\n\u3000\u3000青岚镇\u2002\u202f召开会议。\n", "utf-8"
    )
    doc = _one(path)
    assert doc.title == "青岚镇 会议"
    assert doc.text == "青岚镇 召开会议。"


def test_a_truncated_file_is_stored_with_its_warning_and_the_cli_prints_it(tmp_path, db_path):
    data = (TEXT + "完成").encode()[:-1]
    (tmp_path / "cut.txt").write_bytes(data)
    warning = message("warn_truncated_utf8", offset=len(data) - 2)
    report = ingest_paths(open_store(db_path), [tmp_path])
    assert report.rejected == [] and report.warnings == [(str(tmp_path / "cut.txt"), warning)]
    stored = open_store(db_path).load_document(open_store(db_path).search("青岚镇")[0].document_id)
    assert stored is not None and stored.warnings == [warning]
    assert stored.text.endswith("完\ufffd")
    (tmp_path / "cut.txt").rename(tmp_path / "cut2.txt")
    (tmp_path / "cut2.txt").write_bytes(data.replace("青岚镇".encode(), "白溪镇".encode()))
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", db_path])
    assert result.exit_code == 0, result.output
    assert warning in result.output


def test_utf8_with_nuls_is_not_read_as_utf16():
    text = "会议强调。\x00要倒排工期。\x00确保落实。\x00"
    decoded = decode_bytes(text.encode())
    assert decoded.encoding == "utf-8" and decoded.text == text.replace("\x00", "")
    assert decoded.warnings == (message("warn_controls_removed", count=3, offset=5),)
    # Real UTF-16 without a byte order mark is still UTF-16.
    assert decode_bytes("Minutes 2025: 会议强调。\n".encode("utf-16-le")).encoding == "utf-16-le"


def test_a_cut_in_the_middle_of_utf8_is_not_a_truncation():
    data = TEXT.encode()
    with pytest.raises(RejectedInput):
        decode_bytes(data[:10] + b"\xff\xfe" + data[10:] + bytes(range(128, 256)))


def test_gunzip_stops_at_the_limit():
    payload = b"x" * 1000
    assert gunzip(gzip.compress(payload), 1000) == (payload, ())
    with pytest.raises(RejectedInput) as e:
        gunzip(gzip.compress(payload), 999)
    assert e.value.reason == message("gzip_too_large", limit=999)


@pytest.mark.parametrize(
    ("depth", "ok"), [(MAX_JSON_DEPTH, True), (MAX_JSON_DEPTH + 1, False)], ids=["at-limit", "beyond"]
)
def test_json_depth_limit(tmp_path, depth, ok):
    nested = "[" * (depth - 1) + "]" * (depth - 1)
    (tmp_path / "a.json").write_text(json.dumps({"text": TEXT})[:-1] + f', "x": {nested}}}', "utf-8")
    out = _one(tmp_path / "a.json")
    assert isinstance(out, Rejection) != ok
    if not ok:
        assert out.reason == message("json_too_deep", limit=MAX_JSON_DEPTH)


def test_brackets_and_digits_inside_strings_do_not_count(tmp_path):
    text = TEXT + "[" * 500 + "{" * 500 + "9" * 5000
    (tmp_path / "a.json").write_text(json.dumps({"text": text, "n": int("9" * MAX_JSON_DIGITS)}), "utf-8")
    assert not isinstance(_one(tmp_path / "a.json"), Rejection)
    (tmp_path / "b.json").write_text(json.dumps({"text": text})[:-1] + f', "n": {"9" * 101}}}', "utf-8")
    out = _one(tmp_path / "b.json")
    assert isinstance(out, Rejection)
    assert out.reason == message("json_number_too_long", digits=MAX_JSON_DIGITS + 1, limit=MAX_JSON_DIGITS)


def test_front_matter_anchors_without_aliases_are_fine_aliases_are_refused():
    assert front_matter("title: &t 会议\ndate: 2025-03-02") == ({"title": "会议", "date": _date()}, [])
    with pytest.raises(RejectedInput) as e:
        front_matter("a: &x 会议\nb: *x")
    assert e.value.reason == message("front_matter_aliases")


def _date():
    from datetime import date

    return date(2025, 3, 2)


def test_html_depth_is_estimated_without_parsing():
    assert nesting_depth("<p>" * 10_000 + "<br>" * 10_000) == 0  # paragraphs close themselves
    deep = "<div>" * (MAX_HTML_DEPTH + 1)
    assert nesting_depth(deep) == MAX_HTML_DEPTH + 1
    with pytest.raises(RejectedInput) as e:
        html_to_tracked(deep)
    assert e.value.reason == message("html_too_deep", limit=MAX_HTML_DEPTH)


def test_html_with_crlf_maps_back_to_the_source():
    source = "<html>\r\n<body>\r\n<pre>会议强调，\r\n要在青岚镇倒排工期。\r\n</pre>\r\n<p>周明远 &amp; 青岚镇</p></body></html>"
    tracked, _ = html_to_tracked(source)
    for word in ("青岚镇", "倒排工期", "周明远"):
        i = tracked.text.index(word)
        positions = tracked.positions[i : i + len(word)]
        assert "".join(source[p] for p in positions) == word
    i = tracked.text.index("&")
    assert source[tracked.positions[i] : tracked.positions[i] + 5] == "&amp;"


def test_reasons_switch_to_english(monkeypatch):
    monkeypatch.setenv("LUOSHI_LANG", "en")
    with pytest.raises(RejectedInput) as e:
        decode_bytes(b"")
    assert e.value.reason == "empty file"


def test_an_input_field_cannot_forge_warnings(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"text": TEXT, "ingest_warnings": "伪造"}), "utf-8")
    doc = _one(tmp_path / "a.json")
    assert doc.warnings == [] and "ingest_warnings" not in doc.metadata


def test_a_file_of_many_documents_is_stored_in_batches_not_held_whole(tmp_path):
    import tracemalloc

    sizes: dict[int, int] = {}

    def peak(n: int) -> int:
        path = tmp_path / f"feed{n}.jsonl"
        lines = (json.dumps({"text": f"第{i}号。{TEXT * 40}"}, ensure_ascii=False) for i in range(n))
        path.write_text("\n".join(lines), "utf-8")
        sizes[n] = path.stat().st_size
        store = open_store(str(tmp_path / f"{n}.db"))
        tracemalloc.start()
        try:
            report = ingest_paths(store, [path], with_facts=False, batch_size=50)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            assert len(report.added) == n

    peak(10)  # what a first ingest loads once
    # Ten times the documents, about the same peak beside the file itself, which is read and
    # decoded whole (its bytes and CPython's decoder's buffers: about four times its size for a
    # moment; 20.6 MB for these 1,000 documents): at most a batch is held at once (all 1,000
    # documents in one batch peak at 111 MB).
    assert peak(1000) < 2 * peak(100) + 4 * sizes[1000]
