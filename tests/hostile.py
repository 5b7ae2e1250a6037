"""A corpus of awkward and hostile inputs, written by code (no file comes from elsewhere; the
officials and places are fictional). Each kind writes its files into a folder of its own and
says what must become of each: stored and findable by a word next to the hazard, stored as a
duplicate, or rejected with its reason (the catalogue's words, exactly)."""

from __future__ import annotations

import codecs
import gzip
import json
import os
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from luoshi.ingest.formats import (
    MAX_FRONT_MATTER_BYTES,
    MAX_FRONT_MATTER_DEPTH,
    MAX_JSON_DEPTH,
    MAX_JSON_DIGITS,
    MAX_JSON_VALUES,
    MAX_META_VALUE_CHARS,
)
from luoshi.ingest.html import MAX_HTML_DEPTH
from luoshi.messages import message
from luoshi.settings import DEFAULT_MAX_BYTES
from luoshi.text import to_traditional

_FIRST = "青白赤玄金银松竹梅兰菊荷桃李杏柳枫槐榆桐"
_SECOND = "岚溪川岭湾泉原岗坪塘"


@dataclass
class Expect:
    """What must become of the files of one kind (keys relative to the corpus folder)."""

    stored: dict[str, str] = field(default_factory=dict)  # key → a word that finds it
    warnings: dict[str, str] = field(default_factory=dict)  # key → a warning it carries
    duplicates: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # key → reason


@dataclass
class Kind:
    name: str
    write: Callable[[Path, str], Expect]  # (its folder, a word of its own) → expectations


def body(word: str, n: int = 0) -> str:
    """A short readout about the place ``word`` (unique per kind, so every text is too)."""
    return (
        f"2025年3月{n % 27 + 1}日讯 {word}召开专题会议，市委书记周明远出席并讲话。"
        f"会议强调，要全面推进{word}改革开放工作，年底前完成十项重点任务。\n"
        f"会议要求，各部门要倒排工期、压实责任，确保{word}各项工作落到实处。\n"
    )


KINDS: list[Kind] = []


def kind(fn: Callable[[Path, str], Expect]) -> Callable[[Path, str], Expect]:
    KINDS.append(Kind(fn.__name__, fn))
    return fn


def _stored(d: Path, name: str, data: bytes, word: str, warning: str | None = None) -> Expect:
    (d / name).write_bytes(data)
    e = Expect(stored={f"{d.name}/{name}": word})
    if warning:
        e.warnings[f"{d.name}/{name}"] = warning
    return e


def _rejected(d: Path, name: str, data: bytes, reason: str) -> Expect:
    (d / name).write_bytes(data)
    return Expect(rejected={f"{d.name}/{name}": reason})


# Encodings -------------------------------------------------------------------------------------


@kind
def utf8(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).encode(), w)


@kind
def utf8_bom(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", codecs.BOM_UTF8 + body(w).encode(), w)


@kind
def gbk(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).encode("gbk"), w)


@kind
def gb18030_four_byte(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", (body(w) + "龑䶮𠀀\n").encode("gb18030"), w)


@kind
def big5_traditional(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", to_traditional(body(w)).encode("big5"), w)


@kind
def utf16_le_bom(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).encode("utf-16"), w)


@kind
def utf16_be_bom(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", codecs.BOM_UTF16_BE + body(w).encode("utf-16-be"), w)


@kind
def utf16_le_no_bom(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).encode("utf-16-le"), w)


@kind
def utf16_be_no_bom(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).encode("utf-16-be"), w)


@kind
def utf16_ascii_heavy_no_bom(d: Path, w: str) -> Expect:
    text = "Minutes of the meeting, 2025-03-02. " * 20 + body(w)
    return _stored(d, "a.txt", text.encode("utf-16-le"), w)


@kind
def utf16_cut_half_a_character(d: Path, w: str) -> Expect:
    data = body(w).encode("utf-16") + "完".encode("utf-16-le")[:1]
    return _stored(d, "a.txt", data, w, message("warn_truncated_utf16", offset=len(data) - 1))


