"""Sentences around a span, for the facts and links that quote the sentence they came from."""

from __future__ import annotations

SENTENCE_END = frozenset("。！？!?；;\n")


def sentence_of(s: str, start: int, end: int, limit: int = 120) -> tuple[int, int]:
    """The sentence of ``s`` around ``[start, end)``: from after the previous 。！？；or line
    break to the next one (the full stop included, the line break not), at most ``limit``
    characters on either side; white space at its start left out."""
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
