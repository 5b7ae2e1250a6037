"""One person across documents (luoshi.link.people): posts read into one form, mentions
clustered by name and evidence, careers in date order, successors. Pure: no store."""

from __future__ import annotations

from typing import Any

import pytest

from luoshi.extract.gazetteer import post_heads
from luoshi.link.people import (
    END,
    FORMER,
    START,
    Decisions,
    Holding,
    PostReader,
    Shown,
    Sighting,
    cluster,
    document_home,
    extend,
    sightings_from_facts,
    successor,
)

READER = PostReader(post_heads())
GUANGDONG = {"省": "广东"}
SHENZHEN = {"省": "广东", "市": "深圳"}


def post(written: str, home: dict[str, str] | None = None) -> str:
    return READER.read(written, home).text


def test_variants_of_one_post_are_one_post():
    assert post("省长", GUANGDONG) == post("广东省省长") == post("广东省长") == "广东省省长"
    assert post("市长", SHENZHEN) == post("深圳市长") == post("深圳市人民政府市长") == "深圳市市长"
    assert post("代理市长", SHENZHEN) == post("深圳市代市长") == "深圳市市长"
    assert post("市委书记", SHENZHEN) == post("中共深圳市委书记") == "深圳市委书记"
    assert post("十二届省政协副主席", GUANGDONG) == post("广东省政协副主席") == "广东省政协副主席"
    assert post("原深圳市市长") == "深圳市市长"
    assert post("省長", GUANGDONG) == "广东省省长"  # traditional script folds the same way


def test_places_tiers_and_seats():
    mayor = READER.read("深圳市市长")
    assert (mayor.place, mayor.tier, mayor.unit, mayor.head) == ("深圳", "市", "", "市长")
    assert mayor.seats == (("市", "深圳"), ("省", "广东")) and mayor.single_holder
    assert READER.read("罗湖区区长").seats == (("县", "罗湖"), ("市", "深圳"), ("省", "广东"))
    assert READER.read("吉林市委书记").seats == (("市", "吉林"),)  # the city, not the province
    assert READER.read("绵阳市委书记").place == "绵阳"  # from the list of places
    assert READER.read("某某县县长").place == "某某"  # a place the list lacks, by its suffix
    assert READER.read("副市长", SHENZHEN).single_holder is False  # many deputies at once
    assert READER.read("市场监管局局长", SHENZHEN).place is None  # 市场 is no tier
    assert READER.read("光明日报社社长").place is None
    assert READER.read("自治区党委副书记").place is None
    assert READER.read("市委书记").text == "市委书记" and READER.read("市委书记").place is None


def test_a_documents_home_is_where_its_posts_and_places_are():
    assert document_home(READER, ["深圳市委书记", "市长", "省委书记"], ["深圳", "前海"]) == SHENZHEN
    assert document_home(READER, ["省长"], ["广东", "香港"]) == {"省": "广东"}
    assert document_home(READER, [], ["深圳"]) == SHENZHEN  # a city's province where none is named
    assert document_home(READER, [], []) == {}


def seen(
    doc: int,
    name: str,
    day: str | None,
    *posts: str | tuple[str, str, str],
    home: dict[str, Any] | None = None,
) -> Sighting:
    shown = [Shown(p, (0, len(p))) if isinstance(p, str) else Shown(p[0], (0, 1), p[1], p[2]) for p in posts]
    return Sighting(doc, name, day, shown, dict(home or {}), (0, len(name)), ref=doc)


def people_of(sightings: list[Sighting], decisions: Decisions | None = None) -> list[set[int]]:
    return sorted(
        ({s.document_id for s in c.sightings} for c in cluster(READER, sightings, decisions)), key=min
    )


def test_same_name_and_post_within_years_is_one_person():
    found = people_of(
        [
            seen(1, "陈海涛", "2019-03-01", "市长", home={"市": "珠海", "省": "广东"}),
            seen(2, "陈海涛", "2020-06-01", "珠海市市长"),
            seen(3, "陈海涛", "2024-09-01", "珠海市长"),  # a single-holder post: ten years' reach
        ]
    )
    assert found == [{1, 2, 3}]


