"""The anchored scans find exactly what a scan of the whole text finds."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract import batches, dates
from luoshi.extract.scan import finditer_near, windows, word_pattern

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


WORDS = ["书记", "副书记", "市委书记", "市长", "副市长", "常务副市长", "主任", "主任委员", "长"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([*WORDS, "市", "副", "委", "，", "王"]), max_size=30), st.permutations(WORDS))
def test_word_pattern_matches_like_longest_first_alternation(pieces, order):
    text = "".join(pieces)
    longest_first = re.compile("|".join(re.escape(w) for w in sorted(order, key=len, reverse=True)))
    trie = word_pattern(order)
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in longest_first.finditer(text)]
