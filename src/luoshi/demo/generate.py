"""Writes the demo corpus: readouts in the genre, composed from sentences we wrote, about
fictional officials. Deterministic (a fixed seed), so the committed corpus can be regenerated
with ``python -m luoshi.demo.generate``; the benchmarks use ``readout()`` to build large corpora.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from luoshi.text import to_traditional

SURNAMES = "周林陈黄郑刘何吴许杨谢梁罗邓马宋"
GIVEN = [
    "明远",
    "海涛",
    "思远",
    "立新",
    "国栋",
    "晓峰",
    "志强",
    "建平",
    "文博",
    "正清",
    "永康",
    "卫东",
    "振华",
    "佳宁",
    "俊杰",
    "文涛",
    "启航",
    "若愚",
    "子恒",
    "雅琴",
    "慧敏",
    "一帆",
    "德胜",
    "兆麟",
]
CITIES = ["深圳", "广州", "珠海", "天津", "东莞", "佛山"]
ZONES = {
    "深圳": "前海合作区",
    "广州": "南沙新区",
    "珠海": "横琴粤澳深度合作区",
    "天津": "滨海新区",
    "东莞": "滨海湾新区",
    "佛山": "三龙湾高端创新集聚区",
}
PLANS = [
    "{zone}总体发展规划",
    "全面深化{zone}改革开放方案",
    "{city}市推进{zone}建设三年行动计划(2025-2027年)",
    "关于支持{zone}高质量发展的若干措施",
    "{city}市营商环境改革实施意见",
    "{zone}条例",
]
MEETINGS = [
    ("{city}市委常委会会议", "召开"),
    ("{city}市推进{zone}建设领导小组会议", "召开"),
    ("{city}市专题会议", "召开"),
    ("{zone}建设现场会", "召开"),
    ("{city}市深化改革动员大会", "召开"),
    ("{city}市政府常务会议", "召开"),
    ("{city}市重点项目推进会", "召开"),
]
DIRECTIVES = [
    "要坚持目标导向、问题导向、结果导向,把各项任务分解到单位、落实到岗位",
    "要建立工作台账,实行台账式管理、项目式实施、节点式推进,倒排工期、挂图作战",
    "要强化督查督办,对进度滞后的事项及时催办,一级抓一级、逐级抓落实",
    "要加快推进规则衔接、机制对接,推出更多“一事三地”“一策三地”“一规三地”创新举措",
    "要聚焦现代服务业发展,引进一批龙头企业和重大项目,确保年底前形成实物工作量",
    "要深化营商环境改革,推动政务服务“一网通办”,在2026年6月底前完成系统整合",
    "要加强跨境基础设施建设,加快口岸改造工程进度,力争明年上半年具备开通条件",
    "要及时总结可复制可推广的制度创新成果,每季度报送一次进展情况",
    "要压实牵头单位责任,配合单位主动协同,形成工作合力",
    "要做到日有所获、月有所进、年有所成,全力完成全年目标任务",
]
ADDRESSEES = ["市发展改革委", "市直各部门", "{zone}管理局", "各区", "市商务局"]
BATCHES = [
    ("项", "年度工作任务"),
    ("项", "重点改革任务"),
    ("项", "行政职权"),
    ("个", "重大项目"),
    ("项", "制度创新成果"),
    ("项", "具体举措"),
]
CN_NUM = {12: "十二", 20: "二十", 35: "三十五", 48: "四十八", 103: "一百零三"}


@dataclass
class Readout:
    city: str
    title: str
    body: str
    published: str


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if name not in used:
            used.add(name)
            return name


def readout(rng: random.Random, index: int = 0) -> Readout:
    """One readout; different seeds and indexes give different texts."""
    city = rng.choice(CITIES)
    zone = ZONES[city]
    year = rng.choice((2023, 2024, 2025, 2026))
    month, day = rng.randint(1, 10 if year == 2026 else 12), rng.randint(1, 27)  # nothing after today
    used: set[str] = set()
    secretary, mayor, deputy, head = (_name(rng, used) for _ in range(4))
    others = [_name(rng, used) for _ in range(rng.randint(2, 4))]
    meeting, verb = rng.choice(MEETINGS)
    meeting = meeting.format(zone=zone, city=city)
    plans = rng.sample(PLANS, 2)
    plan_a, plan_b = (p.format(zone=zone, city=city) for p in plans)
    count = rng.choice((12, 20, 35, 48, 96, 103, 54, 27))
    unit, what = rng.choice(BATCHES)
    count_text = CN_NUM.get(count, str(count)) if rng.random() < 0.3 else str(count)
    directives = rng.sample(DIRECTIVES, 3)
    addressee = rng.choice(ADDRESSEES).format(zone=zone)
    dateline = f"{year}年{month}月{day + 1}日讯 "
    lines = [
        f"{dateline}{month}月{day}日,{meeting}在{zone}{verb}。"
        f"市委书记{secretary}主持会议并讲话,市委副书记、市长{mayor}出席,"
        f"市委常委、{zone}管理局局长{head}汇报有关工作情况。",
        f"会议传达学习了《{plan_a}》,研究部署贯彻落实工作,审议并原则通过《{plan_b}》,"
        f"明确五方面、{count_text}{unit}{what},逐项明确牵头单位、配合单位和完成时限。",
        f"{secretary}强调,{zone}是改革开放的重要平台,做好今年各项工作意义重大。"
        f"一{directives[0]}。二{directives[1]}。三{directives[2]}。",
        f"会议要求,{addressee}要抓紧制定任务清单,于{month}月底前报送。",
        f"副市长{deputy}通报了第{index % 4 + 1}季度重点工作进展情况。",
        f"市领导{'、'.join(others)},市直有关单位主要负责同志参加会议。",
    ]
    title = f"{meeting}召开 部署推进{zone}建设"
    return Readout(city, title, "\n".join(lines), f"{year}-{month:02d}-{day + 1:02d}")


def _html(r: Readout, body: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>\n" for line in body.split("\n"))
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{r.title}</title>
<script>var _hmt = _hmt || [];</script><style>.nav{{color:red}}</style></head>
<body><div class="nav">当前位置: 首页 &gt; 要闻动态 &gt; 工作动态</div>
<h1>{r.title}</h1>
<div class="info">发布日期:{r.published} 来源:{r.city}市人民政府办公厅</div>
<div class="tools">【字号: 大 中 小】 分享到:</div>
<div class="content">{paragraphs}<p>banner_{r.published}.jpg</p></div>
<div class="foot">扫一扫在手机打开当前页<br>上一篇: 全市安全生产工作会议召开<br>下一篇: 市政府召开常务会议</div>
</body></html>
"""


