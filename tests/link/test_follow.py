"""Follow-through, the algorithm: alignment, boilerplate discount, what counts as the same work,
and the labels (luoshi.link.follow; no store)."""

from __future__ import annotations

import pytest

from luoshi.link import follow as F
from luoshi.text.fold import to_simplified, to_traditional

SOURCE_TITLE = "临江市委常委会召开会议 研究部署滨江新区建设重点工作"
DIRECTIVE = "要加快推进滨江国际人才港建设，确保2024年10月底前投入使用。"
BOILERPLATE = "要压实各方责任，一级抓一级、层层抓落实，确保各项任务落地见效。"
FILLER = [
    "{place}召开会议，研究部署安全生产工作。会议强调，各部门要压实各方责任，一级抓一级、层层抓落实，确保各项任务落地见效。"
    "要加快推进重点项目建设，确保年底前完成。",
    "{place}召开专题会议，听取防汛工作汇报。会议要求，要压实各方责任，一级抓一级、层层抓落实，确保各项任务落地见效。"
    "要加快推进水利工程建设，确保汛期前投入使用。",
    "{place}召开常务会议，研究统计工作。会议指出，今年以来各项工作有序推进，一批项目建成投入使用，项目建设正在加快推进。",
]
PLACES = ["南屿市", "金溪市", "石门市", "宁川市", "白沙市", "云岭市", "东湖市", "青川市", "海澄市", "江海省"]


def stats_of(*texts: str) -> F.PhraseStats:
    """Statistics of a small archive: the texts given and forty readouts of other places, most
    of them in the genre's set phrases."""
    archive = [to_simplified(t) for t in texts]
    archive += [FILLER[k % 3].format(place=PLACES[k % len(PLACES)]) + f"第{k}号" for k in range(40)]
    n, counts = F.phrase_counts(archive)
    return F.PhraseStats(n, counts)


def target(
    text: str = DIRECTIVE, key: int = 1, day: str = "2024-03-05", title: str = SOURCE_TITLE
) -> F.Target:
    s = to_simplified(text)
    return F.Target(key, s, day, group=7, scope=F.scope_names(title), places=F.scope_names(title + s))


def later(text: str, key: int = 100, day: str | None = "2024-10-28", title: str | None = None) -> F.Candidate:
    return F.Candidate(key, day, to_simplified(title) if title else None, to_simplified(text))


def test_a_later_report_of_the_work_is_a_mention_with_its_label_and_span():
    report = "10月28日，滨江国际人才港正式启用，首批32家机构入驻。据介绍，人才港提供一站式服务。"
    (m,) = F.follow([target()], [later(report)], stats_of(DIRECTIVE, report))
    assert (m.target, m.document, m.label) == (1, 100, "完成")
    assert report[m.span[0] : m.span[1]] == "10月28日，滨江国际人才港正式启用，首批32家机构入驻。"
    assert any(report[a:b] == "滨江国际人才港" for a, b in m.aligned)


def test_only_documents_dated_after_the_directive_count():
    report = "滨江国际人才港正式启用，首批32家机构入驻。"
    stats = stats_of(DIRECTIVE, report)
    for day in ("2023-11-20", "2024-03-05", None):
        assert F.follow([target()], [later(report, day=day)], stats) == []


def test_boilerplate_shared_by_many_documents_is_no_evidence():
    repeated = "临江市召开会议。会议要求，要压实各方责任，一级抓一级、层层抓落实，确保各项任务落地见效。"
    stats = stats_of(BOILERPLATE, repeated)
    assert stats.is_boilerplate("一级抓一") and stats.is_boilerplate("落地见效")
    assert F.weigh(BOILERPLATE, stats).total == 0
    assert F.follow([target(BOILERPLATE)], [later(repeated)], stats) == []
    # The same words in a small store (below BOILERPLATE_MIN_DOCUMENTS documents) are evidence.
    few = F.PhraseStats(*F.phrase_counts([BOILERPLATE, repeated, "其他文件。"]))
    assert not few.is_boilerplate("一级抓一")
    assert F.follow([target(BOILERPLATE)], [later(repeated)], few)


@pytest.mark.parametrize(
    ("report", "label"),
    [
        ("滨江国际人才港主体结构已完成85%，幕墙工程同步施工。", "进展"),
        ("滨江国际人才港正在加快建设，目前已完成地下室施工。", "进展"),
        ("滨江国际人才港于10月28日正式投入使用。", "完成"),
        ("受管线迁改影响，滨江国际人才港投入使用时间调整至12月底。", "调整"),
        ("会议强调，要继续加快推进滨江国际人才港建设，确保如期投入使用。", "重申"),
        ("會議強調，要繼續加快推進濱江國際人才港建設，確保如期投入使用。", "重申"),
        ("滨江國際人才港於10月28日正式投入使用。", "完成"),
    ],
)
def test_labels(report, label):
    (m,) = F.follow([target()], [later(report)], stats_of(DIRECTIVE, report))
    assert m.label == label, m


