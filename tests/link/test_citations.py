"""Cited titles: one key however a title is written, short forms introduced by a text resolved in
that text and — when exactly one full title has them — in others, editions grouped into works."""

import pytest
from citation_set import build, judge

from luoshi.extract.citations import find_citations
from luoshi.link.citations import (
    Resolver,
    bare_key,
    document_citations,
    is_generic,
    score_pairs,
    title_key,
    work_key,
)
from luoshi.text import to_simplified, to_traditional

FULL = "全面深化前海深港现代服务业合作区改革开放方案"


@pytest.mark.parametrize(
    "written",
    [
        f"《{FULL}》",
        f"〈{FULL}〉",
        f"「{FULL}」",
        f"『{FULL}』",
        f"“{FULL}”",
        "全面深化前海深港现代服务业合作区 改革开放方案",
        "全面深化前海深港现代服务业合作区\u3000改革开放方案",
        to_traditional(FULL),
        f"〈{to_traditional(FULL)}〉",
    ],
)
def test_one_key_however_a_title_is_written(written):
    assert title_key(written) == FULL


def test_widths_dashes_years_variants_and_issuers_fold():
    base = "深圳建设中国特色社会主义先行示范区综合改革试点实施方案(2020-2025年)"
    for written in (
        "深圳建设中国特色社会主义先行示范区综合改革试点实施方案（2020—2025年）",
        "深圳建设中国特色社会主义先行示范区综合改革试点实施方案（2020年至2025年）",
        "深圳建设中国特色社会主义先行示范区综合改革试点实施方案（２０２０－２０２５年）",
        "深圳建設中國特色社會主義先行示範區綜合改革試點實施方案(2020~2025年)",
    ):
        assert title_key(written) == base, written
    assert title_key("二〇二五年前海合作区工作要点") == title_key("2025年前海合作区工作要点")
    assert title_key("中共中央、国务院关于X的意见") == title_key("中共中央 国务院关于X的意见")
    assert title_key("衞生健康事業發展規劃") == title_key("卫生健康事业发展规划")  # a Hong Kong variant
    assert title_key("粤港澳大湾区CEPA实施细则") == title_key("粤港澳大湾区ｃｅｐａ实施细则")
    # The edition is part of which document is meant …
    assert title_key("X办法(试行)") != title_key("X办法")
    assert title_key("Y规划(2020-2035年)") != title_key("Y规划")


def test_editions_share_a_work_and_other_titles_do_not():
    same = [
        ("深圳建设先行示范区综合改革试点实施方案(2020-2025年)", "深圳建设先行示范区综合改革试点实施方案"),
        ("关于进一步优化营商环境的若干措施(试行)", "关于进一步优化营商环境的若干措施"),
        ("2024年前海合作区工作要点", "2025年前海合作区工作要点"),
        ("佛山市2025年度延续纳入市级统筹项目清单", "佛山市2026年度延续纳入市级统筹项目清单"),
        ("深圳经济特区优化营商环境条例(2024年修订)", "深圳经济特区优化营商环境条例"),
        ("横琴粤澳深度合作区鼓励类产业目录(2023年版)", "横琴粤澳深度合作区鼓励类产业目录"),
        (
            "某市国民经济和社会发展第十四个五年规划和2035年远景目标纲要",
            "某市国民经济和社会发展第十五个五年规划和2040年远景目标纲要",
        ),
    ]
    for a, b in same:
        assert work_key(title_key(a)) == work_key(title_key(b)), (a, b)
    different = [
        ("前海深港现代服务业合作区总体发展规划", "前海深港现代服务业合作区发展规划"),
        ("中国(广东)自由贸易试验区总体方案", "进一步深化中国(广东)自由贸易试验区改革开放方案"),
        ("佛山市2025年度拟退出市级统筹项目清单", "佛山市2025年度延续纳入市级统筹项目清单"),
        ("中国(广东)自由贸易试验区总体方案", "中国(福建)自由贸易试验区总体方案"),
    ]
    for a, b in different:
        assert work_key(title_key(a)) != work_key(title_key(b)), (a, b)


def test_generic_short_forms_and_issuers():
    for generic in ("方案", "总体方案", "实施意见", "三年行动计划", "规划纲要", "若干措施"):
        assert is_generic(generic), generic
    for distinctive in ("前海方案", "南沙方案", "横琴总体方案", "河套规划", "营商环境条例"):
        assert not is_generic(distinctive), distinctive
    assert bare_key("中共中央国务院关于支持深圳建设先行示范区的意见") == "关于支持深圳建设先行示范区的意见"
    assert bare_key("中共广州市委广州市人民政府关于落实X的若干意见") == "关于落实X的若干意见"
    assert bare_key("关于修改前海合作区条例的决定") is None


def _citations(text):
    s = to_simplified(text)
    return s, document_citations(s, [(d.title, d.span.start, d.span.end) for d in find_citations(s)])


READOUT = (
    "2025年3月10日讯 3月9日，前海合作区党工委召开会议，深入学习贯彻《全面深化前海深港现代服务业合作区改革开放方案》"
    "（以下简称《前海方案》）。会议指出，前海方案实施三年来成效明显。要以“前海方案”为牵引，抓好《前海方案》落实。\n"
    "会议还研究了《横琴总体方案》和“南沙方案”的有关工作。"
)