@kind
def utf8_cut_last_character(d: Path, w: str) -> Expect:
    data = (body(w) + "完成").encode()[:-1]
    return _stored(d, "a.txt", data, w, message("warn_truncated_utf8", offset=len(data) - 2))


@kind
def utf8_bom_cut_last_character(d: Path, w: str) -> Expect:
    data = codecs.BOM_UTF8 + (body(w) + "完成").encode()[:-2]
    return _stored(d, "a.txt", data, w, message("warn_truncated_utf8", offset=len(data) - 1))


@kind
def utf8_nul_after_each_sentence(d: Path, w: str) -> Expect:
    text = body(w)
    data = text.replace("。", "。\x00").encode()
    warning = message("warn_controls_removed", count=text.count("。"), offset=text.index("。") + 1)
    return _stored(d, "a.txt", data, w, warning)


@kind
def utf8_stray_controls_inside_word(d: Path, w: str) -> Expect:
    text = body(w)
    i = text.index(w) + 1
    data = (text[:i] + "\x07\x1b" + text[i:]).encode()
    return _stored(d, "a.txt", data, w, message("warn_controls_removed", count=2, offset=i))


@kind
def mostly_control_characters(d: Path, w: str) -> Expect:
    reason = message("binary_file", what=message("what_controls", percent=50))
    return _rejected(d, "a.txt", b"\x01a" * 500, reason)


@kind
def only_nul_bytes(d: Path, w: str) -> Expect:
    reason = message("binary_file", what=message("what_controls", percent=100))
    return _rejected(d, "a.txt", b"\x00" * 4000, reason)


@kind
def pseudo_random_bytes(d: Path, w: str) -> Expect:
    data = bytes((i * 7919 + (i >> 3) * 104729) % 251 + 5 for i in range(6000))
    return _rejected(d, "a.txt", data, message("no_encoding"))


@kind
def gbk_with_stray_nuls(d: Path, w: str) -> Expect:
    data = body(w).replace("。", "。\x00").encode("gbk")
    warning = message("warn_nul_bytes_removed", count=data.count(0), offset=data.index(0))
    return _stored(d, "a.txt", data, w, warning)


# Binary files and empty ones ----------------------------------------------------------------


@kind
def pdf_named_txt(d: Path, w: str) -> Expect:
    return _rejected(
        d, "a.txt", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", message("binary_file", what=message("what_pdf"))
    )


@kind
def png_named_html(d: Path, w: str) -> Expect:
    data = b"\x89PNG\r\n\x1a\n" + bytes(64)
    return _rejected(d, "a.html", data, message("binary_file", what=message("what_png")))


@kind
def xlsx_passed_to_ingest(d: Path, w: str) -> Expect:
    return _rejected(d, "台账.xlsx", b"PK\x03\x04" + bytes(200), message("unsupported_type", suffix=".xlsx"))


@kind
def xlsx_renamed_json(d: Path, w: str) -> Expect:
    return _rejected(
        d, "a.json", b"PK\x03\x04" + bytes(200), message("binary_file", what=message("what_zip"))
    )


@kind
def sqlite_named_txt(d: Path, w: str) -> Expect:
    return _rejected(
        d, "a.txt", b"SQLite format 3\x00" + bytes(100), message("binary_file", what=message("what_sqlite"))
    )


@kind
def executable_named_md(d: Path, w: str) -> Expect:
    return _rejected(
        d, "a.md", b"\x7fELF\x02\x01\x01" + bytes(100), message("binary_file", what=message("what_elf"))
    )


@kind
def empty_file(d: Path, w: str) -> Expect:
    return _rejected(d, "a.txt", b"", message("empty_file"))


@kind
def only_white_space(d: Path, w: str) -> Expect:
    return _rejected(d, "a.txt", " \n\t\r\n\u3000\u3000".encode(), message("empty_file"))