def test_mayors_of_two_cities_in_one_month_are_two_people():
    found = people_of(
        [
            seen(1, "李志强", "2023-03-02", "深圳市市长"),
            seen(2, "李志强", "2023-03-20", "苏州市市长"),
            seen(3, "李志强", "2023-04-10", "深圳市市长"),
        ]
    )
    assert found == [{1, 3}, {2}]


def test_governors_of_two_provinces_and_two_governments_are_two_people():
    assert people_of(
        [seen(1, "王建华", "2021-05-01", "江苏省省长"), seen(2, "王建华", "2021-05-09", "浙江省省长")]
    ) == [
        {1},
        {2},
    ]
    # one province, but a 副省长 is no 副市长: not both at once
    both = [
        seen(1, "周建平", "2022-01-05", "广东省副省长"),
        seen(2, "周建平", "2022-01-20", "深圳市副市长"),
        seen(3, "周建平", "2022-06-01", "副省长", home=GUANGDONG),
    ]
    assert people_of(both) == [{1, 3}, {2}]


def test_transfer_words_link_the_old_post_and_the_new():
    found = people_of(
        [
            seen(1, "韩启明", "2021-05-01", "无锡市市长"),
            seen(2, "韩启明", "2021-12-10", ("苏州市委书记", START, "调任"), ("无锡市市长", END, "免去")),
            seen(3, "韩启明", "2021-12-20", "苏州市委书记"),
            seen(4, "韩启明", "2022-08-01", "市委书记", home={"市": "苏州", "省": "江苏"}),
        ]
    )
    assert found == [{1, 2, 3, 4}]
    # without the notice, a mayor of one city seen as another city's secretary in the same month
    # is another person
    assert people_of(
        [seen(1, "韩启明", "2021-12-01", "无锡市市长"), seen(3, "韩启明", "2021-12-20", "苏州市委书记")]
    ) == [
        {1},
        {3},
    ]


def test_promotion_within_a_place_and_within_a_province():
    same_city = [
        seen(1, "林晓峰", "2021-01-01", "佛山市市长"),
        seen(2, "林晓峰", "2023-05-01", "佛山市委书记"),
    ]
    assert people_of(same_city) == [{1, 2}]
    up = [seen(1, "孟立新", "2020-01-01", "深圳市委书记"), seen(2, "孟立新", "2022-12-01", "广东省省长")]
    assert people_of(up) == [{1, 2}]
    far = [seen(1, "孟立新", "2015-01-01", "深圳市委书记"), seen(2, "孟立新", "2022-12-01", "广东省省长")]
    assert people_of(far) == [{1}, {2}]  # years apart with nothing between: not joined


def test_common_names_need_the_same_post():
    promoted = [
        seen(1, "刘洋", "2021-01-01", "福州市副市长"),
        seen(2, "刘洋", "2022-01-01", "福州市发展改革委主任"),
    ]
    assert people_of(promoted) == [{1}, {2}]
    same = [
        seen(1, "刘洋", "2021-01-01", "福州市副市长"),
        seen(2, "刘洋", "2022-01-01", "副市长", home={"市": "福州"}),
    ]
    assert people_of(same) == [{1, 2}]
    moved = [
        seen(1, "刘洋", "2021-01-01", "福州市副市长"),
        seen(2, "刘洋", "2021-03-01", ("福州市委常委", START, "任")),
    ]
    assert people_of(moved) == [{1, 2}]  # the same place and a transfer word


def test_mentions_without_posts_join_the_person_of_their_place():
    found = people_of(
        [
            seen(1, "张立新", "2022-01-01", "深圳市副市长"),
            seen(2, "张立新", "2022-02-01", "杭州市发展改革委主任"),
            seen(3, "张立新", "2022-03-01", home=SHENZHEN),  # "市领导张立新" in a Shenzhen readout
            seen(4, "张立新", "2022-04-01", home={"市": "杭州", "省": "浙江"}),
        ]
    )
    assert found == [{1, 3}, {2, 4}]
    # the only person of a rare name takes a bare mention from elsewhere, in another year
    assert people_of(
        [
            seen(1, "唐慧敏", "2021-01-01", "青岛市副市长"),
            seen(2, "唐慧敏", "2019-01-01", home={"市": "成都"}),
        ]
    ) == [
        {1, 2},
    ]


