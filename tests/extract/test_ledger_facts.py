"""Chair, addressees and deadlines (gold version 2), per category, on sentences of our own with
fictional officials; each checked in simplified and in traditional script, spans included."""

from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sharedfiles import shared_dir

from luoshi.evaluate import load_jsonl, score
from luoshi.extract import extract
from luoshi.extract.deadlines import parse_deadline
from luoshi.ingest import document_from_text, read_paths
from luoshi.model import Document, Facts
from luoshi.text import to_traditional

DATED = "2025年5月7日讯 5月6日，"  # an event date to read deadlines against
SAMPLE = "市长周明远主持会议。会议要求，各区、市直各部门要在6月底前完成，财政、税务部门要尽快落实。"


def _both(text: str) -> list[Facts]:
    """The facts of the text and of its traditional-script form, after checking that every
    span of the new fields points at the text it stands for."""
    out = []
    for variant in (text, to_traditional(text)):
        doc = document_from_text(variant)
        facts = extract(doc)
        for p in facts.chair:
            assert doc.simplified[p.span.start : p.span.end] == p.name
        for a in facts.addressees:
            assert doc.simplified[a.span.start : a.span.end] == a.name
        for d in facts.deadlines:
            assert doc.simplified[d.span.start : d.span.end] == d.text
        out.append(facts)
    return out


def _chair(text: str) -> list[str]:
    simplified, traditional = ([p.name for p in f.chair] for f in _both(text))
    assert simplified == traditional
    return simplified


def _addressees(text: str) -> list[str]:
    simplified, traditional = ([a.name for a in f.addressees] for f in _both(text))
    assert simplified == traditional
    return simplified


def _deadlines(text: str) -> list[tuple[str, str | None]]:
    simplified, traditional = ([(d.text, d.date) for d in f.deadlines] for f in _both(text))
    assert simplified == traditional
    return simplified


# -- chair -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "chair"),
    [
        ("3月2日，市委书记周明远在临港主持召开专题会议。", ["周明远"]),
        ("会议由市政协主席林海涛主持。市长陈思远出席。", ["林海涛"]),
        ("省委书记黄立新出席会议并讲话，省委副书记、省长郑国栋主持会议。", ["郑国栋"]),
        ("行政长官何子恒和省长马文博共同主持了会议。", ["何子恒", "马文博"]),
        ("张志刚主持召开县政府常务会议 刘卫民出席", ["张志刚"]),
        ("晚会主持人欧阳建国宣布活动开始，市长胡永康致辞。", []),
        ("全会由市委常委会主持。市委书记朱晓华作讲话。", []),
    ],
)
def test_chair_is_the_person_in_the_clause_of_zhuchi(text, chair):
    assert _chair(text) == chair


def test_every_chair_is_a_person():
    (f, _) = _both("市长周明远主持会议，副市长陈思远、黄立新出席。")
    assert {p.name for p in f.chair} <= {p.name for p in f.persons}


# -- addressees --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bodies"),
    [
        # subject + modal, several clauses
        (
            "临港新片区要切实履行主体责任，市级部门要加大服务保障力度，其他各区要主动支持。",
            ["临港新片区", "市级部门", "其他各区"],
        ),
        # a list split at 、 where each item is a body; a shared head kept whole
        (
            "会议强调，一是各级政府要压实责任；二是财政、税务部门要设立专门账户。",
            ["各级政府", "财政、税务部门"],
        ),
        ("四是杭州市、钱塘新区要扛起主体责任。", ["杭州市", "钱塘新区"]),
        # 要求 + bodies + what they must do
        ("会议要求各区抓紧制定任务清单。", ["各区"]),
        ("他要求各部门、各单位依法履职。", ["各部门", "各单位"]),
        # other modals
        ("特区政府需主动对接国家规划，各委办局务必按时报送。", ["特区政府", "各委办局"]),
        # the subject in the clause before the modal; people dropped from the list
        ("会议号召，全省各级政协、各参加单位和广大委员，要更加紧密地团结。", ["全省各级政协", "各参加单位"]),
        # 由…牵头
        ("由市发展改革委牵头，会同市财政局制定方案。", ["市发展改革委"]),
        # a parenthesised qualifier; a narrower part that is no body
        ("各县(市、区)要落实属地责任，各级各部门特别是宣传战线要统一思想。", ["各县(市、区)", "各级各部门"]),
        # X作为…，要…
        ("会议强调，浦东新区作为改革开放的排头兵，要勇于先行先试。", ["浦东新区"]),
    ],
)
def test_addressees_are_the_bodies_a_directive_names(text, bodies):
    assert _addressees(text) == bodies