@pytest.mark.parametrize("script", ["simplified", "traditional"])
def test_a_short_form_is_the_full_title_everywhere_in_its_document(script):
    text = READOUT if script == "simplified" else to_traditional(READOUT)
    s, found = _citations(text)
    assert [(f.short, f.full) for f in found.short_forms] == [("前海方案", FULL)]
    qianhai = [m for m in found.mentions if m.key == FULL]
    # the definition's sentence, the plain mention, the quoted and the bracketed one (one per sentence)
    assert [m.form for m in qianhai] == ["cited", "short", "short"]
    assert [s[m.sentence[0] : m.sentence[1]][:4] for m in qianhai] == ["2025", "会议指出", "要以“前"]
    for m in qianhai:
        assert to_simplified(text[m.start : m.end]).strip("《》“”") in (FULL, "前海方案")
        assert m.sentence[0] <= m.start < m.end <= m.sentence[1]
    others = {m.key: m.form for m in found.mentions if m.key != FULL}
    assert others == {"横琴总体方案": "cited", "南沙方案": "quoted"}
    assert found.keys() == [FULL, "横琴总体方案"]  # a quoted phrase is not a citation by itself


def test_titles_introduced_without_brackets():
    for text in (
        "中共中央、国务院印发全面深化前海深港现代服务业合作区改革开放方案（简称“前海方案”），会议要求抓好落实。",
        "國務院印發了全面深化前海深港現代服務業合作區改革開放方案(以下简称前海方案)。",
        "会议学习贯彻全面深化前海深港现代服务业合作区改革开放方案（下称《前海方案》）。",
    ):
        s, found = _citations(text)
        assert [(f.short, f.full) for f in found.short_forms] == [("前海方案", FULL)], text
        full = next(m for m in found.mentions if m.form == "full")
        assert s[full.start : full.end] == FULL
    # A body's short name is no document.
    assert not _citations("深圳市前海深港现代服务业合作区管理局（以下简称前海管理局）召开会议。")[
        1
    ].short_forms


def test_a_generic_short_form_counts_in_its_document_only():
    _, found = _citations(
        "会议学习《横琴粤澳深度合作区建设总体方案》（以下简称《总体方案》），要求落实《总体方案》。"
    )
    assert {m.key for m in found.mentions} == {"横琴粤澳深度合作区建设总体方案"}
    r = Resolver([(f.short, f.full) for f in found.short_forms])
    assert r.title("总体方案") == "总体方案"  # seen alone in another document: not this title


def test_across_documents_a_short_form_maps_only_when_one_title_has_it():
    r = Resolver(
        [
            ("前海方案", FULL),
            ("前海方案", FULL),
            ("合作区方案", FULL),
            ("合作区方案", "横琴粤澳深度合作区建设总体方案"),
        ]
    )
    assert r.title("前海方案") == FULL
    assert r.is_alias("前海方案") and not r.ambiguous("前海方案")
    assert r.title("合作区方案") == "合作区方案" and r.ambiguous("合作区方案")  # two titles: kept apart
    assert r.title("南沙方案") == "南沙方案"  # nobody introduced it
    assert r.aliases_of(FULL) == ["前海方案"]
    # A title without its issuer stands for the one title that has it …
    issued = "中共中央国务院关于支持深圳建设先行示范区的意见"
    r = Resolver([], [issued, "关于修改前海合作区条例的决定"])
    assert r.title("关于支持深圳建设先行示范区的意见") == issued
    # … and for none when two bodies issued titles of the same words.
    r = Resolver([], ["中共广州市委关于落实X的实施意见", "中共深圳市委关于落实X的实施意见"])
    assert r.title("关于落实X的实施意见") == "关于落实X的实施意见"
    # Short forms resolve through a title that is itself known without its issuer.
    r = Resolver([("先行示范区意见", "关于支持深圳建设先行示范区的意见")], [issued])
    assert r.title("先行示范区意见") == issued
    assert r.work("先行示范区意见") == work_key(issued)


def test_the_labelled_set_is_as_large_as_promised():
    corpus, pairs = build()
    same = [p for p in pairs if p[2]]
    assert len(pairs) >= 100 and len(same) >= 100 and len(pairs) - len(same) >= 100
    assert any(to_simplified(t) != t for t in corpus)  # both scripts
    assert any(to_simplified(a) != a for a, _, _ in pairs)


def test_pair_precision_and_recall_on_the_labelled_set():
    score = score_pairs(judge())
    print(
        f"citation pairs: precision {score.precision:.4f} recall {score.recall:.4f} "
        f"({score.true_positives + score.false_negatives} same / "
        f"{score.false_positives + score.true_negatives} different)"
    )
    assert score.precision >= 0.98
    assert score.recall >= 0.95


def test_pair_scores_count_what_they_say():
    score = score_pairs([(True, True), (True, False), (False, True), (False, False), (True, True)])
    assert (score.true_positives, score.false_positives, score.false_negatives, score.true_negatives) == (
        2,
        1,
        1,
        1,
    )
    assert score.precision == 2 / 3 and score.recall == 2 / 3