def test_decisions_override_the_evidence():
    a, b, c = (
        seen(1, "赵明", "2021-01-01", "济南市市长"),
        seen(2, "赵明", "2021-01-10", "罗湖区区长"),
        seen(3, "赵明", "2022-01-01", "济南市市长"),
    )
    assert people_of([a, b, c]) == [{1, 3}, {2}]
    merged = Decisions(together=((a.key, b.key),))
    assert people_of([a, b, c], merged) == [{1, 2, 3}]
    parted = Decisions(together=((c.key,),), apart=(((c.key,), (a.key,)),))
    assert people_of([a, b, c], parted) == [{1}, {2}, {3}]


def persons_of(sightings: list[Sighting], decisions: Decisions | None = None) -> dict[int, list[Sighting]]:
    return {c.ref: list(c.sightings) for c in cluster(READER, sightings, decisions)}


def test_new_mentions_extend_the_persons_they_belong_to():
    stored = [
        seen(1, "陈海涛", "2019-03-01", "珠海市市长"),
        seen(2, "陈海涛", "2020-06-01", "珠海市市长"),
        seen(3, "陈海涛", "2020-06-02", "杭州市副市长"),
        seen(4, "陈海涛", "2020-07-01", "太原市副市长"),
    ]
    persons = persons_of(stored)
    assert sorted(map(sorted, ([s.document_id for s in m] for m in persons.values()))) == [[1, 2], [3], [4]]
    new = [
        seen(5, "陈海涛", "2021-01-05", "珠海市长"),  # the mayor again
        seen(6, "陈海涛", "2021-02-01", home={"市": "杭州", "省": "浙江"}),  # "市领导陈海涛" in Hangzhou
        seen(7, "陈海涛", "2021-02-01", "武汉市副市长"),  # nobody known: a new person
    ]
    change = extend(READER, "陈海涛", persons, new)
    assert change is not None
    assert sorted({s.document_id for s in c.sightings} for c in change.careers) == [{1, 2, 5}, {3, 6}, {7}]
    assert change.replaced == [1, 3]  # the Taiyuan deputy mayor is not written again
    assert sorted(({s.document_id for s in c.sightings} for c in change.careers), key=min) == [
        p for p in people_of(stored + new) if p & {5, 6, 7}
    ]  # what clustering the name whole gives


def test_a_new_mention_that_conflicts_makes_its_name_clustered_whole():
    stored = [
        seen(1, "何正清", "2024-01-10", "东莞市委常委"),
        seen(2, "何正清", "2024-03-01", "深圳市副市长"),  # the same province, seven weeks later
    ]
    persons = persons_of(stored)
    assert list(map(len, persons.values())) == [2]
    # the same post as the first, a few days after the second: both cannot be one person
    assert extend(READER, "何正清", persons, [seen(3, "何正清", "2024-03-05", "东莞市委常委")]) is None
    # the same province, another city: refused, as clustering refuses it, without a conflict
    change = extend(READER, "何正清", persons, [seen(4, "何正清", "2024-03-05", "珠海市副市长")])
    assert change is not None and [len(c.sightings) for c in change.careers] == [1] and not change.replaced
    # a new person with a post where a stored mention without one may belong
    loose = {**persons, 9: [seen(9, "何正清", "2024-05-01", home={"市": "杭州", "省": "浙江"})]}
    assert extend(READER, "何正清", loose, [seen(5, "何正清", "2024-06-01", "杭州市副市长")]) is None
    # a decision of the office that names a new mention
    decided = Decisions(together=(((6, "何正清"), (1, "何正清")),))
    assert (
        extend(READER, "何正清", persons, [seen(6, "何正清", "2024-01-12", "东莞市委常委")], decided) is None
    )
    assert extend(READER, "何正清", persons, [seen(6, "何正清", "2024-01-12", "东莞市委常委")]) is not None


