"""The labelled set of citation pairs (same work / different work), written by us.

``WORKS`` are works, each with the ways it is cited in our readouts: brackets 《》〈〉「」, full-width
and half-width forms, spaces, traditional script, dashes and year ranges written differently,
with and without the issuer, the year editions of one work, and short forms that the texts of
``CORPUS`` introduce ("以下简称《前海方案》"). Every pair of citations of one work is labelled
same; ``HARD`` pairs look alike but are different works (a 总体发展规划 and a 发展规划, a 条例
and the 决定 that amends it, a short form that two documents give to two titles, a generic short
form seen alone); every pair of the first citations of two works is labelled different too.

``build()`` gives the corpus texts and the labelled pairs; ``judge()`` runs luoshi's linker over
them (the corpus's short forms, then each pair) and returns (predicted, labelled) per pair."""

from __future__ import annotations

from itertools import combinations

from luoshi.extract.citations import find_citations
from luoshi.link.citations import Resolver, document_citations, title_key
from luoshi.text import to_simplified, to_traditional

# Readouts of our own (fictional bodies' meetings) that introduce short forms.
CORPUS = [
    "2025年3月10日讯 前海合作区党工委召开会议，深入学习贯彻《全面深化前海深港现代服务业合作区改革开放方案》"
    "（以下简称《前海方案》），研究部署年度重点任务。",
    to_traditional(
        "2025年4月2日讯 横琴粤澳深度合作区执委会召开全体会议，学习《横琴粤澳深度合作区建设总体方案》"
        "（以下简称《横琴方案》），听取民生事项进展汇报。"
    ),
    "2022年6月14日讯 国务院印发广州南沙深化面向世界的粤港澳全面合作总体方案（简称“南沙方案”），"
    "南沙区委召开常委会会议传达学习。",
    "2023年2月8日讯 会议审议《横琴粤澳深度合作区建设总体方案》（下称《横琴总体方案》）落实情况。",
    "2024年9月5日讯 市委常委会会议传达学习《中共中央 国务院关于支持深圳建设中国特色社会主义先行示范区的意见》"
    "（以下简称《先行示范区意见》）。",
    "2024年11月20日讯 福田区召开专题会议，研究落实《河套深港科技创新合作区深圳园区发展规划》（以下简称《河套规划》）。",
    "2025年1月6日讯 会议指出，要把《横琴粤澳深度合作区建设总体方案》（以下简称《总体方案》）各项任务落到实处。",
    "2025年1月9日讯 会议要求，对照《广州南沙深化面向世界的粤港澳全面合作总体方案》（以下简称《总体方案》）倒排工期。",
    "2025年5月12日讯 会议学习《全面深化前海深港现代服务业合作区改革开放方案》（以下简称《合作区方案》）。",
    "2025年5月19日讯 会议学习《横琴粤澳深度合作区建设总体方案》（以下简称《合作区方案》）。",
    "2025年7月1日讯 会议学习《粤港澳大湾区发展规划纲要》（以下简称《规划纲要》），部署年度工作。",
    to_traditional(
        "2025年8月3日讯 会议传达《深圳经济特区优化营商环境条例》（以下简称《营商环境条例》）修订要点。"
    ),
]

