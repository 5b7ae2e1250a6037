"""A document's title is its headline, not the page's file name, masthead or byline."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.ingest import document_from_text
from luoshi.ingest.formats import RawRecord
from luoshi.ingest.metadata import placeholder_title, title_of
from luoshi.ingest.pipeline import build_document

HEADLINE = "市政府召开常务会议 研究部署口岸建设工作"
BODY = "3月1日，市长李明远主持召开市政府常务会议，研究部署口岸建设工作。会议要求各单位抓好落实。"


@pytest.mark.parametrize(
    "declared",
    [
        "page-0042",  # the file's own name
        "香港商报",  # a newspaper (the media word list)
        "香港商報網",  # … in traditional script, as its website
        "本刊编辑部",  # an editorial office
        "本刊編輯部",
        "河北新闻本网原创",  # a credit
        "首页 -> 头条",  # navigation
        "旧版网站入口",
        "2024年11月23日 星期六 |",  # a running date
        "湾区行_fororder_湾区行_副本",  # an image name
        "index.html",
    ],
)
def test_a_placeholder_title_gives_way_to_the_headline(declared: str) -> None:
    assert placeholder_title(declared, "page-0042")
    page = f"{declared}\n站内搜索\n{HEADLINE}\n2026-03-02 来源：某某日报\n{BODY}"
    assert title_of(declared, page, "page-0042") == HEADLINE
    doc = build_document(RawRecord("page-0042", page, "text", title=declared), "utf-8", None)
    assert doc.title == HEADLINE


def test_a_real_title_is_kept() -> None:
    for title in ("深圳市委常委会会议召开 部署推进前海合作区建设", "市记者协会换届大会召开 部署新闻宣传工作"):
        assert not placeholder_title(title, "page-0042")
    assert title_of("前海合作区建设推进会召开", "香港商报\n" + BODY, "x") == "前海合作区建设推进会召开"


def test_without_a_headline_the_lead_of_the_text() -> None:
    assert title_of(None, BODY, "readout") == "市长李明远主持召开市政府常务会议"
    dated = "date 2025-12-19 政务司司长周四（18日）率领代表团在深圳出席专班会议，并到访前海。"
    assert title_of(None, dated, "dev-9") == "政务司司长周四（18日）率领代表团在深圳出席专班会议"
    credited = "深圳新闻网讯（深圳特区报记者 王某某）5月6日，市委书记在前海主持召开专题会议。"
    assert title_of(None, credited, "x") == "市委书记在前海主持召开专题会议"
    long = "中国共产党某某市第十一届委员会第十二次全体会议于2020年11月30日至12月1日在某某市召开。全会由市委常委会主持。"
    assert title_of(None, long, "x") == long[:40] + "…"
    assert document_from_text(BODY, "readout-7").title == "市长李明远主持召开市政府常务会议"


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", " ", "标题", "第一行", "\u3000", "简报", "a", "。"]), max_size=60))
def test_head_lines_are_the_first_non_empty_lines_of_the_first_forty(words):
    from luoshi.ingest import metadata

    text = "\n".join(words)
    whole = [x.strip() for x in text.split("\n")[:40] if x.strip()][:8]
    assert list(metadata.head_lines(text)) == whole
    assert list(metadata.head_lines("\n" * 39 + "标题\n第二行")) == ["标题"]  # (the 40th line, not the 41st)
