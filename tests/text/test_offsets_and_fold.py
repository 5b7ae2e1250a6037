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
