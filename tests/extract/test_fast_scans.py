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

from hypothesis import example as with_example
from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract import addressees, appointments, dates, deadlines, directives, extract, names, outcomes
from luoshi.extract.deadlines import limit_matches
from luoshi.extract.gazetteer import surnames
from luoshi.extract.scan import inside_brackets, occurrences, windows
from luoshi.ingest import document_from_text, read_paths
from luoshi.model import Document, Person, Span

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


# Limits as long as their kind allows, where the guards of the scan must reach furthest: a point of
# twelve characters before 之前, one before a verb of completion two characters on, an occasion
# eight characters after its month.
LONGEST_LIMITS = (
    "2025年十二月31日之前",
    "2025年十二月31日内",
    "2025年十二月31日正在完成",
    "2025年第四季度结束之前",
    "2025年第四季度结束全面完成",
    "2025年八个地方一起开的会之前",
    "12月医药文化产业博览会前",
)


def test_limit_scan_guards_reach_as_far_as_the_longest_limits():
    from re import _parser  # type: ignore[attr-defined]  # (typeshed does not list it)

    def widest(pattern: str) -> int:
        return int(_parser.parse(pattern).getwidth()[1])

    # 前 or 内 ends a "before" limit: after a point and 之 at most; a verb of completion starts
    # at most two characters after a point; 前 ends an occasion at most eight after a year.
    assert widest(deadlines._POINT) + 1 <= 13
    assert widest(deadlines._POINT) + 2 <= 14
    assert widest("(?:(?:19|20)\\d{2}年|\\d{1,2}月)") + 8 + widest(deadlines._OCCASION) + 1 <= 16
    for example in LONGEST_LIMITS:
        for s in (example, "，" + example + "。", "据悉" + example + "工作"):
            assert limit_matches(s) == _plain_limits(s), s
            assert _plain_limits(s), s  # each is a limit


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
    alphabet="同志等出席列席参加陪同在主席台就座分别讲话负责人的还有领导要求号召话鼓励，被任命为不再担当选调辞去周远19202-年度至“",
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


# --- session 8 (branch extractspeed): loops replaced by look-ups, same answers -----------------


def _plain_inside_brackets(s: str, i: int, opening: str = "《「(（", closing: str = "》」)）") -> bool:
    """The character walk ``inside_brackets`` was first written as."""
    depth = 0
    j = i - 1
    while j >= 0 and i - j < 120 and s[j] != "\n":
        if s[j] in closing:
            depth += 1
        elif s[j] in opening:
            if depth == 0:
                return True
            depth -= 1
        j -= 1
    return False


_BRACKET_TEXT = st.text(alphabet="《》「」()（）年月底前\n，a", max_size=300)


@settings(max_examples=500)
@given(_BRACKET_TEXT, st.data())
def test_inside_brackets_is_the_character_walk(s, data):
    i = data.draw(st.integers(0, len(s)))
    assert inside_brackets(s, i) == _plain_inside_brackets(s, i)


def test_inside_brackets_is_the_character_walk_on_readouts():
    for s in _texts():
        for i in range(0, len(s) + 1, 7):
            assert inside_brackets(s, i) == _plain_inside_brackets(s, i)


_NAME_TEXT = st.text(alphabet="周远航李明哈在于会上讲话强调指出作，,。、的", max_size=60)
_NAMES = st.lists(
    st.sampled_from(["周远", "周远航", "李明", "哈哈", "哈哈哈", "明", "周远航李明"]), unique=True
)


@settings(max_examples=500)
@given(_NAME_TEXT, _NAMES)
@with_example("哈哈哈讲话", ["哈哈"])  # a mention inside another: the search for mentions skips it
@with_example("周远航在会上讲话，李明在，强调", ["周远航", "李明", "周远"])
def test_speakers_are_the_persons_followed_by_words_of_speaking(s, names_):
    persons = [Person(n, Span(0, len(n))) for n in names_]
    plain = [p.name for p in persons if directives._followed(s, p.name, directives._SPEAK_AFTER)]
    assert directives._speakers(s, persons) == plain


def _plain_name_after(s: str, i: int, known: list[str]) -> tuple[int, int] | None:
    for name in known:
        if s.startswith(name, i):
            return i, i + len(name)
    return appointments._name_after(s, i, (frozenset(), []))