def _gloss(text: str) -> str:
    glosses = {"網": "網(wǎng)", "區": "區(qū)", "發": "發(fā)", "務": "務(wù)", "現": "現(xiàn)"}
    return "".join(glosses.get(ch, ch) for ch in text)


def write_corpus(folder: Path, seed: int = 20261121) -> int:
    """Write the demo corpus into ``folder``; returns the number of files written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    readouts = [readout(rng, i) for i in range(34)]
    n = 0

    def put(name: str, data: bytes | str, encoding: str = "utf-8") -> None:
        nonlocal n
        raw = data if isinstance(data, bytes) else data.encode(encoding)
        (folder / name).write_bytes(raw)
        n += 1

    for i, r in enumerate(readouts[:12]):
        put(f"readout-{i:02d}.txt", f"{r.title}\n\n{r.body}\n")
    for i, r in enumerate(readouts[12:20], 12):
        trad = to_traditional(f"{r.title}\n\n{r.body}\n")
        put(f"readout-{i:02d}-traditional.txt", trad)
    for i, r in enumerate(readouts[20:25], 20):
        body = to_traditional(r.body) if i % 2 else r.body
        put(f"page-{i:02d}.html", _html(r, body))
    r = readouts[25]
    put("readout-25-gbk.txt", f"{r.title}\n\n{r.body}\n", "gbk")
    r = readouts[26]
    # Big5 lacks a few of OpenCC's preferred forms; use the Taiwan standard ones.
    big5_text = to_traditional(f"{r.title}\n\n{r.body}\n").replace("啓", "啟").replace("綫", "線")
    put("readout-26-big5.txt", big5_text, "big5")
    r = readouts[27]
    put("readout-27-glossed.txt", _gloss(to_traditional(f"深圳新聞網{r.body}\n")))
    r = readouts[28]
    put(
        "readout-28.md",
        f"---\ntitle: {r.title}\ndate: {r.published}\nsource: {r.city}日报\n---\n\n{r.body}\n",
    )
    records = [
        {"title": x.title, "content": x.body, "date": x.published, "url": f"https://example.gov.cn/{k}.html"}
        for k, x in enumerate(readouts[29:33])
    ]
    lines = [json.dumps(rec, ensure_ascii=False) for rec in records]
    lines.insert(2, '{"title": "截断的记录", "content": "会议强调')  # a malformed line, on purpose
    put("feed.jsonl", "\n".join(lines) + "\n")
    r = readouts[33]
    put("readout-33-utf16.txt", f"{r.title}\n\n{r.body}\n", "utf-16")
    # Bad inputs on purpose: the demo shows each rejected with its reason.
    put("empty.txt", b"")
    put("scan.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    return n


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("corpus")
    print(f"{write_corpus(target)} files written to {target}")