@pytest.mark.parametrize(
    "text",
    [
        "会议强调，要加快推进重点项目建设。",  # the meeting itself
        "我们要坚定信心，大家要团结一心，全市上下要真抓实干。",  # pronouns and whole populations
        "广大党员干部要发挥先锋模范作用。",
        "疫情要防住、经济要稳住、发展要安全。",  # subjects that are not bodies
        "这是一项重要任务，主要领导要亲自抓。",  # 重要/主要 hold 要 but are not modals
        "会议传达了省委书记讲话要求，研究我市贯彻意见。",  # 要求 as a noun
        "充分彰显了人民政协作为专门协商机构的重要作用，要继续发挥优势。",
    ],
)
def test_no_addressee_without_a_body(text):
    assert _addressees(text) == []


def test_each_addressee_once_in_order():
    text = "各区要抓好落实。市直各部门要密切配合。各区要定期报告进展。"
    assert _addressees(text) == ["各区", "市直各部门"]


# -- deadlines ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "limits"),
    [
        ("力争年底前开工建设新馆。", [("年底前", "2025-12-31")]),
        ("确保口岸在年底之前建成。", [("年底之前", "2025-12-31")]),
        ("一要倒排工期，确保2026年6月底前完成。", [("2026年6月底前", "2026-06-30")]),
        ("要在6月底前完成清单报送。", [("6月底前", "2025-06-30")]),
        ("确保年内全面完工。", [("确保年内", "2025-12-31")]),
        ("力争三季度末完成主体工程。", [("三季度末", "2025-09-30")]),
        ("各单位要在月底前报送材料。", [("月底前", "2025-05-31")]),
        ("明年6月底前完成验收，力争明年建成投用。", [("明年6月底前", "2026-06-30"), ("明年", "2026-12-31")]),
        ("大桥计划于2026年5月30日前完工。", [("2026年5月30日前", "2026-05-30")]),
        (
            "尽快出台配套政策，如期完成目标任务，要长期坚持。",
            [("尽快", None), ("如期", None), ("长期坚持", None)],
        ),
        ("要尽快落实。要尽快推进。", [("尽快", None)]),  # each distinct phrase once
        (
            "力争明年上半年建成，2027年底前基本完成。",
            [("明年上半年", "2026-06-30"), ("2027年底前", "2027-12-31")],
        ),
    ],
)
def test_deadlines_read_against_the_event_date(text, limits):
    assert _deadlines(DATED + text) == limits


@pytest.mark.parametrize(
    "text",
    [
        "要布局前沿技术，加强前瞻研究，走在全国前列。",  # 前 inside words
        "审议了《数字经济发展规划(2021-2025年)》。",  # a year in a cited title
        "要迅速行动、加快推进、抓紧实施、及时报告。",  # speed alone
        "该项目已于2024年底前完成。",  # a past event
        "2019年底前，全市建成12个示范点。",  # a date before the event: history
        "市第十次党代会将如期召开，会议定于2026年3月召开。",  # future meetings
        "上半年经济运行总体平稳，确保下半年经济发展有较好的上升。",  # periods of narrative
        "2024年前三季度生产总值增长，截至6月底贷款余额增长，年内已累计完成投资。",  # counts and tallies
        "春天如期而至，会议于2026年1月1日起施行新规。",
    ],
)
def test_no_deadline_without_a_limit_on_work(text):
    assert _deadlines(DATED + text) == []