def test_counts_against_the_directive_target():
    directive = "要推进20项制度创新成果复制推广，形成一批可复制可推广的经验。"
    stats = stats_of(directive)
    part = "20项制度创新成果已完成复制推广11项，其余正在推进。"
    done = "20项制度创新成果全部完成复制推广，其中5项入选全省最佳实践案例。"
    found = F.follow([target(directive, title="")], [later(part, 1), later(done, 2)], stats)
    got = {m.document: m.label for m in found}
    assert got == {1: "进展", 2: "完成"}


def test_another_phase_or_another_count_of_the_same_thing_is_not_the_directive():
    directive = "要抓紧启动江北污水处理厂三期扩建工程，年内完成主体工程建设。"
    same = "江北污水处理厂三期扩建工程主体工程完工。"
    other = "江北污水处理厂二期扩建工程主体工程完工。"
    stats = stats_of(directive, same, other)
    found = F.follow([target(directive, title="")], [later(same, 1), later(other, 2)], stats)
    assert [m.document for m in found] == [1]
    batch = "要实施96项重点民生实事，确保年底前全部完成。"
    stats = stats_of(batch)
    found = F.follow(
        [target(batch, title="江海省政府召开常务会议")],
        [later("江海省96项重点民生实事全部完成。", 1), later("江海省30项重点民生实事全部完成。", 2)],
        stats,
    )
    assert [m.document for m in found] == [1]


def test_the_same_work_in_another_place_is_not_a_follow_up():
    directive = "要开展涉企违规收费专项整治，8月底前完成自查自纠。"
    stats = stats_of(directive)
    home = later("东湖市涉企违规收费专项整治自查自纠工作全面完成。", 1, title="东湖市专项整治完成")
    away = later(
        "会议要求，要开展涉企违规收费专项整治，8月底前完成自查自纠。", 2, title="金溪市召开营商环境推进会"
    )
    found = F.follow([target(directive, title="东湖市召开优化营商环境专题会议")], [home, away], stats)
    assert [m.document for m in found] == [1]
    # A directive that names its place needs a document that names it.
    assert F.follow([target()], [later("南屿国际人才港正式启用，首批机构入驻。")], stats_of(DIRECTIVE)) == []


def test_a_sentence_is_evidence_for_the_best_matching_directive_of_its_document_only():
    first = F.Target(1, "要加快青川港铁联运物流枢纽建设，年内开通首条海铁联运班列。", "2024-07-03", group=5)
    second = F.Target(2, "要加快青川港铁联运物流枢纽二号仓库建设。", "2024-07-03", group=5)
    report = later("青川港铁联运物流枢纽首条海铁联运班列正式开通。", day="2024-10-16")
    found = F.follow([first, second], [report], stats_of(first.text, second.text, report.text))
    assert [(m.target, m.label) for m in found] == [(1, "完成")]


def test_a_part_said_in_another_order_is_aligned():
    directive = "市商务局要牵头推进跨境电商综合试验区建设，年底前引进跨境电商企业100家以上。"
    stats = stats_of(directive)
    weights = F.weigh(directive, stats, "市商务局")
    window = "会议强调，要继续加大力度，确保完成引进100家跨境电商企业的目标。"
    found = F.align(weights, window)
    # "100家" comes after "跨境电商企业" in the directive and before it in the window: only the
    # second pass, over what the first left unmatched, can align both.
    matched = {directive[a : a + n] for a, _, n, _ in found.runs}
    assert {"跨境电商企业", "100家"} <= matched


def test_scope_names_come_from_administrative_heads():
    assert F.scope_names("临江市委常委会召开会议 研究部署滨江新区建设重点工作") == {"临江", "滨江"}
    assert F.scope_names("要加快省级救灾物资储备库建设，推进跨境电商综合试验区建设") == frozenset()
    traditional = to_traditional("东湖港区管理委员会召开会议")
    assert traditional != "东湖港区管理委员会召开会议"
    assert F.scope_names(to_simplified(traditional)) == frozenset({"东湖"})


def test_query_phrases_skip_boilerplate_and_digits():
    stats = stats_of(DIRECTIVE)
    phrases = F.query_phrases(DIRECTIVE, stats)
    assert phrases and all(not any(c.isdigit() for c in p) and len(p) == 4 for p in phrases)
    assert F.query_phrases(BOILERPLATE, stats_of(BOILERPLATE)) == []
    assert F.batch_queries("要实施96项重点民生实事") == [["96项", "重点"]]
