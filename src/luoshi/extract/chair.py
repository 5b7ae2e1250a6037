"""Chairs: the persons said to chair or preside ("市委书记孟凡利主持", "会议由蔡梅生主持",
"省长王清宪主持召开", "行政长官…和…省长…共同主持", "…省长伍某，…行政长官叶某共同主持").

A chair is a person named in the same clause as 主持, before it: the clause runs back from 主持
to the nearest punctuation or space, so "李希出席会议并讲话，省长马兴瑞主持会议" names only
马兴瑞. 主持人/主持词 (a compère, a script) are not chairing."""

from __future__ import annotations

import re

from luoshi.model import Person, Span

_CHAIRS = re.compile(r"主持(?![人词稿])")
_BOUNDARY = set('，,。；;：:！？!?\n“”"「」 \u3000\t|')
_REACH = 60  # characters before 主持 that a clause may cover


_JOINTLY = ("共同", "联合", "一同")


_TO_LAST_BOUNDARY = re.compile(f".*[{re.escape(''.join(sorted(_BOUNDARY)))}]", re.DOTALL)


def _clause_start(s: str, end: int) -> int:
    """Back from ``end`` to the nearest boundary, at most _REACH characters."""
    floor = max(0, end - _REACH)
    last = _TO_LAST_BOUNDARY.match(s, floor, end)  # (the regex engine walks back)
    return last.end() if last is not None else floor


def find_chairs(s: str, persons: list[Person]) -> list[Person]:
    """The persons who chair, in order, each once; every one is also in ``persons``."""
    names = sorted({p.name for p in persons}, key=len, reverse=True)
    out: list[Person] = []
    seen: set[str] = set()
    for m in _CHAIRS.finditer(s):
        a = _clause_start(s, m.start())
        if s.endswith(_JOINTLY, 0, m.start()):
            # "省长伍某，行政长官叶某共同主持": the chairs are listed across commas.
            while (
                a > 1
                and s[a - 1] in "，,"
                and any(n in s[(b := _clause_start(s, a - 1)) : a - 1] for n in names)
            ):
                a = b
        clause = s[a : m.start()]
        taken: list[tuple[int, int, str]] = []
        for name in names:
            i = clause.find(name)
            while i >= 0:
                if not any(x < i + len(name) and i < y for x, y, _ in taken):
                    taken.append((i, i + len(name), name))
                i = clause.find(name, i + len(name))
        for i, j, name in sorted(taken):
            if name not in seen:
                seen.add(name)
                out.append(Person(name, Span(a + i, a + j)))
    return out