def _plain_name_before(s: str, k: int, known: list[str]) -> tuple[int, int] | None:
    for name in known:
        if s.endswith(name, 0, k):
            return k - len(name), k
    return appointments._name_before(s, k, (frozenset(), []))


@settings(max_examples=500)
@given(_NAME_TEXT, _NAMES, st.data())
def test_known_names_looked_up_by_length_as_by_trying_each(s, names_, data):
    i = data.draw(st.integers(0, len(s)))
    known = sorted(names_, key=len, reverse=True)
    by_length = (frozenset(names_), sorted({len(n) for n in names_}, reverse=True))
    assert appointments._name_after(s, i, by_length) == _plain_name_after(s, i, known)
    assert appointments._name_before(s, i, by_length) == _plain_name_before(s, i, known)


def _plain_zones(s: str) -> list[tuple[int, str, bool]]:
    """``outcomes._zones`` as first written: each zone against every title."""
    titles = [(m.start(), m.end()) for m in outcomes._TITLE.finditer(s)]
    out = []
    for m in outcomes._zone_pattern().finditer(s):
        if any(a <= m.start() < b for a, b in titles):
            continue
        at = m.start()
        general = s[at - 2 : at] in outcomes._GENERAL_BEFORE or s[at - 1 : at] in outcomes._GENERAL_BEFORE
        out.append((m.start(), m.group(), general or bool(outcomes._KIND_ONLY.match(m.group()))))
    return out


_ZONE_TEXT = st.lists(
    st.sampled_from(
        [
            "前海合作区",
            "横琴",
            "南沙",
            "全国",
            "《",
            "》",
            "「",
            "」",
            "〈",
            "〉",
            "『",
            "』",
            "关于",
            "的方案",
            "\n",
            "，",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=300)
@given(_ZONE_TEXT)
def test_zones_outside_titles_as_when_each_title_was_tried(s):
    assert outcomes._zones(s) == _plain_zones(s)


def test_zones_outside_titles_as_when_each_title_was_tried_on_readouts():
    for s in _texts():
        assert outcomes._zones(s) == _plain_zones(s)


_CHARS_TEXT = st.text(alphabet="项个位名三两3３٣日；;文图/：摄（x\n", max_size=80)
_PLAIN_COUNTER = re.compile(r"[位名](?<=[一二三四五六七八九十两\d][位名])")


@settings(max_examples=500)
@given(_CHARS_TEXT)
def test_characters_found_by_str_search_as_by_a_class(s):
    for chars in ("项个", "位名", "；;", "日"):
        assert occurrences(s, chars) == [m.start() for m in re.finditer(f"[{chars}]", s)]
        as_class = re.compile(f"[{chars}]")
        assert windows(s, chars, before=8, after=17) == windows(s, as_class, before=8, after=17)
    assert names._counters(s) == [m.start() for m in _PLAIN_COUNTER.finditer(s)]


@settings(max_examples=300)
@given(st.text(alphabet="记者通讯员摄影编辑文图/／:：（()）周远李明，。\n ", max_size=60))
@with_example("记者周远")
@with_example("通讯员 李明")
@with_example("编辑：周远")
@with_example("文/李明")
@with_example("（周远 摄）")
@with_example("撰文 李明")
@with_example("实习生周远")
@with_example("作者：李明")
@with_example("责编 周远")
@with_example("通讯员李明")
def test_bylines_skipped_only_where_they_cannot_be(s):
    plain = [
        (m.start(1), m.end(1))
        for p in (names._BYLINE, names._BYLINE_SHORT, names._BYLINE_SHOT)
        for m in p.finditer(s)
    ]
    assert names._excluded_spans(s) == plain


@settings(max_examples=500)
@given(st.text(alphabet="会议指出，。！？!?\n周远航主持表示：强调要", max_size=80), st.data())
def test_reported_speech_the_same_with_the_stops_found_once(s, data):
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, len(s)))
    stops = occurrences(s, names._SENTENCE_STOPS)
    assert names._in_reported_speech(s, start, end, stops) == names._in_reported_speech(s, start, end)


# -- session 9 (extractspeed2) -------------------------------------------------------------------

_NAMES_TEXT = st.text(alphabet="陈思远杨文涛许建平周明主任书记市长，、。\n同志强调", max_size=80)


