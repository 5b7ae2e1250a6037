"""The patterns rewritten for speed find exactly what their plain forms find, and what extraction
remembers between documents does not change what it finds in one.

Each plain form below is the pattern as it was first written (and as a reader would write it);
the module's pattern is the same language arranged so that the regex engine can skip ahead."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract import addressees, appointments, dates, deadlines, extract, names
from luoshi.extract.deadlines import limit_matches
from luoshi.ingest import document_from_text, read_paths
from luoshi.model import Document

HELDOUT = Path(__file__).parent / "heldout_like" / "docs"


def _texts() -> list[str]:
    return [d.simplified for d in read_paths([HELDOUT]) if isinstance(d, Document)]


_LIMIT_TEXT = st.text(
    alphabet="0123456789一二三四十今明次当本上下半年月日季度底末中内前之第首尽快早如期限时长坚持确保力争取计划务必须要在于需每按个完成建节会开学国庆汛已，。",
    max_size=60,
)


def _plain_limits(s: str) -> list[tuple[str, int, int, int]]:
    return [(m.lastgroup or "", m.start(), *m.span(m.lastgroup or "")) for m in deadlines._LIMITS.finditer(s)]


@settings(max_examples=500)
@given(_LIMIT_TEXT)
def test_limit_scan_matches_the_plain_pattern(s):
    assert limit_matches(s) == _plain_limits(s)


LIMIT_EXAMPLES = (
    "确保首一季末前完成",
    "首季度末前",
    "第一季度末前",
    "力争第季度末完成",
    "确保首季度结束前",
    "2025年底前",
    "三季度末前建成",
    "4季度前",
    "12月底前",
    "明年6月前投用",
    "今年年内",
    "提出年内完成",
    "尽快",
    "尽早落实",
    "早日建成",
    "如期完成",
    "每个季度",
    "按月",
    "长期坚持",
    "限期完成",
    "限时完成",
    "限于本月底",
    "5月31日前",
    "2025年3月31日前完成",
    "2017年东博会前",
    "要在本月底前",
    "需在年底前",
    "务必于当月底",
    "计划于次年",
    "争取上半年完成",
    "必须在2026年前",
    "下半年开工",
)


def test_limit_scan_matches_the_plain_pattern_on_each_kind_of_limit():
    for example in LIMIT_EXAMPLES:
        assert _plain_limits(example), example  # each is a limit
        for s in (example, "，" + example + "。", "2024" + example):
            for k in range(len(s)):  # every start: a limit may begin at any of its characters
                assert limit_matches(s[k:]) == _plain_limits(s[k:]), s[k:]


def test_limit_scan_matches_the_plain_pattern_on_readouts():
    texts = _texts()
    assert sum(len(limit_matches(s)) for s in texts) > 50  # the texts do hold limits
    for s in texts:
        assert limit_matches(s) == _plain_limits(s)


PLAIN = {
    "attends": (
        names._ATTENDS,
        re.compile(
            r"(?:等)?(?:同志)?(?:出席|列席|参加|陪同|在主席台就座|(?:分别|先后|共同)(?:讲话|发言|致辞|作报告|主持|签署|见证))"
        ),
    ),
    "list_qualifier": (
        names._LIST_QUALIFIER,
        re.compile(
            r"(?:领导同志|负责同志|负责人|(?:出席|参加|列席|陪同)[\u4e00-\u9fff]{0,6}?的(?:还|领导|同志)?有|还有|嘉宾|领导|委员|代表)"
            r"[：:]?(?=[\u4e00-\u9fff])"
        ),
    ),
    "asks": (
        addressees._ASKS,
        re.compile(r"(?<![话示署作本体新高格关的照据于合足达到符])(?:要求|号召|责成|督促|鼓励)[，,：:]?"),
    ),
    "year": (
        dates._YEAR,
        re.compile(r"(?<![\d\-—－~～至到])((?:19|20)\d{2})(?:年(?!度)|(?=[“\"]))(?!\s*[\-—－~～至到])"),
    ),
    "season": (
        dates._SEASON,
        re.compile(r"(?<!\d)((?:19|20)\d{2})\s*[\-—－~～至到]\s*((?:19|20)\d{2})年(?!度)"),
    ),
}
_PLAIN_SUBJECT = re.compile(
    r"(?:同志)?(被任命为|被提名为|不再担任|当选为|调任|接任|兼任|出任|担任|当选|辞去|任)(?=[\u4e00-\u9fff])"
)
_WORDS_TEXT = st.text(
    alphabet="同志等出席列席参加陪同在主席台就座分别讲话负责人的还有领导要求号召话鼓励，被任命为不再担当选调辞去王伟19202-年度至“",
    max_size=40,
)


def _spans(pattern: re.Pattern[str], s: str) -> list[tuple[tuple[int, int], tuple[str | None, ...]]]:
    return [(m.span(), m.groups()) for m in pattern.finditer(s)]


@settings(max_examples=500)
@given(_WORDS_TEXT)
def test_literal_led_patterns_match_their_plain_forms(s):
    for fast, plain in PLAIN.values():
        assert _spans(fast, s) == _spans(plain, s)
    assert [(m.span(), m.group(1) or m.group()) for m in appointments._SUBJECT.finditer(s)] == [
        (m.span(), m.group(1)) for m in _PLAIN_SUBJECT.finditer(s)
    ]


def test_literal_led_patterns_match_their_plain_forms_on_readouts():
    for s in _texts():
        for fast, plain in PLAIN.values():
            assert _spans(fast, s) == _spans(plain, s)


_SEGMENT = st.text(alphabet="认真落实会见了陪同向由经据对的有外济面自依市委书记长、\n是0", max_size=24)


@settings(max_examples=500)
@given(_SEGMENT)
def test_lead_noise_search_ends_where_the_lazy_match_does(s):
    lazy = names._LEAD_NOISE.match(s)
    fast = names._LEAD_NOISE.match(s) if "\n" in s else names._LEAD_NOISE_SEARCH.search(s)
    assert (lazy and lazy.end()) == (fast and fast.end())


def _alone(text: str) -> dict[str, object]:
    """The facts of ``text`` from a fresh interpreter: nothing remembered from another document."""
    code = (
        "import json, sys\n"
        "from luoshi.extract import extract\n"
        "from luoshi.ingest import document_from_text\n"
        "print(json.dumps(extract(document_from_text(sys.stdin.read(), 'doc')).to_json()))"
    )
    src = str(Path(extract.__code__.co_filename).parents[2])
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": src},
    )
    facts: dict[str, object] = json.loads(done.stdout)
    return facts


# Two readouts laid out alike, with other days, posts and people: what one remembered (a limit
# read against its day, the post before a position, the bodies of a subject) would be wrong for
# the other.
ONE = (
    "2025年5月6日，市委书记周明远主持召开市委常委会会议。会议强调，各区各部门要在月底前完成整改，"
    "市发展改革委要牵头制定任务清单。市领导陈思远、黄立新出席。"
)
OTHER = (
    "2025年8月3日，区委书记林海涛主持召开区委常委会会议。会议强调，各街道各部门要在月底前完成整改，"
    "区发展改革局要牵头制定任务清单。区领导周明远、黄立新出席。"
)


def test_documents_in_turn_give_the_facts_they_give_alone():
    alone = [_alone(ONE), _alone(OTHER)]
    docs = [document_from_text(ONE, "doc"), document_from_text(OTHER, "doc")]
    for _ in range(2):
        for doc, expected in zip(reversed(docs), reversed(alone), strict=True):
            assert extract(doc).to_json() == expected
        for doc, expected in zip(docs, alone, strict=True):
            assert extract(doc).to_json() == expected