WORKS: list[list[str]] = [
    [
        "《全面深化前海深港现代服务业合作区改革开放方案》",
        "〈全面深化前海深港現代服務業合作區改革開放方案〉",
        "「全面深化前海深港现代服务业合作区改革开放方案」",
        "《全面深化前海深港现代服务业合作区 改革开放方案》",
        "《前海方案》",
        "“前海方案”",
        "《前海方案》",
    ],
    [
        "《横琴粤澳深度合作区建设总体方案》",
        "《橫琴粵澳深度合作區建設總體方案》",
        "《横琴方案》",
        "《橫琴方案》",
        "《横琴总体方案》",
        "「橫琴粵澳深度合作區建設總體方案」",
    ],
    [
        "《广州南沙深化面向世界的粤港澳全面合作总体方案》",
        "《南沙方案》",
        "“南沙方案”",
        "〈廣州南沙深化面向世界的粵港澳全面合作總體方案〉",
    ],
    # 《大湾区规划纲要》: an abbreviation no text introduces (luoshi cannot know it: three misses).
    [
        "《粤港澳大湾区发展规划纲要》",
        "《粵港澳大灣區發展規劃綱要》",
        "〈粤港澳大湾区发展规划纲要〉",
        "《大湾区规划纲要》",
    ],
    ["《河套深港科技创新合作区深圳园区发展规划》", "《河套规划》", "《河套規劃》"],
    [
        "《中共中央、国务院关于支持深圳建设中国特色社会主义先行示范区的意见》",
        "《中共中央 国务院关于支持深圳建设中国特色社会主义先行示范区的意见》",
        "《中共中央国务院关于支持深圳建设中国特色社会主义先行示范区的意见》",
        "《关于支持深圳建设中国特色社会主义先行示范区的意见》",
        "《先行示范区意见》",
    ],
    [
        "《深圳建设中国特色社会主义先行示范区综合改革试点实施方案（2020—2025年）》",
        "《深圳建设中国特色社会主义先行示范区综合改革试点实施方案(2020-2025年)》",
        "《深圳建设中国特色社会主义先行示范区综合改革试点实施方案（2020年至2025年）》",
        "《深圳建設中國特色社會主義先行示範區綜合改革試點實施方案（2020－2025年）》",
    ],
    [
        "《2024年前海合作区工作要点》",
        "《2025年前海合作区工作要点》",
        "《二〇二五年前海合作区工作要点》",
        "《２０２６年前海合作區工作要點》",
    ],
    [
        "《中新广州知识城总体发展规划（2020—2035年）》",
        "《中新广州知识城总体发展规划(2020-2035年)》",
        "《中新广州知识城总体发展规划》",
    ],
    [
        "《广东省促进粤港澳大湾区内地九市轨道交通发展条例》",
        "《廣東省促進粵港澳大灣區內地九市軌道交通發展條例》",
    ],
    ["《横琴粤澳深度合作区总体发展规划》", "〈橫琴粵澳深度合作區總體發展規劃〉"],
    ["《前海深港现代服务业合作区总体发展规划》", "「前海深港现代服务业合作区总体发展规划」"],
    ["《前海深港现代服务业合作区发展规划》", "《前海深港現代服務業合作區發展規劃》"],
    [
        "《中国（广东）自由贸易试验区总体方案》",
        "《中国(广东)自由贸易试验区总体方案》",
        "《中國（廣東）自由貿易試驗區總體方案》",
    ],
    [
        "《进一步深化中国（广东）自由贸易试验区改革开放方案》",
        "〈进一步深化中国(广东)自由贸易试验区改革开放方案〉",
    ],
    [
        "《中共中央、国务院关于实施自由贸易试验区提升战略的意见》",
        "《关于实施自由贸易试验区提升战略的意见》",
        "《中共中央 國務院關於實施自由貿易試驗區提升戰略的意見》",
    ],
    [
        "《深圳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》",
        "《深圳市国民经济和社会发展第十四个五年规划和2035年远景目标纲要》",
        "《深圳市国民经济和社会发展第十五个五年规划和二〇四〇年远景目标纲要》",
    ],
    ["《佛山市2025年度延续纳入市级统筹项目清单》", "《佛山市2026年度延续纳入市级统筹项目清单》"],
    ["《佛山市2025年度拟退出市级统筹项目清单》", "《佛山市２０２５年度拟退出市级统筹项目清单》"],
    [
        "《关于修改〈前海合作区条例〉的决定》",
        "《关于修改《前海合作区条例》的决定》",
        "《關於修改〈前海合作區條例〉的決定》",
    ],
    ["《前海合作区条例》", "「前海合作區條例」"],
    [
        "《广东省实施〈中华人民共和国妇女权益保障法〉办法》",
        "《广东省实施《中华人民共和国妇女权益保障法》办法》",
    ],
    ["《中华人民共和国妇女权益保障法》", "《中華人民共和國婦女權益保障法》"],
    [
        "《深圳经济特区优化营商环境条例》",
        "《深圳经济特区优化营商环境条例（2024年修订）》",
        "《营商环境条例》",
        "《深圳經濟特區優化營商環境條例》",
    ],
    ["《横琴粤澳深度合作区鼓励类产业目录》", "《横琴粤澳深度合作区鼓励类产业目录（2023年版）》"],
    [
        "《数字政府改革建设“十四五”规划》",
        "《数字政府改革建设十四五规划》",
        "《數字政府改革建設「十四五」規劃》",
    ],
    ["《关于进一步优化营商环境的若干措施（试行）》", "《关于进一步优化营商环境的若干措施》"],
    [
        "《南沙区深化面向世界的粤港澳全面合作三年行动计划（2023—2025年）》",
        "《南沙区深化面向世界的粤港澳全面合作三年行动计划(2023-2025年)》",
    ],
]