@settings(max_examples=500)
@given(
    _NAMES_TEXT, st.lists(st.sampled_from(["陈思远", "杨文", "杨文涛", "思远", "远远", "周明"]), min_size=1)
)
@with_example("杨文涛杨文涛杨文", ["杨文涛", "杨文"])
@with_example("远远远远远", ["远远"])
def test_names_found_from_their_first_characters_as_by_find(s, found_names):
    where = names._Where(s)
    for name in found_names:
        plain, i = [], s.find(name)
        while i >= 0:
            plain.append(i)
            i = s.find(name, i + len(name))
        assert where.of(name) == plain
        for excluded in ([], [(0, 4)], [(0, 4), (6, 12)]):
            assert where.first_free(name, excluded) == names._first_free(s, name, excluded)


def _plain_name_at(s, i, strict_end=True):
    """``name_at`` as it was written before its tests at i + 3 were spelt out."""
    if i < 0 or i >= len(s):
        return None
    if names._DOT.search(s, i, i + 9):
        dotted = names._dotted_name_at(s, i)
        if dotted:
            return dotted
    single, compound = surnames()
    if s[i] not in single and s[i : i + 2] not in compound:
        return names._unsurnamed_name_at(s, i, strict_end)
    if s[i] in single and i + 3 <= len(s):
        two = s[i + 1 : i + 3]
        before_verb = names._strong_word_at(s, i + 3) if i + 3 < len(s) else False
        if (
            (names._is_hard_stop(s, i + 3) or before_verb)
            and "\u4e00" <= two[0] <= "\u9fff"
            and "\u4e00" <= two[1] <= "\u9fff"
            and two[0] not in names.NOT_GIVEN
            and (two[1] not in names._NEVER_LAST or two[1] in names._MAY_END)
            and not (before_verb and two[1] in names._FUNCTION_CHARS)
            and s[i : i + 2] not in names.NOT_NAMES
            and s[i + 1 : i + 3] not in names.NOT_NAMES
        ):
            return i, i + 3
    for sur_len in (2, 1):
        sur = s[i : i + sur_len]
        if (sur_len == 2 and sur not in compound) or (sur_len == 1 and sur not in single):
            continue
        for given_ in (1, 2):
            end = i + sur_len + given_
            if end > len(s):
                break
            c = s[end - 1]
            if c in names.NOT_GIVEN or not "\u4e00" <= c <= "\u9fff":
                break
            if s[i:end] in names.NOT_NAMES:
                continue
            if not strict_end or names._is_boundary(s, end):
                return i, end
    return None


@settings(max_examples=500)
@given(st.text(alphabet="王陈欧阳司马伟明松年也出席主持任务市长，。a1·阿不都买提格桑央金的", max_size=16))
@with_example("王伟也出席")
@with_example("韩松年主持")
@with_example("欧阳明，")
@with_example("阿不都·买买提出席")
@with_example("格桑央金出席")
@with_example("王伟")
def test_name_at_as_written_before(s):
    for i in range(-1, len(s) + 1):
        for strict in (True, False):
            assert names.name_at(s, i, strict) == _plain_name_at(s, i, strict), (s, i, strict)


def test_name_at_as_written_before_on_readouts():
    for s in _texts():
        for i in range(len(s)):
            assert names.name_at(s, i) == _plain_name_at(s, i)


_REFERENCE_TEXT = st.text(alphabet="认真落实市长周远讲话精神擘画的蓝图会议指出，。：\n要求", max_size=80)


def _reference_on_slices(s, start, end, post):
    mention = names._Mention(s[start:end], start, end, [("市长", post, start)] if post < start else [])
    first = min([mention.start, *(a for _, a, _ in mention.posts)])
    before, after = names._clause_around(s, first, mention.end)
    plain = (
        bool(names._CARRY_OUT.search(before) and names._WORDS_CARRIED.search(after))
        or bool(names._AGENT_OF_NOUN.search(after))
        or names._in_reported_speech(s, first, mention.end)
    )
    return names._is_reference(s, mention), plain


@settings(max_examples=500)
@given(_REFERENCE_TEXT, st.data())
def test_reference_checks_in_place_as_on_slices(s, data):
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, len(s)))
    post = data.draw(st.integers(0, start))
    fast, plain = _reference_on_slices(s, start, end, post)
    assert fast == plain


