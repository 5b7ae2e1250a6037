"""Scans rewritten for speed give what the plain per-character versions gave (property tests
against those versions, kept here as the reference)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from luoshi.extract.names import _CLAUSE_STOP, _CLAUSE_STOPS, _clause_around
from luoshi.text.fold import SHORT, to_simplified
from luoshi.text.sentences import SENTENCE_END, sentence_of

# Texts made mostly of the characters the scans look for, so that every case comes up.
ALPHABET = "。！？!?；;\n，,：: 　會议市长前海a1"
texts = st.text(alphabet=ALPHABET, max_size=300)


def sentence_of_reference(s: str, start: int, end: int, limit: int = 120) -> tuple[int, int]:
    a = start
    floor = max(0, start - limit)
    while a > floor and s[a - 1] not in SENTENCE_END:
        a -= 1
    b = end
    ceiling = min(len(s), end + limit)
    while b < ceiling and s[b] not in SENTENCE_END:
        b += 1
    if b < ceiling and s[b] != "\n":
        b += 1
    while a < start and s[a].isspace():
        a += 1
    return a, b


def clause_around_reference(s: str, start: int, end: int) -> tuple[str, str]:
    floor = max(0, start - 60)
    a = max(floor, max(s.rfind(c, floor, start) + 1 for c in _CLAUSE_STOPS))
    stop = _CLAUSE_STOP.search(s, end, end + 80)
    return s[a:start], s[end : stop.start() if stop else min(len(s), end + 80)]


@settings(max_examples=400, deadline=None)
@given(texts, st.data(), st.integers(1, 150))
def test_sentence_of_is_the_per_character_scan(s: str, data: st.DataObject, limit: int) -> None:
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, len(s) + 3))  # (an end past the text, too)
    assert sentence_of(s, start, end, limit) == sentence_of_reference(s, start, end, limit)


@settings(max_examples=400, deadline=None)
@given(texts, st.data())
def test_clause_around_is_the_search_per_stop(s: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(s)))
    end = data.draw(st.integers(start, len(s)))
    assert _clause_around(s, start, end) == clause_around_reference(s, start, end)


@given(st.text(alphabet="國會議長臺灣东莞市长前海衞爲abc ", max_size=2 * SHORT))
def test_short_strings_fold_as_long_ones(s: str) -> None:
    # short strings are folded once and remembered; the answer is the uncached one
    assert to_simplified(s) == to_simplified(s + "\n" * SHORT)[: len(s)]
