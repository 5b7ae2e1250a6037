"""Zones, platforms and administrative places named in a text (gazetteer matching)."""

from __future__ import annotations

import re
from functools import cache

from luoshi.extract.gazetteer import places, zones
from luoshi.extract.scan import word_pattern
from luoshi.model import Place, Span


@cache
def _pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    kinds = {name: kind for name, kind in zones()}
    for name in places():
        kinds.setdefault(name, "admin")
    return word_pattern(list(kinds)), kinds


def find_places(s: str) -> list[Place]:
    pattern, kinds = _pattern()
    out: list[Place] = []
    seen: set[str] = set()
    for m in pattern.finditer(s):
        name = m.group()
        if name in seen:
            continue
        seen.add(name)
        out.append(Place(name, kinds[name], Span(m.start(), m.end())))
    return out
