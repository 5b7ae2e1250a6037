"""Sentences around a span, for the facts and links that quote the sentence they came from."""

from __future__ import annotations

import re

SENTENCE_END = frozenset("。！？!?；;\n")
_ENDS = "".join(sorted(SENTENCE_END))
_TO_LAST_END = re.compile(f".*[{re.escape(_ENDS)}]", re.DOTALL)  # matched within [floor, start)
_NEXT_END = re.compile(f"[{re.escape(_ENDS)}]")


def sentence_of(s: str, start: int, end: int, limit: int = 120) -> tuple[int, int]:
    """The sentence of ``s`` around ``[start, end)``: from after the previous 。！？；or line
    break to the next one (the full stop included, the line break not), at most ``limit``
    characters on either side; white space at its start left out. (Both ends are found by the
    regex engine: a loop over characters in Python cost 10–20 µs a call, tens of calls a
    document.)"""
    floor = max(0, start - limit)
    last = _TO_LAST_END.match(s, floor, start)
    a = last.end() if last else floor
    ceiling = min(len(s), end + limit)
    following = _NEXT_END.search(s, end, ceiling)
    b = following.start() if following else max(end, ceiling)
    if b < ceiling and s[b] != "\n":
        b += 1
    while a < start and s[a].isspace():
        a += 1
    return a, b
