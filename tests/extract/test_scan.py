"""The anchored scans find exactly what a scan of the whole text finds."""

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract import batches, dates
from luoshi.extract.scan import finditer_near, windows

_DATE_TEXT = st.text(alphabet="0123456789年月日（）(，上午召开在会议2025", max_size=120)
_BATCH_TEXT = st.text(alphabet="0123456789一二三十百零项个条件批第每任务措施改革事项的、，", max_size=120)


def _spans(matches):
    return [(m.span(), m.groups()) for m in matches]


@settings(max_examples=300)
@given(_DATE_TEXT)
def test_date_patterns_near_日_match_as_over_the_whole_text(s):
    near = windows(s, dates._ANCHOR, before=12, after=3)
    for pattern in (dates._FULL, dates._MONTH_DAY, dates._DAY):
        assert _spans(finditer_near(pattern, s, near)) == _spans(pattern.finditer(s))


@settings(max_examples=300)
@given(_BATCH_TEXT)
def test_batch_pattern_near_units_matches_as_over_the_whole_text(s):
    near = windows(s, batches._UNIT, before=8, after=17)
    assert _spans(finditer_near(batches._BATCH, s, near)) == _spans(batches._BATCH.finditer(s))


def test_windows_merge_when_they_overlap():
    assert windows("日" + "x" * 5 + "日" + "x" * 30 + "日", dates._ANCHOR, before=12, after=3) == [
        (0, 10),
        (25, 41),
    ]