def test_reference_checks_in_place_as_on_slices_at_every_span():
    for s in ("周擘画远", "落实周远的精神", "认真落实精神周远讲话要求", "会议指出，周远主持。擘画"):
        for start in range(len(s) + 1):
            for end in range(start, len(s) + 1):
                for post in range(start + 1):
                    fast, plain = _reference_on_slices(s, start, end, post)
                    assert fast == plain, (s, start, end, post)


@settings(max_examples=500)
@given(st.text(alphabet="也更还都均则一定首先要需务必须应当求点所不，。主重将想", max_size=60))
@with_example("也要求")
@with_example("一定要")
@with_example("首先要需要")
@with_example("不要也要")
def test_modals_found_by_the_class_led_scan_as_by_the_pattern(s):
    assert addressees.modal_starts(s) == [m.start() for m in addressees._MODAL.finditer(s)]


def test_modals_found_by_the_class_led_scan_as_by_the_pattern_on_readouts():
    texts = _texts()
    assert sum(len(addressees.modal_starts(s)) for s in texts) > 50
    for s in texts:
        assert addressees.modal_starts(s) == [m.start() for m in addressees._MODAL.finditer(s)]


def _plain_brackets(s):
    return [(m.start(), m.group()) for m in re.finditer("[《》〈〉「」『』\n]", s)]


@settings(max_examples=300)
@given(st.text(alphabet="《》〈〉「」『』\n方案关于 意见日报x", max_size=60))
@with_example("《关于 印发〈方案〉的通知》")
@with_example("「实施 意见」\n《日报》")
def test_cited_titles_found_from_brackets_by_str_search(s):
    from luoshi.extract import citations

    assert [(i, s[i]) for i in occurrences(s, citations._BRACKET_CHARS)] == _plain_brackets(s)
    for cited in citations.find_citations(s):
        assert cited.title == re.sub(r"\s+", "", s[cited.span.start + 1 : cited.span.end - 1])


def _plain_batches(s):
    """``find_batches`` with the pattern scanned over the whole text, as first written."""
    from luoshi.extract import batches

    fast = batches._batch_matches
    batches._batch_matches = lambda s: list(batches._BATCH.finditer(s))
    try:
        return batches.find_batches(s)
    finally:
        batches._batch_matches = fast


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="12345６٣一二十百两项个第每重点任务举措事项“”、，。各", max_size=60))
@with_example("完成1234567项重点任务")
@with_example("十二项重点任务、一百零三项行政职权")
@with_example("96项年度工作任务12个“高效办成一件事”重点事项")
@with_example("第3十二项任务，每１２三个重点任务，百千万亿十二项举措，零一两千三百四十五项重点任务")
def test_batches_found_near_counted_units_as_near_every_unit(s):
    from luoshi.extract.batches import find_batches

    assert find_batches(s) == _plain_batches(s)


def test_batches_found_near_counted_units_as_near_every_unit_on_readouts():
    from luoshi.extract.batches import find_batches

    texts = _texts()
    assert sum(len(find_batches(s)) for s in texts) > 10
    for s in texts:
        assert find_batches(s) == _plain_batches(s)


# Texts without a middle dot, of the characters clause starts and names are made of: surnames,
# elements of names without one, verbs and titles that follow a name, punctuation.
_UNDOTTED_TEXT = st.text(
    alphabet="，。、；\n “王李张欧阳司马格桑央金那顺孟和市长书记主任主持出席强调说表示同志在和的会议省委副常务秘书",
    max_size=50,
)


@settings(max_examples=400)
@given(_UNDOTTED_TEXT)
def test_names_and_clause_starts_read_without_dots_as_with_them(s):
    assert names._clause_starts(s, dots=False) == names._clause_starts(s)
    for i in range(len(s) + 1):
        assert names.name_at(s, i, dots=False) == names.name_at(s, i)


def test_names_and_clause_starts_read_without_dots_as_with_them_on_readouts():
    texts = [s for s in _texts() if not names._has_dots(s)]
    assert sum(len(names._clause_starts(s)) for s in texts) > 50  # the texts do hold clause starts
    for s in texts:
        assert names._clause_starts(s, dots=False) == names._clause_starts(s)
        for i in range(len(s)):
            assert names.name_at(s, i, dots=False) == names.name_at(s, i)
    dotted = "，阿不都·买买提主持会议"
    assert names._has_dots(dotted) and names._clause_starts(dotted) == [1]


