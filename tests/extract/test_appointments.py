"""Changes of post (luoshi.extract.appointments): who was appointed, elected or nominated to
which post and who left one, with the transfer word and spans; in both scripts."""

from __future__ import annotations

import pytest

from luoshi.extract import extract
from luoshi.extract.appointments import find_appointments
from luoshi.extract.names import find_people
from luoshi.ingest import document_from_text
from luoshi.text import to_simplified, to_traditional


def changes(text: str) -> list[tuple[str, str, str, str]]:
    s = to_simplified(text)
    persons, _ = find_people(s)
    found = find_appointments(s, persons)
    for a in found:
        assert s[a.span.start : a.span.end] == a.post and s[a.name_span.start : a.name_span.end] == a.name
    return [(a.name, a.post, a.change, a.word) for a in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "会议任命陈海涛为广东省副省长；免去陈海涛的珠海市委书记职务。",
            [("陈海涛", "广东省副省长", "start", "任命"), ("陈海涛", "珠海市委书记", "end", "免去")],
        ),
        (
            "经研究决定，陈海涛同志任珠海市委书记，免去其珠海市市长职务。",
            [("陈海涛", "珠海市委书记", "start", "任"), ("陈海涛", "珠海市市长", "end", "免去")],
        ),
        ("王立群不再担任深圳市副市长职务。", [("王立群", "深圳市副市长", "end", "不再担任")]),
        ("刘晓东当选为绵阳市市长。", [("刘晓东", "绵阳市市长", "start", "当选为")]),
        ("中共广东省委决定：李建华同志调任广州市委书记。", [("李建华", "广州市委书记", "start", "调任")]),
        ("市委提名张国庆为杭州市市长候选人。", [("张国庆", "杭州市市长", "nominated", "提名")]),
        (
            "会议决定任命周正清为深圳市代理市长，接受王立群辞去深圳市市长职务的请求。",
            [("周正清", "深圳市代理市长", "start", "决定任命"), ("王立群", "深圳市市长", "end", "辞去")],
        ),
        (
            "免去吴启航的江苏省副省长、省政府党组成员职务。",
            [("吴启航", "江苏省副省长", "end", "免去"), ("吴启航", "省政府党组成员", "end", "免去")],
        ),
    ],
)
def test_changes_of_post(text, expected):
    assert changes(text) == expected
    assert changes(to_traditional(text)) == expected  # the same in traditional script


@pytest.mark.parametrize(
    "text",
    [
        "办公室主任李四出席会议。",  # 主任 is a post, not 主 + 任
        "会议强调，要落实主体责任，任务分解到岗位。",
        "市长覃建国主持会议。",  # a post held, not a change of post
        "会议决定，加快推进前海合作区建设。",
    ],
)
def test_no_change_of_post(text):
    assert changes(text) == []


def test_facts_carry_the_changes_and_name_their_persons():
    text = "2022年11月20日，中共广东省委决定：覃建国同志任深圳市委书记，免去其深圳市市长职务。"
    facts = extract(document_from_text(text, "notice"))
    assert [p.name for p in facts.persons] == ["覃建国"]  # named only in the notice, still a person
    assert [(a.post, a.change) for a in facts.appointments] == [
        ("深圳市委书记", "start"),
        ("深圳市市长", "end"),
    ]
    stored = facts.to_json()["appointments"]
    assert stored[0] == {
        "name": "覃建国",
        "post": "深圳市委书记",
        "change": "start",
        "word": "任",
        "span": [facts.appointments[0].span.start, facts.appointments[0].span.end],
        "name_span": [facts.appointments[0].name_span.start, facts.appointments[0].name_span.end],
    }
