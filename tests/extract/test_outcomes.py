"""Replicable outcomes extracted as records (kind, title, zone, count, date) with their spans, in
both scripts; what a text asks for is no record."""

import pytest

from luoshi.extract import extract
from luoshi.extract.outcomes import find_outcomes
from luoshi.ingest import document_from_text
from luoshi.text import to_simplified, to_traditional

# Readouts of our own, in the genre (fictional bodies and officials).
READOUT = (
    "前海合作区召开制度创新工作推进会\n"
    "2025年4月18日讯 4月17日，前海合作区党工委召开制度创新工作推进会。会议通报，前海累计推出制度创新成果765项，"
    "其中65项在全国复制推广。“深港通注册易”“跨境理财通”等12项制度创新成果入选全省自贸试验区第五批可复制可推广经验。\n"
    "会议指出，横琴粤澳深度合作区推出“澳门新街坊”等一事三地民生事项，推行“港澳药械通”一策三地政策，"
    "制定“澳门执业律师备案”一规三地规则。南沙率先开展首创性改革：包括“湾区标准”互认和“跨境通办”。\n"
    "河套深港科技创新合作区已有7项首创性改革举措落地。\n"
    "会议强调，要持续在教育、医疗等方面探索更多“一事三地”“一策三地”“一规三地”合作事项，"
    "形成更多可复制可推广的制度创新经验。各单位要及时总结首创性改革经验，每季度报送一次。"
)

EXPECTED = [
    ("innovation", "前海累计推出制度创新成果765项", "前海", 765),
    ("replicable", "65项在全国复制推广", "前海", 65),
    ("innovation", "深港通注册易", "前海", 12),
    ("innovation", "跨境理财通", "前海", 12),
    ("one_matter", "澳门新街坊", "横琴粤澳深度合作区", None),
    ("one_policy", "港澳药械通", "横琴粤澳深度合作区", None),
    ("one_rule", "澳门执业律师备案", "横琴粤澳深度合作区", None),
    ("pioneering", "湾区标准", "南沙", None),
    ("pioneering", "跨境通办", "南沙", None),
    ("pioneering", "河套深港科技创新合作区已有7项首创性改革举措落地", "河套深港科技创新合作区", 7),
]


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_outcomes_with_kind_title_zone_count_date_and_spans(script):
    text = READOUT if script == "simplified" else to_traditional(READOUT)
    doc = document_from_text(text, "outcomes")
    facts = extract(doc)
    assert [(o.kind, o.title, o.zone, o.count) for o in facts.outcomes] == EXPECTED
    for o in facts.outcomes:
        assert o.date == "2025-04-17"
        assert doc.simplified[o.span.start : o.span.end] == o.title
        assert o.title_original == doc.text[o.span.start : o.span.end]
        assert to_simplified(o.title_original) == o.title
        assert o.sentence.start <= o.span.start < o.span.end <= o.sentence.end
        sentence = doc.simplified[o.sentence.start : o.sentence.end]
        assert sentence.endswith(("。", "\n")) or o.sentence.end == len(doc.simplified)
    shape = facts.to_json()["outcomes"][0]
    assert shape["title"] == "前海累计推出制度创新成果765项" and shape["span"] == [
        facts.outcomes[0].span.start,
        facts.outcomes[0].span.end,
    ]


def test_what_a_text_asks_for_is_no_record():
    for asked in (
        "要持续在教育、医疗等方面探索更多“一事三地”“一策三地”“一规三地”合作事项。",
        "会议要求，形成更多可复制可推广的制度创新成果。",
        "坚持以制度创新为核心，打造一批首创性、标志性改革品牌，形成一批可复制可推广的制度创新成果。",
        "二要及时总结可复制可推广的经验，每季度报送一次进展情况。",
        "力争全年推出制度创新成果50项以上。",
    ):
        assert find_outcomes(asked) == [], asked


def test_an_item_without_a_name_inside_a_directive_is_asked_for():
    s = "会议强调，年内推出制度创新成果30项，并在全省复制推广。"
    assert [o.title for o in find_outcomes(s)] == ["年内推出制度创新成果30项"]
    from luoshi.model import Span

    assert find_outcomes(s, [Span(0, len(s))]) == []


def test_zone_named_in_the_sentence_else_before_and_never_inside_a_title():
    s = (
        "南沙区召开会议。会议学习《横琴粤澳深度合作区建设总体方案》，通报“跨境通办”等3项制度创新成果。"
        "全国自贸试验区第七批改革试点经验中，“湾区标准”入选可复制可推广经验。"
    )
    assert [(o.title, o.zone) for o in find_outcomes(s)] == [("跨境通办", "南沙"), ("湾区标准", "南沙")]
    # A zone named by its kind alone only when no other is named.
    assert find_outcomes("自贸试验区累计形成制度创新成果80项。")[0].zone == "自贸试验区"
    assert find_outcomes("某市累计形成制度创新成果80项。")[0].zone is None


def test_each_title_once_and_quoted_trigger_words_are_no_items():
    s = "前海推出“深港通注册易”等5项制度创新成果。“深港通注册易”在全国复制推广。探索“一事三地”合作事项。"
    assert [o.title for o in find_outcomes(s)] == ["深港通注册易"]


def test_no_trigger_no_work():
    assert find_outcomes("市委常委会召开会议，研究部署年度重点工作。") == []
