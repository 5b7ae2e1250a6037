"""Writes the people gold set: readouts in the genre about fictional officials in real provinces
and cities, and ``gold.json`` (which person each name mention is). Deterministic; run
``python tests/link/people_set/make.py`` to write ``docs/`` and ``gold.json`` again.

The careers below are the truth. Documents are drawn from them: meetings of each city's and
province's leaders at dates that cover every post of every career, notices of appointment
(任命 / 免去 / 任 / 调任 / 当选 / 提名 / 不再担任 / 辞去) at the changes that have them, visits and
signings across places, attendance lists without posts, posts written short in their own
place's readouts ("市长") and in full elsewhere ("深圳市市长", "深圳市长"), some documents in
traditional script. Distractors: people of one name in different places, at the same time
(``incompatible``: they held posts that one person cannot hold at once) or years apart, and
common two-character names."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

from luoshi.text.fold import to_traditional

HERE = Path(__file__).parent

PROVINCE_OF = {
    "深圳": "广东",
    "广州": "广东",
    "珠海": "广东",
    "佛山": "广东",
    "东莞": "广东",
    "南京": "江苏",
    "苏州": "江苏",
    "无锡": "江苏",
    "杭州": "浙江",
    "宁波": "浙江",
    "温州": "浙江",
    "成都": "四川",
    "绵阳": "四川",
    "青岛": "山东",
    "济南": "山东",
    "福州": "福建",
    "厦门": "福建",
    "罗湖": "广东",
}
CITY_OF_DISTRICT = {"罗湖": "深圳"}


@dataclass(frozen=True)
class Stint:
    place: str  # a city, a province, a district; "" for a post without a place
    post: str  # as its own place writes it: 市委书记, 市长, 副省长, 区长, 市发展改革委主任…
    start: str  # YYYY-MM
    end: str  # YYYY-MM
    begun: str = ""  # the transfer word of a notice that starts it (任命, 任, 调任, 当选, 决定任命, 提名)
    ended: str = ""  # the word of a notice that ends it (免去, 不再担任, 辞去)


# person id → (name, stints). Names and careers are ours (fictional).
PEOPLE: dict[str, tuple[str, list[Stint]]] = {
    "P01": ("黄振宇", [Stint("广东", "省委书记", "2019-01", "2025-06")]),
    "P02": (
        "郑文博",
        [
            Stint("广东", "省长", "2019-01", "2022-10", ended="免去"),
            Stint("江苏", "省委书记", "2022-11", "2025-06", begun="任"),
        ],
    ),
    "P03": (
        "陈海涛",
        [
            Stint("珠海", "市长", "2019-01", "2021-02", ended="免去"),
            Stint("珠海", "市委书记", "2021-03", "2023-02", begun="任", ended="免去"),
            Stint("广东", "副省长", "2023-03", "2025-06", begun="任命"),
        ],
    ),
    "P04": (
        "孟立新",
        [
            Stint("深圳", "市委书记", "2019-01", "2022-10", ended="不再担任"),
            Stint("广东", "省长", "2022-11", "2025-06", begun="当选"),
        ],
    ),
    "P05": (
        "覃建国",
        [
            Stint("深圳", "市长", "2019-01", "2022-10", ended="辞去"),
            Stint("深圳", "市委书记", "2022-11", "2025-06", begun="任"),
        ],
    ),
    "P06": (
        "林晓峰",
        [
            Stint("广州", "副市长", "2019-01", "2021-06"),
            Stint("佛山", "市长", "2021-09", "2023-12"),
            Stint("佛山", "市委书记", "2024-03", "2025-06"),
        ],
    ),
    "P07": (
        "周正清",
        [
            Stint("深圳", "副市长", "2019-01", "2022-10"),
            Stint("深圳", "市长", "2022-11", "2025-06", begun="决定任命"),
        ],
    ),
    "P08": ("宋立新", [Stint("", "前海合作区管理局局长", "2020-01", "2023-12")]),
    "P09": ("罗文斌", [Stint("东莞", "市长", "2020-01", "2024-06")]),
    "P10": ("许俊杰", [Stint("广州", "市委书记", "2019-01", "2025-06")]),
    "P11": ("何雅琴", [Stint("广州", "市长", "2020-01", "2025-06")]),
    "P12": ("杨国栋", [Stint("江苏", "省委书记", "2019-01", "2022-10", ended="不再担任")]),
    "P13": ("吴启航", [Stint("江苏", "省长", "2019-01", "2025-06")]),
    "P14": (
        "马卫东",
        [
            Stint("苏州", "市委书记", "2019-01", "2021-11", ended="免去"),
            Stint("江苏", "副省长", "2021-12", "2025-06", begun="任命"),
        ],
    ),
    "P15": ("谢子恒", [Stint("南京", "市长", "2019-01", "2025-06")]),
    "P16": ("梁志远", [Stint("浙江", "省委书记", "2019-01", "2025-06")]),
    "P17": (
        "邓兆麟",
        [
            Stint("杭州", "市长", "2019-01", "2022-05", ended="免去"),
            Stint("杭州", "市委书记", "2022-06", "2025-06", begun="任"),
        ],
    ),
    "P18": ("冯思远", [Stint("宁波", "市委书记", "2019-01", "2025-06")]),
    "P19": ("范明远", [Stint("成都", "市长", "2019-01", "2023-06")]),
    "P20": ("刘晓东", [Stint("绵阳", "市长", "2021-04", "2025-06", begun="当选")]),
    "P21": ("蔡文涛", [Stint("青岛", "市长", "2019-01", "2025-06")]),
    "P22": ("袁德胜", [Stint("山东", "省长", "2020-01", "2025-06")]),
    "P23": (
        "曹佳宁",
        [
            Stint("厦门", "市委书记", "2019-01", "2022-03", ended="免去"),
            Stint("福建", "副省长", "2022-04", "2025-06", begun="任命"),
        ],
    ),
    "P24": ("彭一帆", [Stint("福州", "市长", "2019-01", "2025-06")]),
    # the same names in different places, at the same time
    "P25": ("张立新", [Stint("深圳", "副市长", "2020-01", "2024-06")]),
    "P26": ("张立新", [Stint("杭州", "市发展改革委主任", "2021-01", "2024-06")]),
    "P27": ("王建华", [Stint("江苏", "副省长", "2020-01", "2023-12")]),
    "P28": ("王建华", [Stint("成都", "市委书记", "2020-01", "2024-06")]),
    "P29": ("李国庆", [Stint("青岛", "市委书记", "2019-01", "2024-06")]),
    "P30": ("李国庆", [Stint("佛山", "副市长", "2019-01", "2021-06")]),
    "P31": ("刘洋", [Stint("福州", "副市长", "2020-01", "2023-06")]),
    "P32": ("刘洋", [Stint("南京", "市发展改革委主任", "2020-01", "2023-06")]),
    "P33": ("陈静", [Stint("东莞", "副市长", "2019-01", "2022-06")]),
    "P34": ("陈静", [Stint("宁波", "副市长", "2023-01", "2025-06")]),  # years later: not incompatible
    "P35": ("赵明", [Stint("罗湖", "区长", "2020-01", "2022-06")]),
    "P36": ("赵明", [Stint("济南", "市长", "2021-01", "2024-06")]),
    "P37": ("孙海涛", [Stint("温州", "市长", "2019-01", "2022-06")]),
    "P38": ("孙海涛", [Stint("厦门", "副市长", "2019-01", "2022-06")]),
    "P39": ("周建平", [Stint("广东", "副省长", "2021-01", "2024-06")]),
    "P40": ("周建平", [Stint("深圳", "副市长", "2021-01", "2024-06")]),  # one province, still two
    # more careers with transfers
    "P41": (
        "韩启明",
        [
            Stint("无锡", "市长", "2019-01", "2021-11", ended="免去"),
            Stint("苏州", "市委书记", "2021-12", "2025-06", begun="调任"),
        ],
    ),
    "P42": (
        "唐慧敏",
        [
            Stint("青岛", "副市长", "2019-01", "2021-12"),
            Stint("济南", "市委副书记", "2022-01", "2025-06", begun="任"),
            Stint("济南", "市长", "2024-07", "2025-06", begun="提名"),
        ],
    ),
    "P43": ("钟国华", [Stint("福建", "省委书记", "2019-01", "2025-06")]),
    "P44": ("秦晓峰", [Stint("四川", "省长", "2019-01", "2025-06")]),
    "P45": ("贺永康", [Stint("四川", "省委书记", "2019-01", "2025-06")]),
    "P46": ("潘思远", [Stint("东莞", "市委书记", "2019-01", "2025-06")]),
    "P47": ("韦国强", [Stint("成都", "市长", "2023-07", "2025-06", begun="当选")]),
    "P48": (
        "龚雪梅",
        [Stint("南京", "市委书记", "2019-01", "2022-12"), Stint("江苏", "省委副书记", "2023-01", "2025-06")],
    ),
}
INCOMPATIBLE = [
    ("P25", "P26"),
    ("P27", "P28"),
    ("P29", "P30"),
    ("P31", "P32"),
    ("P35", "P36"),
    ("P37", "P38"),
    ("P39", "P40"),
]

TOPICS = [
    "营商环境改革",
    "重点项目建设",
    "科技创新",
    "民生实事",
    "安全生产",
    "乡村振兴",
    "对外开放",
    "数字政府建设",
    "生态环境保护",
    "招商引资",
]
SAYINGS = [
    "要坚持目标导向、问题导向，把各项任务分解到单位、落实到岗位",
    "要建立工作台账，倒排工期、挂图作战，确保年底前取得明显成效",
    "要强化督查督办，对进度滞后的事项及时催办",
    "要压实牵头单位责任，形成工作合力",
    "要聚焦群众急难愁盼，办好民生实事",
]


def _month(day: str) -> str:
    return day[:7]


def holders(place: str, day: str) -> list[tuple[str, Stint]]:
    """Who holds a post of ``place`` on ``day``."""
    month = _month(day)
    out = []
    for pid, (_, stints) in PEOPLE.items():
        for s in stints:
            if s.place == place and s.start <= month <= s.end:
                out.append((pid, s))
    return out


def stint_at(pid: str, day: str) -> Stint | None:
    month = _month(day)
    return next((s for s in PEOPLE[pid][1] if s.start <= month <= s.end), None)


def full(s: Stint) -> str:
    """The post written with its place ("深圳市市长", "广东省副省长", "罗湖区区长")."""
    if not s.place:
        return s.post
    suffix = "区" if s.place in CITY_OF_DISTRICT else "省" if s.place in set(PROVINCE_OF.values()) else "市"
    if s.post.startswith(suffix) and not s.post.endswith(f"{suffix}长"):
        return s.place + s.post
    return s.place + suffix + s.post


class Text:
    """A text built in pieces; the gold spans of the names written into it."""

    def __init__(self) -> None:
        self.parts: list[tuple[str, str | None]] = []

    def add(self, text: str) -> Text:
        self.parts.append((text, None))
        return self

    def name(self, pid: str) -> Text:
        self.parts.append((PEOPLE[pid][0], pid))
        return self

    def render(self, traditional: bool) -> tuple[str, list[tuple[str, int, int]]]:
        out, spans, pos = [], [], 0
        for text, pid in self.parts:
            shown = to_traditional(text) if traditional else text
            assert len(shown) == len(text)
            if pid:
                spans.append((pid, pos, pos + len(shown)))
            out.append(shown)
            pos += len(shown)
        return "".join(out), spans


def _date_cn(day: str) -> str:
    y, m, d = day.split("-")
    return f"{y}年{int(m)}月{int(d)}日"


def _post_in(s: Stint, home: str) -> str:
    """A post as a readout of ``home`` writes it: short in its own place and province."""
    if s.place == home or (s.place in PROVINCE_OF.values() and PROVINCE_OF.get(home) == s.place):
        return s.post
    if not s.place:
        return s.post
    return full(s)


def city_meeting(rng: random.Random, city: str, day: str) -> Text:
    cast = holders(city, day)
    leaders = sorted(cast, key=lambda c: ("书记" not in c[1].post, "副" in c[1].post, c[0]))
    chair = leaders[0]
    meeting = "市委常委会" if "书记" in chair[1].post else "市政府常务会议"
    t = Text().add(f"{city}{meeting}召开 研究部署{rng.choice(TOPICS)}工作\n\n")
    t.add(f"{_date_cn(day)}，{city}{meeting}召开，传达学习省委全会精神，研究部署近期重点工作。")
    t.add(_post_in(chair[1], city)).name(chair[0]).add("主持会议并讲话。")
    rest = leaders[1:]
    bare = [p for p in rest if "副" in p[1].post and rng.random() < 0.4]
    named = [p for p in rest if p not in bare]
    if city == "深圳" and stint_at("P08", day):
        named.append(("P08", stint_at("P08", day)))  # type: ignore[arg-type]
    for k, (pid, s) in enumerate(named):
        t.add("，" if k else "")
        if s.post == "市长" and rng.random() < 0.5:
            t.add("市委副书记、")
        t.add(_post_in(s, city)).name(pid)
    if named:
        t.add("出席会议。")
    t.add("\n").name(chair[0]).add(f"强调，{rng.choice(SAYINGS)}。")
    mayor = next((p for p in named if p[1].post == "市长"), None)
    if mayor and rng.random() < 0.5:
        t.add("\n").name(mayor[0]).add(f"市长表示，{rng.choice(SAYINGS)}。")
    if bare:
        t.add("\n市领导")
        for k, (pid, _) in enumerate(bare):
            t.add("、" if k else "").name(pid)
        t.add("，市直有关单位主要负责同志参加会议。")
    return t


def province_meeting(rng: random.Random, province: str, day: str) -> Text:
    cast = holders(province, day)
    leaders = sorted(
        cast, key=lambda c: ("书记" not in c[1].post, c[1].post != "省长", "副" in c[1].post, c[0])
    )
    t = Text().add(f"{province}省委常委会召开会议\n\n")
    t.add(f"{_date_cn(day)}，{province}省委常委会召开会议，研究{rng.choice(TOPICS)}等工作。")
    chair = leaders[0]
    t.add(_post_in(chair[1], province)).name(chair[0]).add("主持会议。")
    for k, (pid, s) in enumerate(leaders[1:]):
        t.add("，" if k else "")
        if s.post == "省长":
            t.add("省委副书记、")
        t.add(_post_in(s, province)).name(pid)
    if len(leaders) > 1:
        t.add("出席会议。")
    t.add("\n会议指出，").add(f"{rng.choice(SAYINGS)}。")
    return t


def visit(rng: random.Random, province: str, city: str, day: str) -> Text:
    top = [h for h in holders(province, day) if h[1].post in ("省委书记", "省长")]
    host = sorted(holders(city, day), key=lambda c: ("书记" not in c[1].post, c[0]))
    visitor = top[0]
    t = Text().add(f"{full(visitor[1])}到{city}调研{rng.choice(TOPICS)}工作\n\n")
    t.add(f"{_date_cn(day)}，{province}{visitor[1].post}").name(visitor[0]).add(f"到{city}调研。")
    t.name(visitor[0]).add(f"强调，{rng.choice(SAYINGS)}。\n")
    for k, (pid, s) in enumerate(host[:2]):
        t.add("、" if k else city).add(s.post).name(pid)
    t.add("陪同调研。")
    return t


def signing(first: str, second: str, day: str) -> Text:
    t = Text().add(f"{first}市与{second}市签署战略合作协议\n\n")
    t.add(f"{_date_cn(day)}，{first}市与{second}市在{first}签署战略合作框架协议。")
    heads = [{s.post: pid for pid, s in holders(city, day)} for city in (first, second)]
    secretaries = [
        (city, h["市委书记"]) for city, h in zip((first, second), heads, strict=True) if "市委书记" in h
    ]
    for k, (city, pid) in enumerate(secretaries):
        t.add("、" if k else "").add(f"{city}市委书记").name(pid)
    if secretaries:
        t.add("出席签约仪式。")
    mayors = [(city, h["市长"]) for city, h in zip((first, second), heads, strict=True) if "市长" in h]
    for k, (city, pid) in enumerate(mayors):
        t.add("与" if k else "").add(f"{city}市市长" if k == 0 else f"{city}市长").name(pid)
    t.add("代表两市签约。")
    return t


def notice_begin(pid: str, s: Stint, before: Stint | None, day: str) -> Text:
    """A notice of appointment in the words of ``s.begun``, with the end of ``before`` when the
    same notice ends it."""
    word = s.begun
    province = PROVINCE_OF.get(s.place, s.place)
    t = Text()
    if word in ("任命", "决定任命"):
        body = f"{s.place}{'省' if s.place == province else '市'}人大常委会"
        t.add(f"{body}举行会议 表决通过人事任免事项\n\n")
        acting = full(s).replace(s.post, "代理" + s.post) if word == "决定任命" else full(s)
        t.add(f"{_date_cn(day)}，{body}举行会议，表决通过人事任免事项。会议{word}").name(pid).add(
            f"为{acting}"
        )
        if before and before.ended:
            t.add("；免去").name(pid).add(f"的{full(before)}职务")
        for q, x in holders(s.place, _before(s.start)):
            if x.post == s.post and q != pid and x.ended == "辞去":
                t.add("；接受").name(q).add(f"辞去{full(x)}职务的请求")
        t.add("。")
    elif word in ("任", "调任"):
        t.add(f"中共{province}省委决定干部任职\n\n")
        t.add(f"{_date_cn(day)}，中共{province}省委决定：").name(pid).add(f"同志{word}{full(s)}")
        if before and before.ended:
            t.add(f"，免去其{full(before)}职务")
        t.add("。")
        for q, x in holders(s.place, _before(s.start)):
            if x.post == s.post and q != pid and x.ended == "不再担任":
                t.name(q).add(f"同志不再担任{full(x)}职务。")
    elif word == "当选":
        body = f"{s.place}{'省' if s.place == province else '市'}人民代表大会"
        t.add(f"{body}选举产生新一届领导\n\n")
        t.add(f"{_date_cn(day)}，{body}举行选举大会。").name(pid).add(f"当选为{full(s)}。")
        if before and before.ended:
            t.name(pid).add(f"不再担任{full(before)}职务。")
    elif word == "提名":
        t.add(f"{s.place}市人大常委会召开会议\n\n")
        t.add(f"{_date_cn(day)}，{s.place}市人大常委会召开会议，市委提名").name(pid).add(
            f"为{full(s)}候选人。"
        )
    return t


def _before(month: str) -> str:
    """A day of the month before ``month``."""
    return _shift(month, -1) + "-15"


def _by_hand() -> list[tuple[str, Text]]:
    """Documents of other shapes: a delegation in another province's readout, titles after
    names, a page of leaders without a date, a forum with a guest from another province."""
    out = []
    t = Text().add("广东省党政代表团到江苏考察\n\n2021年6月8日，广东省党政代表团到苏州考察。江苏省委书记")
    t.name("P12").add("会见代表团。广东省委书记").name("P01").add("，省委副书记、深圳市委书记").name("P04")
    t.add("，副省长").name("P39").add("参加考察。苏州市委书记").name("P14").add("陪同。\n").name("P01")
    t.add("表示，粤苏两省合作基础深厚。").name("P04").add("书记介绍了深圳营商环境改革情况。")
    out.append(("2021-06-08", t))
    t = Text().add("深圳市人民政府领导\n\n市长").name("P07").add("\n副市长").name("P25").add("、").name("P40")
    t.add("\n（本页面信息由深圳市人民政府办公厅维护）")
    out.append(("", t))
    t = Text().add("两岸经贸合作论坛在厦门举行\n\n2020年11月3日，两岸经贸合作论坛在厦门举行。福建省委书记")
    t.name("P43").add("出席并致辞。厦门市委书记").name("P23").add("主持开幕式，温州市市长").name("P37").add(
        "作交流发言。\n"
    ).name("P37").add("市长介绍了温州民营经济发展经验。")
    out.append(("2020-11-03", t))
    t = Text().add("刘晓东市长调研科技城建设\n\n2022年3月15日，").name("P20").add("市长到科技城调研，")
    t.add("强调要加快重大项目建设。绵阳市领导").name("P20").add("在调研中指出，要优化营商环境。")
    out.append(("2022-03-15", t))
    return out


def _shift(month: str, months: int) -> str:
    y, m = map(int, month.split("-"))
    k = y * 12 + m - 1 + months
    return f"{k // 12}-{k % 12 + 1:02d}"


def build() -> list[tuple[str, str, list[tuple[str, int, int]]]]:
    rng = random.Random(20260614)
    docs: list[tuple[str, Text]] = []
    places = sorted({s.place for _, (_, stints) in PEOPLE.items() for s in stints if s.place})
    provinces = set(PROVINCE_OF.values())
    for place in places:
        months: set[str] = set()
        for _, (_, stints) in PEOPLE.items():
            for s in stints:
                if s.place == place:
                    months.add(_shift(s.start, 2) if _shift(s.start, 2) <= s.end else s.start)
                    months.add(_shift(s.end, -2) if _shift(s.end, -2) >= s.start else s.end)
        for month in sorted(months):
            day = f"{month}-{rng.randint(3, 26):02d}"
            if place in CITY_OF_DISTRICT:
                continue  # the district's head appears in its city's documents
            if place in provinces:
                docs.append((day, province_meeting(rng, place, day)))
            elif holders(place, day):
                docs.append((day, city_meeting(rng, place, day)))
    # notices at the changes of post that have them
    for pid, (_, stints) in PEOPLE.items():
        for k, s in enumerate(stints):
            if s.begun:
                day = f"{s.start}-{rng.randint(2, 20):02d}"
                docs.append((day, notice_begin(pid, s, stints[k - 1] if k else None, day)))
    # visits, signings, a district head in her city's readout
    for province, city, day in [
        ("广东", "深圳", "2021-05-18"),
        ("广东", "珠海", "2023-08-09"),
        ("江苏", "苏州", "2022-06-14"),
        ("浙江", "杭州", "2023-04-11"),
        ("广东", "佛山", "2024-09-05"),
        ("四川", "绵阳", "2022-09-20"),
    ]:
        docs.append((day, visit(rng, province, city, day)))
    for first, second, day in [
        ("深圳", "杭州", "2022-03-16"),
        ("广州", "佛山", "2022-07-08"),
        ("青岛", "厦门", "2020-10-13"),
    ]:
        docs.append((day, signing(first, second, day)))
    for day in ("2020-09-15", "2021-11-10"):
        t = Text().add("罗湖区召开营商环境改革推进会\n\n")
        t.add(f"{_date_cn(day)}，深圳市罗湖区召开营商环境改革推进会。深圳市副市长").name("P25")
        t.add("出席会议并讲话，罗湖区区长").name("P35").add("主持会议。\n").name("P35").add(
            f"表示，{rng.choice(SAYINGS)}。"
        )
        docs.append((day, t))
    docs.extend(_by_hand())
    docs.sort(key=lambda d: d[0])
    out = []
    for k, (_day, t) in enumerate(docs):
        traditional = k % 9 == 4
        text, spans = t.render(traditional)
        out.append((f"people-{k + 1:03d}{'-traditional' if traditional else ''}", text + "\n", spans))
    return out


def main() -> None:
    docs = build()
    folder = HERE / "docs"
    folder.mkdir(exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    gold: dict[str, list[list[object]]] = {pid: [] for pid in PEOPLE}
    for name, text, spans in docs:
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
        for pid, a, b in spans:
            gold[pid].append([name, [a, b]])
    payload = {
        "people": {pid: spans for pid, spans in gold.items() if spans},
        "incompatible": [list(p) for p in INCOMPATIBLE],
    }
    (HERE / "gold.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(
        f"{len(docs)} documents, {sum(map(len, gold.values()))} mentions of {len(payload['people'])} people"
    )


if __name__ == "__main__":
    main()