@kind
def only_a_byte_order_mark(d: Path, w: str) -> Expect:
    return _rejected(d, "a.txt", codecs.BOM_UTF8 + b"\n", message("empty_file"))


# Invisible characters and unusual spaces ----------------------------------------------------


def _inside_word(w: str, chars: str) -> str:
    return w[0] + chars + w[1:]


@kind
def zero_width_space_in_word(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).replace(w, _inside_word(w, "\u200b")).encode(), w)


@kind
def zero_width_joiners_in_word(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).replace(w, _inside_word(w, "\u200d\u200c\u2060")).encode(), w)


@kind
def byte_order_mark_inside_text(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).replace(w, _inside_word(w, "\ufeff")).encode(), w)


@kind
def soft_hyphen_in_word(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).replace(w, _inside_word(w, "\u00ad")).encode(), w)


@kind
def direction_marks_in_word(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).replace(w, _inside_word(w, "\u200e\u202b\u202c")).encode(), w)


@kind
def ideographic_and_no_break_spaces(d: Path, w: str) -> Expect:
    text = "\u3000\u3000" + body(w).replace(w, f"\u00a0{w}\u3000")
    return _stored(d, "a.txt", text.encode(), w)


@kind
def other_unicode_spaces(d: Path, w: str) -> Expect:
    text = body(w).replace(w, f"\u2002{w}\u202f\u205f\u2009")
    return _stored(d, "a.txt", text.encode(), w)


@kind
def invisible_characters_in_html_entities(d: Path, w: str) -> Expect:
    word = _inside_word(w, "&#8203;&shy;")
    page = f"<html><body><p>{body(w).replace(w, word)}</p><p>&nbsp;&nbsp;&amp;</p></body></html>"
    return _stored(d, "a.html", page.encode(), w)


# Markdown and front matter ------------------------------------------------------------------


@kind
def front_matter_good(d: Path, w: str) -> Expect:
    return _stored(d, "a.md", f"---\ntitle: {w}会议\ndate: 2025-03-02\n---\n{body(w)}".encode(), w)


@kind
def front_matter_malformed(d: Path, w: str) -> Expect:
    text = f"---\ntitle: [未闭合\ndate: : 2025\n---\n{body(w)}"
    return _stored(d, "a.md", text.encode(), w, message("warn_front_matter_malformed"))


@kind
def front_matter_not_a_mapping(d: Path, w: str) -> Expect:
    text = f"---\n- 一\n- 二\n---\n{body(w)}"
    return _stored(d, "a.md", text.encode(), w, message("warn_front_matter_not_mapping"))


@kind
def front_matter_huge_integer(d: Path, w: str) -> Expect:
    text = f"---\nnumber: {'7' * 5000}\n---\n{body(w)}"
    return _stored(d, "a.md", text.encode(), w, message("warn_front_matter_malformed"))


