import json
from pathlib import Path

import pytest

from luoshi.ingest import Rejection, decode_bytes, read_path
from luoshi.ingest.decode import RejectedInput
from luoshi.messages import message

TEXT = "市委书记周明远在前海主持召开专题会议,研究部署全面深化前海合作区改革开放工作。会议强调,要倒排工期。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk"])
def test_simplified_encodings_decode(encoding):
    assert decode_bytes(TEXT.encode(encoding)).text == TEXT


def test_big5_decodes():
    trad = (
        "市委書記周明遠在前海主持召開專題會議,研究部署全面深化前海合作區改革開放工作。會議強調,要倒排工期。"
    )
    assert decode_bytes(trad.encode("big5")).text == trad


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", message("empty_file")),
        (b"  \n\t", message("empty_file")),
        (b"%PDF-1.7 binary", message("binary_file", what=message("what_pdf"))),
        (b"\x89PNG\r\n\x1a\n\x00\x00", message("binary_file", what=message("what_png"))),
    ],
)
def test_rejections_have_specific_reasons(data, reason):
    with pytest.raises(RejectedInput) as e:
        decode_bytes(data)
    assert e.value.reason == reason


def test_random_bytes_are_rejected():
    data = bytes((i * 37 + 11) % 256 for i in range(3000)) + b"\x00\x01\x02"
    with pytest.raises(RejectedInput):
        decode_bytes(data)


def _read(path: Path, **kw):
    return list(read_path(path, **kw))


def test_oversize_and_unsupported(tmp_path):
    big = tmp_path / "big.txt"
    big.write_text(TEXT * 10, encoding="utf-8")
    (out,) = _read(big, max_bytes=100)
    assert isinstance(out, Rejection) and out.reason == message(
        "file_too_large", size=big.stat().st_size, limit=100
    )
    odd = tmp_path / "x.docx"
    odd.write_bytes(b"PK\x03\x04")
    (out,) = _read(odd)
    assert out.reason == message("unsupported_type", suffix=".docx")


def test_jsonl_keeps_good_records_and_reports_bad_line(tmp_path):
    path = tmp_path / "feed.jsonl"
    good = {"title": "标题", "content": TEXT, "date": "2025-05-07", "url": "https://example.gov.cn/a"}
    path.write_text(
        json.dumps(good, ensure_ascii=False) + "\n{broken\n" + json.dumps({"title": "无正文"}) + "\n",
        encoding="utf-8",
    )
    docs = [x for x in _read(path) if not isinstance(x, Rejection)]
    bad = [x for x in _read(path) if isinstance(x, Rejection)]
    assert len(docs) == 1 and docs[0].published == "2025-05-07" and docs[0].source_url == good["url"]
    assert bad[0].key.endswith("#2")
    assert bad[0].reason == message(
        "json_line_malformed", line=2, column=2, detail="Expecting property name enclosed in double quotes"
    )
    assert bad[1].reason == message("json_no_text", keys="text, content, body, article, html, 正文, 内容")


def test_markdown_front_matter(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: 专题会议\ndate: 2024-09-25\n---\n\n{TEXT}\n", encoding="utf-8")
    (doc,) = _read(path)
    assert doc.title == "专题会议" and doc.published == "2024-09-25"
    assert doc.text == TEXT
    # The clean text maps back into the original file, past the front matter.
    start, end = doc.offsets.map_range(0, 4)
    assert doc.original[start:end] == "市委书记"