# Pairs that look alike but are different works (besides every pair of two works' first citations).
HARD: list[tuple[str, str]] = [
    ("《前海方案》", "《南沙方案》"),
    ("《横琴方案》", "《前海方案》"),
    ("《横琴粤澳深度合作区建设总体方案》", "《横琴粤澳深度合作区总体发展规划》"),
    ("《前海深港现代服务业合作区总体发展规划》", "《前海深港现代服务业合作区发展规划》"),
    ("《中国（广东）自由贸易试验区总体方案》", "《进一步深化中国（广东）自由贸易试验区改革开放方案》"),
    ("《关于修改〈前海合作区条例〉的决定》", "《前海合作区条例》"),
    ("《广东省实施〈中华人民共和国妇女权益保障法〉办法》", "《中华人民共和国妇女权益保障法》"),
    ("《佛山市2025年度延续纳入市级统筹项目清单》", "《佛山市2025年度拟退出市级统筹项目清单》"),
    ("《总体方案》", "《横琴粤澳深度合作区建设总体方案》"),  # generic, and two documents gave it
    ("《总体方案》", "《广州南沙深化面向世界的粤港澳全面合作总体方案》"),
    ("《合作区方案》", "《全面深化前海深港现代服务业合作区改革开放方案》"),  # two documents, two titles
    ("《合作区方案》", "《横琴粤澳深度合作区建设总体方案》"),
    ("《规划纲要》", "《粤港澳大湾区发展规划纲要》"),  # generic: never across documents
    ("《实施方案》", "《深圳建设中国特色社会主义先行示范区综合改革试点实施方案（2020—2025年）》"),
    ("《先行示范区意见》", "《关于实施自由贸易试验区提升战略的意见》"),
    ("《南沙方案》", "《南沙区深化面向世界的粤港澳全面合作三年行动计划（2023—2025年）》"),
    ("《横琴粤澳深度合作区鼓励类产业目录》", "《横琴粤澳深度合作区建设总体方案》"),
    ("《营商环境条例》", "《关于进一步优化营商环境的若干措施》"),
    (
        "《数字政府改革建设“十四五”规划》",
        "《深圳市国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要》",
    ),
    (
        "《中共中央、国务院关于实施自由贸易试验区提升战略的意见》",
        "《中共中央、国务院关于支持深圳建设中国特色社会主义先行示范区的意见》",
    ),
    ("《前海合作区条例》", "《深圳经济特区优化营商环境条例》"),
    ("《广东省促进粤港澳大湾区内地九市轨道交通发展条例》", "《粤港澳大湾区发展规划纲要》"),
]


def build() -> tuple[list[str], list[tuple[str, str, bool]]]:
    """(corpus texts, pairs of citations as written with their label: same work or not)."""
    pairs: list[tuple[str, str, bool]] = []
    for work in WORKS:
        pairs.extend((a, b, True) for a, b in combinations(work, 2))
    pairs.extend((a[0], b[0], False) for a, b in combinations(WORKS, 2))
    pairs.extend((a, b, False) for a, b in HARD)
    return CORPUS, pairs


def resolver(corpus: list[str], citations: list[str]) -> Resolver:
    """What luoshi learns from the corpus (its short forms) and from the citations themselves
    (each is the citation of some document: a title with its issuer is known)."""
    aliases: list[tuple[str, str]] = []
    titles: set[str] = {title_key(c) for c in citations}
    for text in corpus:
        s = to_simplified(text)
        found = document_citations(s, [(d.title, d.span.start, d.span.end) for d in find_citations(s)])
        aliases.extend((f.short, f.full) for f in found.short_forms)
        titles.update(found.keys())
    return Resolver(aliases, titles)


def judge() -> list[tuple[bool, bool]]:
    """(predicted same work, labelled same work) for every labelled pair."""
    corpus, pairs = build()
    r = resolver(corpus, [c for a, b, _ in pairs for c in (a, b)])
    return [(r.work(title_key(a)) == r.work(title_key(b)), same) for a, b, same in pairs]