def test_relative_deadline_without_an_event_date_is_not_given_a_day():
    assert _deadlines("力争年底前开工建设。") == []
    assert _deadlines("力争2026年底前开工建设。") == [("2026年底前", "2026-12-31")]


def test_directives_take_their_deadline_and_addressee_from_the_same_finders():
    (f, _) = _both(DATED + "会议强调，各区要在月底前报送清单。市直各部门要尽快完善方案。")
    by_text = {d.text: d for d in f.directives}
    assert [(d.addressee, d.deadline) for d in by_text.values()] == [
        ("各区", "月底前"),
        ("市直各部门", "尽快"),
    ]
    # the ledger reads the directive's phrase as extraction did
    for d in f.directives:
        found = next(x for x in f.deadlines if x.text == d.deadline)
        resolved = parse_deadline(d.deadline, reference=date(2025, 5, 6)).date
        assert found.date == (resolved.isoformat() if resolved else None)


def test_scored_form_carries_the_new_fields():
    (f, _) = _both(DATED + "市长周明远主持会议。会议要求各区要在年底前完成。")
    shape = f.to_json()
    assert shape["chair"] == ["周明远"]
    assert shape["addressees"] == ["各区"]
    assert shape["deadlines"] == [{"text": "年底前", "date": "2025-12-31"}]
    assert [s[1:] for s in shape["spans"]["deadlines"]] == [
        [f.deadlines[0].span.start, f.deadlines[0].span.end]
    ]


@settings(max_examples=120, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list(DATED + SAMPLE + "，。、要需由牵头主持前底年月内尽快")), max_size=200
    )
)
def test_spans_of_the_new_fields_point_at_their_text(text):
    if text.strip():
        _both(text)  # asserts every span


@pytest.mark.parametrize("name", ["dev", "dev2"])
def test_evaluation_sets_meet_the_ledger_target(name):
    folder = shared_dir("eval", name)
    predictions = [extract(d).to_json() for d in read_paths([folder / "docs"]) if isinstance(d, Document)]
    result = score(load_jsonl(folder / "gold.jsonl"), predictions)
    assert result.ledger_f1 is not None and result.ledger_f1 >= 0.85, result.table()


def test_scoring_of_the_ledger_fields_follows_the_shared_scorer():
    gold: dict[str, dict[str, Any]] = {
        "a": {
            "id": "a",
            "chair": ["周明远"],
            "addressees": ["各区"],
            "deadlines": [{"text": "确保年内", "date": "2025-12-31"}, {"text": "尽快", "date": None}],
        },
        "b": {"id": "b"},  # an older line: not scored on the new fields
    }
    pred: list[dict[str, Any]] = [
        {
            "id": "a",
            "chair": ["周明远"],
            "addressees": ["各區", "市直各部门"],
            "deadlines": [{"text": "年内", "date": "2025-12-31"}, {"text": "尽快", "date": "2025-06-30"}],
        },
        {"id": "b", "chair": ["黄立新"]},
    ]
    result = score(gold, pred)
    assert result.ledger_docs == {"chair": 1, "addressees": 1, "deadlines": 1}
    assert result.counts["chair"] == [1, 0, 0]
    assert result.counts["addressees"] == [1, 1, 0]  # traditional script folded
    assert result.counts["deadlines"] == [1, 1, 1]  # texts overlap; a date must be equal
    assert result.ledger_f1 == pytest.approx((1.0 + 2 / 3 + 0.5) / 3)


def test_a_recurring_period_is_a_directive_deadline_but_no_limit():
    (f, _) = _both(DATED + "会议强调，各区要每季度报送工作进展。")
    assert [d.deadline for d in f.directives] == ["每季度"]
    assert f.deadlines == []
    assert parse_deadline("每季度").kind == "recurring"
