"""The labelled reprint set: readouts of our demo generator (fictional officials), each
republished the way portals and other government sites do it — another headline, page
furniture (当前位置 / 来源 / 字号 / 扫一扫 / 责任编辑 lines), a 60% excerpt, a sentence changed,
dropped or added, traditional script — beside readouts that are not reprints, among them
different meetings of the same series (the same template with other names, dates and tasks).

``build()`` gives the texts and their story labels; the texts go through luoshi's real ingest
(cleaning, folding) like any scraped page."""

from __future__ import annotations

import random
from dataclasses import dataclass
from itertools import combinations

from luoshi.demo.generate import GIVEN, SURNAMES, Readout, readout
from luoshi.text.fold import to_traditional

SITES = [
    ("{city}市人民政府", "https://www.{host}.gov.cn/xxgk/{n}.html"),
    ("{city}日报", "https://epaper.{host}daily.com.cn/{n}.html"),
    ("{city}新闻网", "https://news.{host}news.cn/{n}.shtml"),
    ("搜狐新闻", "https://www.sohu.com/a/{n}"),
    ("网易新闻", "https://www.163.com/dy/article/{n}.html"),
    ("{city}发布", "https://mp.weixin.qq.com/s/{n}"),
]
HOSTS = {"深圳": "sz", "广州": "gz", "珠海": "zhuhai", "天津": "tj", "东莞": "dg", "佛山": "foshan"}
BREADCRUMBS = [
    "当前位置：首页 > 新闻中心 > 本地要闻",
    "您的位置：首页 > 政务公开 > 工作动态",
    "首页 > 要闻 > 时政",
    "当前位置: 首页 >> 新闻 >> 滚动",
]
TAILS = [
    "扫一扫在手机打开当前页",
    "【打印】【关闭】",
    "分享到：微信 微博 QQ空间",
    "上一篇：全市春季植树活动启动",
]
LEADS = ["记者从市政府获悉，", "据{city}发布消息，", "本报讯 "]


@dataclass
class Copy:
    story: int  # label: copies of one readout share it
    text: str
    url: str
    site: str
    kind: str  # original | furniture | excerpt | edited | traditional | other


def _editor(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _headline(r: Readout, rng: random.Random) -> str:
    city, rest = r.title.split("市", 1) if "市" in r.title else (r.city, r.title)
    return rng.choice(
        [
            f"{r.title}",
            f"【要闻】{r.title}",
            f"{city}：{rest.replace('召开 ', '')}",
            f"{r.city}部署推进重点工作",
            f"定了！{r.city}这项工作明确时间表",
        ]
    )


def _furnish(r: Readout, body: str, rng: random.Random, day_shift: int) -> str:
    """A scraped page as text: breadcrumb, headline, source and date line, 字号, the body, the
    editor and the tools at the foot (some lines in an order of the site's own)."""
    site = rng.choice(SITES)[0].format(city=r.city)
    head = [rng.choice(BREADCRUMBS), _headline(r, rng)]
    stamp = f"{r.published[:-2]}{int(r.published[-2:]) + day_shift:02d} {rng.randint(7, 22):02d}:{rng.randint(0, 59):02d}"
    head.append(rng.choice([f"来源：{site}　　发布时间：{stamp}", f"发布日期：{stamp}  来源：{site}"]))
    if rng.random() < 0.6:
        head.append("【字号：大 中 小】")
    foot = [f"责任编辑：{_editor(rng)}", *rng.sample(TAILS, rng.randint(1, 3))]
    if rng.random() < 0.3:
        foot.insert(0, f"（原标题：{r.title}）")
    return "\n".join([*head, "", body, "", *foot])


def _sentences(body: str) -> list[str]:
    out: list[str] = []
    for line in body.split("\n"):
        parts = [p + "。" for p in line.split("。") if p]
        parts[-1] += "\n"
        out.extend(parts)
    return out


def _excerpt(body: str, share: float) -> str:
    """The first sentences up to ``share`` of the text (portals keep the lead paragraphs)."""
    out, size = [], 0
    for s in _sentences(body):
        if size >= share * len(body):
            break
        out.append(s)
        size += len(s)
    return "".join(out).strip()


def _edit(r: Readout, body: str, rng: random.Random) -> str:
    """One or two sentences changed: one dropped, replaced or reworded, or a lead added."""
    parts = _sentences(body)
    for _ in range(rng.randint(1, 2)):
        k = rng.randrange(1, len(parts))
        how = rng.choice(["drop", "replace", "reword"])
        if how == "drop" and len(parts) > 6:
            end = "\n" if parts[k].endswith("\n") else ""
            parts[k] = end
        elif how == "replace":
            parts[k] = f"会议指出，要以钉钉子精神抓好{r.city}各项任务落实。" + (
                "\n" if parts[k].endswith("\n") else ""
            )
        else:
            parts[k] = parts[k].replace("会议", "本次会议", 1).replace("要", "务必", 1)
    return rng.choice(LEADS).format(city=r.city) + "".join(parts).strip()


def _url(r: Readout, rng: random.Random) -> tuple[str, str]:
    site, url = rng.choice(SITES)
    return site.format(city=r.city), url.format(host=HOSTS[r.city], n=rng.randint(10**6, 10**7))


def build(stories: int = 90, singles: int = 120, seed: int = 1206) -> list[Copy]:
    """``stories`` readouts with 3 or 4 copies each and ``singles`` readouts with none."""
    rng = random.Random(seed)
    gen = random.Random(seed + 1)
    out: list[Copy] = []
    for s in range(stories + singles):
        r = readout(gen, s)
        body = f"{r.title}\n{r.body}"
        site, url = _url(r, rng)
        out.append(Copy(s, body, url, site, "original" if s < stories else "other"))
        if s >= stories:
            continue
        kinds = ["furniture", "excerpt", "edited", "traditional"]
        for kind in rng.sample(kinds, rng.choice((3, 3, 4))):
            if kind == "furniture":
                text = _furnish(r, r.body, rng, 1)
            elif kind == "excerpt":
                text = _furnish(r, _excerpt(r.body, rng.uniform(0.58, 0.65)), rng, 1)
            elif kind == "edited":
                text = _furnish(r, _edit(r, r.body, rng), rng, 2)
            else:
                text = to_traditional(_furnish(r, r.body, rng, 0))
            site, url = _url(r, rng)
            out.append(Copy(s, text, url, site, kind))
    rng.shuffle(out)
    return out


def pairs(copies: list[Copy]) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """(reprint pairs, other pairs) as index pairs into ``copies``."""
    same: set[tuple[int, int]] = set()
    other: set[tuple[int, int]] = set()
    for i, j in combinations(range(len(copies)), 2):
        (same if copies[i].story == copies[j].story else other).add((i, j))
    return same, other
