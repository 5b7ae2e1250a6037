import hashlib
import re
import unicodedata
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st
from sharedfiles import shared_dir

from luoshi.ingest import document_from_text, read_path
from luoshi.model import Document, Span

PAGE = """<html><head><title>前海合作区召开会议</title><script>var x=1;</script></head><body>
<div>当前位置: 首页 &gt; 要闻动态</div><h1>前海合作区召开会议</h1>
<div>发布日期:2024-09-25 21:01 来源:深圳特区报</div><div>【字号: 大 中 小】</div>
<p>9月25日,市委书记周明远出席会议&amp;讲话。</p><p>会议强调,要倒排工期。</p>
<p>banner_01.jpg</p><div>扫一扫在手机打开当前页</div><div>上一篇: 其他新闻</div></body></html>"""


def test_html_furniture_removed_and_metadata_read(tmp_path):
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    (doc,) = list(read_path(path))
    assert isinstance(doc, Document)
    assert doc.title == "前海合作区召开会议"
    assert doc.published == "2024-09-25"
    assert doc.source_site == "深圳特区报"
    for furniture in ("当前位置", "字号", "扫一扫", "上一篇", ".jpg", "var x"):
        assert furniture not in doc.text
    assert "9月25日,市委书记周明远出席会议&讲话。\n会议强调,要倒排工期。" in doc.text
    # A span of the clean text shows the same characters in the original HTML.
    i = doc.text.index("周明远")
    span = doc.original_span(Span(i, i + 3))
    assert doc.original[span.start : span.end] == "周明远"


def test_pinyin_glosses_removed_offsets_kept():
    doc = document_from_text("深圳新聞網(wǎng)報道,前海合作區(qū)召開(kāi)會議。")
    assert doc.text == "深圳新聞網報道,前海合作區召開會議。"
    assert doc.simplified == "深圳新闻网报道,前海合作区召开会议。"
    i = doc.text.index("區")
    span = doc.original_span(Span(i, i + 2))
    assert doc.original[span.start : span.end] == "區(qū)召"


def test_first_seed_loses_its_glosses():
    seeds = shared_dir("seeds")
    first = sorted(Path(seeds).iterdir())[0]
    (doc,) = list(read_path(first))
    assert isinstance(doc, Document)
    assert "(wǎng)" in doc.original
    assert "(wǎng)" not in doc.text and "(qū)" not in doc.text
    assert doc.published == "2025-05-07"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=" \t\n\r\u3000\u00a0\u2009\u200b\u200d\ufeff\u00ad会议，a", max_size=40))
def test_whitespace_shortcuts_change_nothing(text):
    # normalise_whitespace skips a pattern when a quick substring test says it cannot match;
    # the result must equal running every pattern.
    from luoshi.ingest import clean
    from luoshi.text.offsets import TrackedText

    t = TrackedText.of(text)
    full = t.replace(clean._CR, "\n").delete(clean._INVISIBLE).replace(clean._SPACES, " ")
    full = full.delete(clean._LINE_EDGE_SPACE).delete(clean._MANY_BREAKS)
    fast = clean.normalise_whitespace(t)
    assert fast.text == full.text
    assert fast.positions == full.positions


# -- session 9 (extractspeed2): str searches before the patterns ---------------------------------

_FURNITURE_WORDS = (
    "当前位置",
    "您的位置：",
    "首页",
    " > ",
    "›",
    "&gt;",
    "要闻",
    "【字号",
    "分享到",
    "扫一扫",
    "扫码",
    "手机",
    "上一篇：",
    "banner_01.jpg",
    "ico",
    "-",
    "·",
    "微博",
    "微信 ",
    "阅读次数：",
    "--",
    " 天气",
    "会议强调",
    "，",
    "\u3000",
    "\t",
    "x",
)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_FURNITURE_WORDS), max_size=5), max_size=6))
def test_furniture_removed_as_when_every_short_line_was_tried(lines):
    from luoshi.ingest import clean
    from luoshi.text.offsets import TrackedText

    t = TrackedText.of("\n".join("".join(words) for words in lines))
    spans = [
        m.span() for m in clean._SHORT_LINE.finditer(t.text) if clean._FURNITURE_LINE.fullmatch(m.group())
    ]
    plain = clean._drop_extra_breaks(t.delete_spans(spans)).strip()
    fast = clean.remove_furniture(t)
    assert (fast.text, fast.positions) == (plain.text, plain.positions)


def test_furniture_lines_are_never_skipped():
    from luoshi.ingest import clean

    for line in [
        *PAGE.replace("<", "\n<").replace(">", ">\n").split("\n"),
        "当前位置：首页 > 要闻",
        "首页›新闻",
        "【字号：大 中 小】",
        "\u3000字号：大",
        "打印本页",
        "上一条：其他",
        "头部",
        "·",
        "热线 关注 微博",
        "浏览次数：12",
        "-- 天气晴",
        "logo.png",
    ]:
        if line and clean._FURNITURE_LINE.fullmatch(line):
            assert clean._may_be_furniture(line), line
    assert not clean._may_be_furniture("会议强调，要倒排工期")


