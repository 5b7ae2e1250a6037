from pathlib import Path

from hypothesis import given, settings
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