def test_careers_list_posts_in_date_order_with_their_evidence():
    (career,) = cluster(
        READER,
        [
            seen(7, "陈海涛", "2023-03-17", ("广东省副省长", START, "任命"), ("珠海市委书记", END, "免去")),
            seen(3, "陈海涛", "2021-03-10", ("珠海市委书记", START, "任"), ("珠海市市长", END, "免去")),
            seen(1, "陈海涛", "2019-04-01", "市长", home={"市": "珠海", "省": "广东"}),
            seen(9, "陈海涛", "2024-01-01", "副省长", home=GUANGDONG),
            seen(8, "陈海涛", "2024-02-01", ("原珠海市委书记", FORMER, "")),
        ],
    )
    assert career.ref == 1 and career.label == "广东省副省长"
    assert [(r.post.text, r.first, r.last) for r in career.records] == [
        ("珠海市市长", "2019-04-01", "2021-03-10"),
        ("珠海市委书记", "2021-03-10", "2023-03-17"),
        ("广东省副省长", "2023-03-17", "2024-01-01"),
    ]
    secretary = career.records[1]
    assert (secretary.began, secretary.ended) == ("2021-03-10", "2023-03-17")
    assert secretary.documents == [3, 7, 8] and {e.word for e in secretary.evidence} == {"任", "免去", ""}
    assert not career.records[0].post.inferred  # the written place wins over the document's home


def test_sightings_from_stored_facts():
    facts = {
        "persons": ["孟立新", "覃建国", "张立新"],
        "spans": {
            "persons": [["孟立新", 10, 13], ["覃建国", 20, 23], ["张立新", 40, 43]],
            "roles": [["孟立新", "市委书记", 6, 10], ["覃建国", "市长", 17, 20]],
        },
        "places": [
            {"name": "深圳", "kind": "admin", "span": [0, 2]},
            {"name": "前海", "kind": "zone", "span": [2, 4]},
        ],
        "appointments": [
            {
                "name": "覃建国",
                "post": "深圳市委书记",
                "change": "start",
                "word": "任",
                "span": [30, 36],
                "name_span": [26, 29],
            }
        ],
    }
    found = {s.name: s for s in sightings_from_facts(READER, 5, "2022-11-20", facts)}
    assert set(found) == {"孟立新", "覃建国", "张立新"}
    assert found["孟立新"].home == SHENZHEN and found["孟立新"].span == (10, 13)
    assert [(x.written, x.change, x.word) for x in found["覃建国"].shown] == [
        ("市长", "held", ""),
        ("深圳市委书记", "start", "任"),
    ]
    assert found["张立新"].shown == []
    again = Sighting.from_row(11, 5, "覃建国", "2022-11-20", found["覃建国"].data())
    assert again.shown == found["覃建国"].shown and again.home == SHENZHEN and again.ref == 11


def test_successor_is_the_latest_later_holder():
    holders = [
        Holding(1, "覃建国", "深圳市市长", "2019-01-01", "2022-10-01", "2022-11-09"),
        Holding(2, "周正清", "深圳市市长", "2022-11-09", "2025-04-01"),
        Holding(3, "某甲", "深圳市市长", "2015-01-01", "2018-12-01"),
    ]
    assert successor(holders, 1).person == 2  # type: ignore[union-attr]
    assert successor(holders, 2) is None  # the holder now
    assert successor(holders, 3).person == 2  # type: ignore[union-attr]
    assert successor(holders, 9) is None


@pytest.mark.parametrize("name", ["王伟", "李强"])
def test_two_character_names_are_common(name):
    from luoshi.link.people import common_name

    assert common_name(name) and not common_name("王伟中")


def test_a_post_without_its_place_is_read_in_the_persons_other_posts_first():
    facts = {
        "persons": ["钟国华", "孙海涛"],
        "spans": {
            "persons": [["钟国华", 6, 9], ["孙海涛", 20, 23]],
            "roles": [
                ["钟国华", "省委书记", 2, 6],
                ["孙海涛", "温州市市长", 15, 20],
                ["孙海涛", "市长", 40, 42],
            ],
        },
        "places": [{"name": "厦门", "kind": "admin", "span": [0, 2]}],
    }
    found = {s.name: s for s in sightings_from_facts(READER, 1, "2020-11-03", facts)}
    guest = found["孙海涛"]  # "温州市市长孙海涛…孙海涛市长" in a readout of 厦门
    assert [READER.read(x.written, dict(x.context) or guest.home).text for x in guest.shown] == [
        "温州市市长"
    ] * 2
    host = found["钟国华"].shown[0]
    assert READER.read(host.written, dict(host.context) or found["钟国华"].home).text == "福建省委书记"
    (career,) = [c for c in cluster(READER, list(found.values())) if c.name == "孙海涛"]
    assert [r.post.text for r in career.records] == ["温州市市长"]