_PLAIN_TRIGGER = re.compile(
    r"(?P<one_matter>一事三地)|(?P<one_policy>一策三地)|(?P<one_rule>一规三地)"
    r"|(?P<pioneering>首创性(?:改革|探索|举措|制度|成果|经验|做法)?|全国首创)"
    r"|(?P<innovation>制度创新(?:成果|案例|经验|实践|举措))"
    r"|(?P<replicable>可复制(?:、|可|和|能)?推广|复制推广|(?:在|向)全(?:国|省)(?:范围内?)?推广)"
)
_PLAIN_TODAY = re.compile(r"(?:(今天|今日)|(昨天|昨日))(?![内起])")
_TRIGGER_TEXT = st.text(
    alphabet="一事策规三地首创性改革探索全国制度创新成果案例可复制、和推广在向省范围内今天日昨起，",
    max_size=40,
)


TRIGGER_EXAMPLES = (
    "一事三地、一策三地和一规三地",
    "全国首创的首创性改革，首创性做法与首创性",
    "制度创新成果、制度创新案例，制度创新",
    "可复制可推广、可复制、推广，可复制推广，复制推广",
    "在全国推广，向全省范围推广，向全国范围内推广，在全省推广",
    "今天起，今日内，今天，昨日，昨天起",
)


@settings(max_examples=500)
@given(_TRIGGER_TEXT)
@with_example("".join(TRIGGER_EXAMPLES))
def test_triggers_and_days_led_by_literals_as_their_plain_forms(s):
    assert [(m.span(), outcomes._kind(m)) for m in outcomes._TRIGGER.finditer(s)] == [
        (m.span(), m.lastgroup) for m in _PLAIN_TRIGGER.finditer(s)
    ]
    assert [(m.span(), m.group().startswith("今")) for m in dates._TODAY.finditer(s)] == [
        (m.span(), m[1] is not None) for m in _PLAIN_TODAY.finditer(s)
    ]


def test_triggers_led_by_literals_as_their_plain_form_on_readouts():
    texts = [*_texts(), *TRIGGER_EXAMPLES]
    assert sum(1 for s in texts for _ in _PLAIN_TRIGGER.finditer(s)) > 5
    for s in texts:
        assert [(m.span(), outcomes._kind(m)) for m in outcomes._TRIGGER.finditer(s)] == [
            (m.span(), m.lastgroup) for m in _PLAIN_TRIGGER.finditer(s)
        ]


# -- session 11 (extractspeed4) -------------------------------------------------------------------


def _plain_unsurnamed_name_at(s, i, strict_end=True):
    """``_unsurnamed_name_at`` as it was written, with a generator for each element."""
    end, count = i, 0
    while count < 3 and end < len(s):
        group = names._ELEMENTS_BY_FIRST.get(s[end], ())
        element = next((w for w in group if s.startswith(w, end)), None)
        if element is None:
            break
        end, count = end + len(element), count + 1
    if count < 2 or (strict_end and not names._is_boundary(s, end)):
        return None
    return i, end


@settings(max_examples=500)
@given(st.text(alphabet="格桑央金那顺孟和扎西次仁卓玛王出席，、的", max_size=20))
@with_example("格桑央金出席")
@with_example("那顺孟和、扎西")
def test_names_without_a_surname_read_by_a_loop_as_by_a_generator(s):
    for i in range(len(s) + 1):
        for strict in (True, False):
            assert names._unsurnamed_name_at(s, i, strict) == _plain_unsurnamed_name_at(s, i, strict)


def _plain_post_before(s, name_start):
    """``_post_before`` without its test for a stop right before the name."""
    seg_start = names._segment_start(s, name_start)
    if seg_start >= name_start:
        return None
    found = names._post_of_segment(s[seg_start:name_start])
    return (found[0], seg_start + found[1]) if found else None


_POST_TEXT = st.text(alphabet="市委书记长副主任（工务）“两会”、，。；：\n王明李伟和的() ", max_size=60)