@settings(max_examples=500, deadline=None)
@given(
    st.text(
        alphabet="会议 \t\u3000\u00a0\u2009\u200b\u200d\u2066\ufeff\u00ad\x07\x00\x1f\x7f\x85\u2028a，",
        max_size=40,
    )
)
def test_str_searches_answer_as_the_patterns(text):
    from luoshi.ingest import clean, decode
    from luoshi.ingest.pipeline import content_hash

    assert clean._to_fold(text) == bool(clean._TO_FOLD.search(text))
    assert bool(decode._CONTROL_CHAR.search(text)) == bool(decode._CONTROLS.search(text))
    plain = re.sub(r"[\s\u200b]+", "", unicodedata.normalize("NFKC", text))
    assert content_hash(text) == hashlib.sha256(plain.encode("utf-8")).hexdigest()


def test_glosses_kept_where_no_vowel_is_toned():
    from luoshi.ingest import clean
    from luoshi.text.offsets import TrackedText

    toned_texts = [f"网(w{v}ng)络(l{v})安({v}n)全(de)" for v in clean._TONED]
    for text in ("网(wang)络(luo)安(an)全(quan)", "计划(2020-2025年)", *toned_texts):
        t = TrackedText.of(text)
        toned = len(clean._GLOSS_TONED.findall(text))
        plain = t.delete(clean._GLOSS_TONED)
        if toned >= 3:
            plain = plain.delete(clean._GLOSS_PLAIN)
        assert clean.remove_glosses(t).text == plain.text
    assert clean.remove_glosses(TrackedText.of("网(wǎng)络(luò)安(ān)全(de)")).text == "网络安全"


def test_furniture_lines_up_to_the_longest_whether_the_text_needs_a_line_by_line_look_or_not():
    # (a text holding ">" or "." is looked at line by line; one holding none of those only where a
    # line may start furniture: the same lines go)
    from luoshi.ingest import clean
    from luoshi.text.offsets import TrackedText

    longest = "当前位置：" + "要闻" * ((clean.FURNITURE_MAX - 5) // 2) + "闻"
    assert len(longest) == clean.FURNITURE_MAX
    for extra in ("", "。见附件.pdf"):
        text = f"{longest}\n会议强调{extra}\n {longest[:20]}\n{longest}闻\n结尾"
        kept = clean.remove_furniture(TrackedText.of(text)).text
        assert kept == f"会议强调{extra}\n {longest[:20]}\n{longest}闻\n结尾"


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet="会议 \t\r\n\u3000\u00a0\u2009\u200b\u200d\u2066\ufeff\u00ad\x07\x00\x1f\x7fa，(ǎ)",
        min_size=1,
        max_size=60,
    )
)
@example("议  会 \n 议\n\n\n\n会 ")
def test_a_text_decoding_found_plain_is_cleaned_as_any_other(text):
    from luoshi.ingest import clean, decode
    from luoshi.ingest.decode import RejectedInput
    from luoshi.ingest.formats import RawRecord
    from luoshi.ingest.pipeline import build_document

    try:
        decoded = decode.decode_bytes(("会议" + text).encode("utf-8"))
    except RejectedInput:
        return
    folded = f"\t{clean.UNICODE_SPACES}{clean.INVISIBLE}"
    found = re.search(f"[\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f{folded}]", decoded.text)
    assert not (decoded.plain and found)
    if not decoded.warnings:  # (a text its control characters were taken from is not called plain)
        assert decoded.plain == (found is None)
    record = RawRecord("a.txt", decoded.text, "text")
    try:
        slow = build_document(record, "utf-8", None)
    except RejectedInput:
        return
    fast = build_document(record, "utf-8", None, plain=decoded.plain)
    assert vars(fast).keys() == vars(slow).keys()
    for key, value in vars(slow).items():
        if key != "offsets":
            assert getattr(fast, key) == value, key
    assert fast.offsets.to_json() == slow.offsets.to_json()


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["网", "络", "(", "（", ")", "）", "w", "ǎ", "ng", "de", "2020", "年", "h", "ü"]),
        max_size=40,
    )
)
@example(["网", "(", "ü", "ǎ", ")", "(", "2020", ")"])
@example(["网", "（", "ǎ", "）"])
def test_glosses_removed_as_when_the_patterns_always_ran(pieces):
    from luoshi.ingest import clean
    from luoshi.text.offsets import TrackedText

    t = TrackedText.of("".join(pieces))
    toned = len(clean._GLOSS_TONED.findall(t.text))
    plain = t.delete(clean._GLOSS_TONED)
    if toned >= 3:
        plain = plain.delete(clean._GLOSS_PLAIN)
    fast = clean.remove_glosses(t)
    assert (fast.text, fast.positions) == (plain.text, plain.positions)