@kind
def front_matter_never_closed(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", f"---\ntitle: 无结尾\n{body(w)}".encode(), w)


@kind
def front_matter_alias_bomb(d: Path, w: str) -> Expect:
    lines = ['a: &a ["落","落","落","落","落","落","落","落","落"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    bomb = "\n".join(lines)
    assert len(bomb.encode()) < 500  # a few hundred bytes that would expand to 387 million strings
    return _rejected(d, "a.md", f"---\n{bomb}\n---\n{body(w)}".encode(), message("front_matter_aliases"))


@kind
def front_matter_deep_nesting(d: Path, w: str) -> Expect:
    deep = "x: " + "[" * 5000 + "]" * 5000
    reason = message("front_matter_too_deep", limit=MAX_FRONT_MATTER_DEPTH)
    return _rejected(d, "a.md", f"---\n{deep}\n---\n{body(w)}".encode(), reason)


@kind
def front_matter_too_large(d: Path, w: str) -> Expect:
    block = "\n".join(f"k{i}: {'值' * 30}" for i in range(1000))
    reason = message("front_matter_too_large", size=len(block.encode()), limit=MAX_FRONT_MATTER_BYTES)
    return _rejected(d, "a.md", f"---\n{block}\n---\n{body(w)}".encode(), reason)


# JSON and JSON lines ------------------------------------------------------------------------


def _json(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode()


@kind
def json_deeply_nested(d: Path, w: str) -> Expect:
    data = b'{"text": "' + body(w).encode() + b'", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    return _rejected(d, "a.json", data, message("json_too_deep", limit=MAX_JSON_DEPTH))


@kind
def json_integer_of_5000_digits(d: Path, w: str) -> Expect:
    data = _json({"text": body(w)})[:-1] + b', "n": ' + b"9" * 5000 + b"}"
    return _rejected(d, "a.json", data, message("json_number_too_long", digits=5000, limit=MAX_JSON_DIGITS))


@kind
def json_millions_of_empty_objects(d: Path, w: str) -> Expect:
    n = 700_000
    data = b"[" + b",".join([b"{}"] * n) + b"]"
    reason = message("json_too_many_values", values=2 * n, limit=MAX_JSON_VALUES)
    return _rejected(d, "a.json", data, reason)


@kind
def json_string_of_three_million_escaped_quotes_never_closed(d: Path, w: str) -> Expect:
    data = b'{"text": "' + b'\\"' * 3_000_000 + b"," * 1000
    return _rejected(
        d,
        "a.json",
        data,
        message("json_malformed", line=1, column=10, detail="Unterminated string starting at"),
    )


@kind
def json_brackets_and_quotes_inside_strings(d: Path, w: str) -> Expect:
    text = body(w) + '[{"\\' * 2000 + "]"
    return _stored(d, "a.json", _json({"text": text, "note": "[[[" * 500}), w)


@kind
def json_cut_short(d: Path, w: str) -> Expect:
    data = _json({"title": "会议", "text": body(w)})[:-10]
    column = data.decode("utf-8", "ignore").index('"text": "') + len('"text": ') + 1  # the open string
    reason = message("json_malformed", line=1, column=column, detail="Unterminated string starting at")
    return _rejected(d, "a.json", data, reason)


@kind
def json_top_level_string(d: Path, w: str) -> Expect:
    return _rejected(d, "a.json", _json(body(w)), message("json_not_object", kind=message("json_kind_str")))


@kind
def json_array_one_record_without_text(d: Path, w: str) -> Expect:
    (d / "a.json").write_bytes(_json([{"title": "会议", "content": body(w)}, {"title": "无正文"}]))
    keys = "text, content, body, article, html, 正文, 内容"
    return Expect(
        stored={f"{d.name}/a.json#0": w}, rejected={f"{d.name}/a.json#1": message("json_no_text", keys=keys)}
    )


@kind
def json_with_an_enormous_metadata_field(d: Path, w: str) -> Expect:
    big = "附" * (MAX_META_VALUE_CHARS * 3)
    warning = message("warn_meta_value_dropped", key="attachment", size=len(big))
    return _stored(d, "a.json", _json({"text": body(w), "attachment": big}), w, warning)


@kind
def jsonl_good_and_hostile_lines(d: Path, w: str) -> Expect:
    lines = [
        _json({"content": body(w, 1), "date": "2025-03-02"}),
        b"{broken",
        b'{"text": "x", "n": ' + b"1" * 5000 + b"}",
        b"[" * 50_000 + b"]" * 50_000,
        b"42",
        b"",
        _json({"content": body(w + "北", 2)}),
    ]
    (d / "a.jsonl").write_bytes(b"\r\n".join(lines) + b"\n")
    k = f"{d.name}/a.jsonl"
    return Expect(
        stored={f"{k}#1": w, f"{k}#7": w + "北"},
        rejected={
            f"{k}#2": message(
                "json_line_malformed",
                line=2,
                column=2,
                detail="Expecting property name enclosed in double quotes",
            ),
            f"{k}#3": message("json_number_too_long", digits=5000, limit=MAX_JSON_DIGITS),
            f"{k}#4": message("json_too_deep", limit=MAX_JSON_DEPTH),
            f"{k}#5": message("json_not_object", kind=message("json_kind_number")),
        },
    )


# HTML ---------------------------------------------------------------------------------------


@kind
def html_deeply_nested(d: Path, w: str) -> Expect:
    n = 200_000
    page = "<html><body>" + "<div>" * n + body(w) + "</div>" * n + "</body></html>"
    return _rejected(d, "a.html", page.encode(), message("html_too_deep", limit=MAX_HTML_DEPTH))


@kind
def html_unclosed_and_broken_markup(d: Path, w: str) -> Expect:
    page = f"<html><body><div><p>{body(w)}<span><b><i><table><tr><td>未闭合<p<<>>&&;&#xZZ;</div"
    return _stored(d, "a.html", page.encode(), w)


@kind
def html_crlf_and_entities(d: Path, w: str) -> Expect:
    page = f"<html>\r\n<body>\r\n<pre>{body(w)}</pre>\r\n<p>&lt;会议&gt; &quot;{w}&quot;</p></body></html>"
    return _stored(d, "a.html", page.replace("\n", "\r\n").encode(), w)


@kind
def html_three_million_unclosed_tags(d: Path, w: str) -> Expect:
    return _rejected(d, "a.html", b"<a" * 3_000_000, message("no_text_left"))


@kind
def html_only_scripts(d: Path, w: str) -> Expect:
    page = "<html><head><script>var x = '<p>';</script></head><body><script>1</script></body></html>"
    return _rejected(d, "a.html", page.encode(), message("no_text_left"))


@kind
def html_thousands_of_unclosed_paragraphs(d: Path, w: str) -> Expect:
    page = "<html><body>" + "<p>段落" * 20_000 + f"<p>{body(w)}</body></html>"
    return _stored(d, "a.html", page.encode(), w)


# Sizes and shapes ---------------------------------------------------------------------------


@kind
def one_huge_line(d: Path, w: str) -> Expect:
    filler = "各部门要加强协调配合，形成工作合力，" * 60_000  # about 3 MB on one line
    return _stored(d, "a.txt", (filler + body(w).replace("\n", "")).encode(), w)


@kind
def two_hundred_thousand_short_lines(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", ("短行\n" * 200_000 + body(w)).encode(), w)


@kind
def old_mac_line_ends(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt", body(w).replace("\n", "\r").encode(), w)


@kind
def larger_than_the_limit(d: Path, w: str) -> Expect:
    size = DEFAULT_MAX_BYTES + 1
    with (d / "a.txt").open("wb") as f:
        f.truncate(size)  # sparse: no disk space taken
    return Expect(rejected={f"{d.name}/a.txt": message("file_too_large", size=size, limit=DEFAULT_MAX_BYTES)})


@kind
def same_text_in_two_encodings(d: Path, w: str) -> Expect:
    (d / "a.txt").write_bytes(body(w).encode())
    (d / "b.txt").write_bytes(body(w).encode("gb18030"))
    return Expect(stored={f"{d.name}/a.txt": w}, duplicates=[f"{d.name}/b.txt"])


# Compressed files ---------------------------------------------------------------------------


@kind
def gzip_text(d: Path, w: str) -> Expect:
    return _stored(d, "a.txt.gz", gzip.compress(body(w).encode("gb18030")), w)


@kind
def gzip_html(d: Path, w: str) -> Expect:
    return _stored(d, "a.html.gz", gzip.compress(f"<html><body><p>{body(w)}</p></body></html>".encode()), w)


@kind
def gzip_jsonl_in_two_members(d: Path, w: str) -> Expect:
    first = gzip.compress(_json({"text": body(w, 3)}) + b"\n")
    (d / "a.jsonl.gz").write_bytes(first + gzip.compress(_json({"text": body(w + "南", 4)})))
    return Expect(stored={f"{d.name}/a.jsonl.gz#1": w, f"{d.name}/a.jsonl.gz#2": w + "南"})


@kind
def gzip_bomb(d: Path, w: str) -> Expect:
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = b"0" * (1 << 20)
    with (d / "a.txt.gz").open("wb") as f:
        for _ in range(200):  # 200 MB of text in about 200 KB
            f.write(packer.compress(zeros))
        f.write(packer.flush())
    return Expect(rejected={f"{d.name}/a.txt.gz": message("gzip_too_large", limit=DEFAULT_MAX_BYTES)})


@kind
def gzip_corrupt(d: Path, w: str) -> Expect:
    data = gzip.compress(body(w).encode())
    return _rejected(d, "a.txt.gz", data[:12] + b"\xff" * 40 + data[52:], message("gzip_corrupt"))


@kind
def gzip_cut_short(d: Path, w: str) -> Expect:
    data = gzip.compress((body(w) + "其余内容。" * 2000).encode(), compresslevel=0)
    return _stored(d, "a.txt.gz", data[: len(data) // 2], w, message("warn_gzip_truncated"))


@kind
def gzip_of_a_pdf(d: Path, w: str) -> Expect:
    return _rejected(
        d, "a.pdf.gz", gzip.compress(b"%PDF-1.7"), message("gzip_inner_unsupported", suffix=".pdf")
    )


# Names and kinds of file --------------------------------------------------------------------


@kind
def chinese_file_name(d: Path, w: str) -> Expect:
    return _stored(d, "关于推进前海合作区建设的会议纪要（2025）.txt", body(w).encode(), w)


@kind
def name_with_spaces_quotes_and_dash(d: Path, w: str) -> Expect:
    return _stored(d, "-rf 'a' \"b\" $(x) ;.txt", body(w).encode(), w)


@kind
def name_with_a_line_break(d: Path, w: str) -> Expect:
    return _stored(d, "a\nb.txt", body(w).encode(), w)


@kind
def longest_possible_name(d: Path, w: str) -> Expect:
    return _stored(d, "会" * 83 + ".txt", body(w).encode(), w)  # 253 bytes


@kind
def upper_case_suffix(d: Path, w: str) -> Expect:
    return _stored(d, "A.TXT", body(w).encode(), w)


@kind
def no_suffix(d: Path, w: str) -> Expect:
    return _rejected(d, "README", body(w).encode(), message("unsupported_type", suffix=message("no_suffix")))


@kind
def name_not_utf8(d: Path, w: str) -> Expect:
    (d.joinpath(os.fsdecode(b"\xff\xfe.txt"))).write_bytes(body(w).encode())
    return Expect(stored={f"{d.name}/\ufffd\ufffd.txt": w})


@kind
def fifo_named_txt(d: Path, w: str) -> Expect:
    os.mkfifo(d / "a.txt")
    return Expect(rejected={f"{d.name}/a.txt": message("not_regular_file")})


@kind
def link_to_dev_zero(d: Path, w: str) -> Expect:
    (d / "a.txt").symlink_to("/dev/zero")
    return Expect(rejected={f"{d.name}/a.txt": message("not_regular_file")})


@kind
def broken_link(d: Path, w: str) -> Expect:
    (d / "a.txt").symlink_to(d / "nowhere.txt")
    return Expect(rejected={f"{d.name}/a.txt": message("no_such_file")})


def write_corpus(root: Path) -> dict[str, Expect]:
    """Write every kind below ``root``; its expectations by kind."""
    expectations: dict[str, Expect] = {}
    for i, k in enumerate(KINDS):
        folder = root / k.name
        folder.mkdir(parents=True)
        word = _FIRST[i // len(_SECOND) % len(_FIRST)] + _SECOND[i % len(_SECOND)] + "镇"
        expectations[k.name] = k.write(folder, word)
    return expectations