@settings(max_examples=500)
@given(_POST_TEXT)
@with_example("副市长（常务）王明")
@with_example("“两会”领导小组组长、市委书记王明")
@with_example("市长、王明")
def test_post_before_a_name_after_a_stop_as_found_by_the_segment_scan(s):
    for i in range(len(s) + 1):
        assert names._post_before(s, i) == _plain_post_before(s, i), (s, i)


def test_post_before_a_name_after_a_stop_as_found_by_the_segment_scan_on_readouts():
    for s in _texts():
        for i in range(len(s) + 1):
            assert names._post_before(s, i) == _plain_post_before(s, i)


def _plain_name_before_unknown(s, k):
    for n in (3, 2, 4):
        a = k - n
        if (
            a >= 0
            and appointments._reads_as_name(s, a, k)
            and (a == 0 or s[a - 1] in appointments._BEFORE_NAME)
        ):
            return a, k
    return None


def _plain_name_after_unknown(s, i):
    for n in (3, 2, 4):
        if i + n <= len(s) and appointments._reads_as_name(s, i, i + n) and appointments._linked(s, i + n):
            return i, i + n
    return None


@settings(max_examples=500)
@given(st.text(alphabet="欧阳上官令狐王李明伟确定任务主责信为的同志担任，、经由", max_size=30))
@with_example("确定任务，欧阳明伟任")
@with_example("任命上官明为")
@with_example("令狐明伟担任")
def test_names_around_appointments_read_only_from_surnames_as_from_every_place(s):
    unknown: tuple[frozenset[str], list[int]] = (frozenset(), [])
    for k in range(len(s) + 1):
        assert appointments._name_before(s, k, unknown) == _plain_name_before_unknown(s, k), (s, k)
        assert appointments._name_after(s, k, unknown) == _plain_name_after_unknown(s, k), (s, k)


_LONG_REFERENCE_TEXT = st.text(
    alphabet="认真落实市长周远讲话精神擘画的蓝图会议指出，。：\n要求一二三四五六七八九十",
    min_size=60,
    max_size=240,
)


@settings(max_examples=300)
@given(_LONG_REFERENCE_TEXT, st.data())
def test_reference_checks_in_place_as_on_slices_in_long_clauses(s, data):
    # (the clause's reach, 60 characters back and 80 on, is crossed: the test for a word within
    # it, before the bounds are looked for, must find what the bounds would)
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, min(len(s), start + 4)))
    fast, plain = _reference_on_slices(s, start, end, data.draw(st.integers(0, start)))
    assert fast == plain


def test_reference_checks_in_place_as_on_slices_at_the_reach_of_the_clause():
    for s in (
        "落实" + "一" * 58 + "周远讲话精神",
        "周远" + "一" * 40 + "擘画的蓝图",
        "周远" + "一" * 77 + "擘画的蓝图",
        "周远" + "一" * 79 + "擘画的蓝图",
    ):
        for start in range(len(s) - 1):
            for post in (start, max(0, start - 3)):
                fast, plain = _reference_on_slices(s, start, start + 2, post)
                assert fast == plain, (s, start)


@settings(max_examples=300)
@given(st.text(alphabet="王明李伟书记市长主任主持出席说，。、", max_size=40))
@with_example("王明书记主持，李伟说")
def test_titles_and_verbs_after_names_from_their_first_characters_as_by_the_patterns(s):
    for i in range(len(s) + 1):
        title = names._TITLE_AFTER.match(s, i) if s[i : i + 1] in names._TITLE_FIRST else None
        assert (title and title.span()) == ((plain := names._TITLE_AFTER.match(s, i)) and plain.span()), (
            s,
            i,
        )
        verb = s[i : i + 1] in names._CLAUSE_VERB_FIRST and names._CLAUSE_VERBS.match(s, i)
        assert bool(verb) == bool(names._CLAUSE_VERBS.match(s, i)), (s, i)


# -- session 12 (extractspeed5) ------------------------------------------------------------------


@settings(max_examples=500)
@given(st.text(alphabet="《》〈〉「」『』关于方案\n，", max_size=40))
@with_example("《关于《方案》的通知》〈方案〉")
@with_example("《《方案》")
@with_example("「关于『方案』」")
def test_titles_tried_at_their_openers_as_scanned_for(s):
    plain = [m.span() for m in outcomes._TITLE.finditer(s)]
    starts, ends = outcomes._titles(s)
    assert list(zip(starts, ends, strict=True)) == plain


