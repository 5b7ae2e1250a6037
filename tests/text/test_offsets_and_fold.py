import re

from hypothesis import given
from hypothesis import strategies as st

from luoshi.text import OffsetMap, TrackedText, detect_script, to_simplified


def test_fold_keeps_length_and_folds_variants():
    trad = "深圳市委常委、前海管理局局長曾國衞出席會議"
    simp = to_simplified(trad)
    assert len(simp) == len(trad)
    assert simp == "深圳市委常委、前海管理局局长曾国卫出席会议"


def test_detect_script():
    assert detect_script("前海合作区召开会议") == "simplified"
    assert detect_script("前海合作區召開會議") == "traditional"


def test_tracked_delete_maps_back_to_original():
    original = "深圳新聞網(wǎng)報(bào)道"
    t = TrackedText.of(original).delete(re.compile(r"\([a-zǎà]+\)"))
    assert t.text == "深圳新聞網報道"
    m = t.offset_map()
    start, end = m.map_range(3, 6)  # 聞網報
    assert original[start:end] == "聞網(wǎng)報"


@given(st.text(alphabet="前海網(wǎng)區 \n", max_size=60))
def test_offset_map_points_at_same_characters(text):
    t = TrackedText.of(text).delete(re.compile(r"\([a-zǎ]+\)|\s+"))
    m = t.offset_map()
    for i, ch in enumerate(t.text):
        assert text[m.map(i)] == ch
    again = OffsetMap.from_json(m.to_json(), m.clean_length)
    assert [again.map(i) for i in range(len(t.text))] == [m.map(i) for i in range(len(t.text))]


def _naive(text: str, positions: list[int], pattern: re.Pattern[str], repl: str | None):
    """Per-character model of TrackedText.delete (repl None) and .replace."""
    out, pos, last = [], [], 0
    for m in pattern.finditer(text):
        out.append(text[last : m.start()])
        pos.extend(positions[last : m.start()])
        if repl and m.end() > m.start():
            out.append(repl)
            pos.append(positions[m.start()])
        last = m.end()
    out.append(text[last:])
    pos.extend(positions[last:])
    return "".join(out), pos


_OPS = [
    (re.compile(r"\r\n?"), "\n"),
    (re.compile(r"[ \u3000]{2,}|\u3000"), " "),
    (re.compile(r"(?m)^ +| +$"), None),
    (re.compile(r"\([a-zǎ]+\)"), None),
    (re.compile(r"(?<=\n\n)\n+"), None),
]


@given(
    st.text(alphabet="前海網(wǎng)區 \u3000\r\n", max_size=80),
    st.lists(st.integers(0, len(_OPS) - 1), max_size=6),
    st.integers(0, 50),
)
def test_tracked_runs_agree_with_a_per_character_model(text, ops, shift):
    tracked = TrackedText.of(text).shifted(shift)
    model_text, model_pos = text, [i + shift for i in range(len(text))]
    for k in ops:
        pattern, repl = _OPS[k]
        tracked = tracked.delete(pattern) if repl is None else tracked.replace(pattern, repl)
        model_text, model_pos = _naive(model_text, model_pos, pattern, repl)
    stripped = tracked.strip()
    lead = len(model_text) - len(model_text.lstrip())
    model_pos = model_pos[lead : lead + len(model_text.strip())]
    assert stripped.text == model_text.strip()
    assert stripped.positions == model_pos
    m = stripped.offset_map()
    assert [m.map(i) for i in range(len(stripped.text))] == model_pos


def test_join_keeps_synthetic_positions():
    t = TrackedText.join([("前海", 5), ("\n", -8), ("區", 7)])
    assert t.text == "前海\n區" and t.positions == [5, 6, 7, 7]


def test_variant_forms_fold_like_their_standard_forms_for_search_and_names():
    # Variant forms OpenCC keeps: each folds to the standard simplified character.
    assert to_simplified("靑年淸單擧辦敍述") == "青年清单举办叙述"
    assert to_simplified("靑") == to_simplified("青") == to_simplified("青")


def test_numbers_in_either_notation():
    from luoshi.text import chinese_numeral, parse_number

    assert [parse_number(x) for x in ("96", "一百零三", "两", "十五", "项目")] == [96, 103, 2, 15, None]
    assert chinese_numeral(3) == "三"