def _plain_subjects_of_modals(s: str) -> list[tuple[int, str]]:
    """``addressees._subjects_of_modals`` as first written: every subject read, one character long
    or not."""
    out: list[tuple[int, str]] = []
    for start in addressees.modal_starts(s):
        a = addressees._clause_start(s, start)
        if a < 0:
            continue
        if a < start:
            text, a = addressees._subject(s, a, start)
            items = addressees._split(text, whole=True)
            if items is None and (place := addressees._named_as_a_place(s, a, text, start)):
                items = (place,)
            out.extend((a + at, item) for item, at in items or ())
            continue
        if a == 0 or s[a - 1] not in "，," or (a := addressees._clause_start(s, start - 1)) < 0:
            continue
        text, a = addressees._subject(s, a, start - 1)
        items = addressees._split(text) or ()
        if all(addressees._plain(item) for item, _ in items):
            out.extend((a + at, item) for item, at in items)
    return out


_MODAL_TEXT = st.lists(
    st.sampled_from([*"一 二 要 需 应 各区 市 局 和 、 ， 。 强调 作为 洋浦".split(), "\n"]), max_size=24
).map("".join)


@settings(max_examples=500)
@given(_MODAL_TEXT)
@with_example("会议强调，一要加快。二要坚持，各区要抓紧")
@with_example("和要")
@with_example("、要")
@with_example("，局要")
def test_subjects_of_modals_skip_one_character_as_when_each_was_read(s):
    assert list(addressees._subjects_of_modals(s)) == _plain_subjects_of_modals(s)


def test_subjects_of_modals_skip_one_character_as_when_each_was_read_on_readouts():
    texts = _texts()
    assert sum(len(list(addressees._subjects_of_modals(s))) for s in texts) > 20
    for s in texts:
        assert list(addressees._subjects_of_modals(s)) == _plain_subjects_of_modals(s)


def _plain_attendance_lists(s: str) -> list[tuple[int, int]]:
    """``names._attendance_lists`` as first written: every clause before a verb of attendance read."""
    out: list[tuple[int, int]] = []
    for m in names._ATTENDS.finditer(s):
        end = m.start()
        last = names._TO_LAST_CLAUSE_STOP.match(s, max(0, end - 200), end)
        start = last.end() if last else max(0, end - 200)
        items: list[tuple[int, int]] = []
        pos = start
        for part in s[start:end].split("、"):
            items.append((pos, pos + len(part)))
            pos += len(part) + 1
        if len(items) < 2:
            continue
        bare = [(a, b) for a, b in items[1:] if names._BARE_NAME.fullmatch(s, a, b)]
        if len(bare) < len(items) - 1:
            continue
        if names._reads_as_name(s, *items[0]):
            bare.insert(0, items[0])
        if sum(1 for a, b in bare if names._reads_as_name(s, a, b)) * 3 >= len(bare) * 2:
            out.extend(bare)
    return out


_ATTENDANCE_TEXT = st.lists(
    st.sampled_from(
        [*"王明 李伟 欧阳明伟 市长 负责 同志 出席 参加 列席 等 、 ， 。 阿不都·买买提 一".split(), "\n"]
    ),
    max_size=20,
).map("".join)


@settings(max_examples=500)
@given(_ATTENDANCE_TEXT)
@with_example("王明、李伟、欧阳明伟出席")
@with_example("市长王明、李伟等同志参加")
@with_example("王明、阿不都·买买提列席")
@with_example("王明、一一一一一一一一一一一一一一出席")
@with_example("王明、李伟、阿不都克力·木木吐尼亚孜买提出席")  # (the longest bare name, 14 characters)
@with_example("王明、市长李伟出席")
def test_attendance_lists_looked_for_only_after_a_bare_last_item_as_everywhere(s):
    assert names._attendance_lists(s) == _plain_attendance_lists(s)


def test_attendance_lists_looked_for_only_after_a_bare_last_item_as_everywhere_on_readouts():
    texts = _texts()
    assert sum(len(names._attendance_lists(s)) for s in texts) > 5
    for s in texts:
        assert names._attendance_lists(s) == _plain_attendance_lists(s)
