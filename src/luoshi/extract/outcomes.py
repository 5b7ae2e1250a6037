"""Replicable outcomes: the 可复制可推广 experiences, 制度创新成果, 首创性改革 and 一事三地 /
一策三地 / 一规三地 items a text reports, each with its zone.

A record is an item named in quotes in the clause of its trigger ("“深港通注册易”等12项制度创新成
果在全国复制推广" → 深港通注册易, counted 12), or in the clause after a trigger that ends with a
colon or goes on with 包括 / 如 / 其中; or, where no item is named, the clause itself when it reports
something done ("累计推出制度创新成果765项") rather than asks for it ("要形成更多可复制可推广的经
验" is no record). The zone is the one named in the sentence, else the nearest named before it
(a zone named by its kind alone — "全国自贸试验区" — only when no other is named; names inside
the titles of documents do not count)."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence
from functools import cache

from luoshi.extract.gazetteer import zones
from luoshi.extract.scan import finditer_near, occurrences, windows, word_pattern
from luoshi.model import Outcome, Span
from luoshi.text import parse_number, sentence_of

# Kinds in order of precedence: a clause with several triggers is recorded under the first.
KINDS = ("one_matter", "one_policy", "one_rule", "pioneering", "innovation", "replicable")
# Each kind's forms, each led by a literal, in the order tried. The trigger pattern is their
# alternation in this order, each form followed by an empty group that names its kind by its
# number: every alternative then starts with a literal, and the regex engine skips ahead to
# their first characters (a named group around each kind made it try all six at every place).
_TRIGGERS = {
    "one_matter": ("一事三地",),
    "one_policy": ("一策三地",),
    "one_rule": ("一规三地",),
    "pioneering": (r"首创性(?:改革|探索|举措|制度|成果|经验|做法)?", "全国首创"),
    "innovation": (r"制度创新(?:成果|案例|经验|实践|举措)",),
    "replicable": (
        r"可复制(?:、|可|和|能)?推广",
        "复制推广",
        r"在全(?:国|省)(?:范围内?)?推广",
        r"向全(?:国|省)(?:范围内?)?推广",
    ),
}
_TRIGGER = re.compile("|".join(f"{form}()" for forms in _TRIGGERS.values() for form in forms))
_KIND_OF_GROUP = tuple(kind for kind, forms in _TRIGGERS.items() for _ in forms)


def _kind(m: re.Match[str]) -> str:
    """The kind of trigger of a match of _TRIGGER."""
    return _KIND_OF_GROUP[(m.lastindex or 1) - 1]


_ANCHOR = re.compile("三地|首创|制度创新|推广")  # every trigger holds one: triggers are looked for near them
_CLAUSE_END = frozenset("，,；;：:。！？!?\n")
_NAMED = re.compile(r"[“「『‘\"]([^“”「」『』‘’\"\n，。；！？]{2,30})[”」』’\"]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_COUNT = re.compile(r"(\d{1,5}|[一二三四五六七八九十百千两零〇]{1,8})(?:项|个|条|批|件)")
_LIST_AFTER = re.compile(r"(?:包括|如|例如|比如|其中包括|主要有|分别是|即)")
_DONE = re.compile(r"形成|推出|累计|已经|已|获评|获得|入选|被|成功|实现|率先|总结|提炼|出台|落地|取得|共有")
_WANTED = re.compile(
    r"(?<![重主纲摘只首概简])要(?![点求素闻件务害])|必须|务必|力争|争取|努力|更多|进一步|加快|持续|不断|着力|鼓励|推动|探索|积极|应当|希望|打造|一批"
)
_LEAD = re.compile(r"(?:其中|同时|此外|另外|并且|并|共|还|以及|和)")
_GENERAL_BEFORE = frozenset({"全国", "全省", "各", "其他", "国家", "多个", "相关"})
_KIND_ONLY = re.compile(r"^(?:自由贸易|自贸|保税|综合保税)")


@cache
def _zone_pattern() -> re.Pattern[str]:
    return word_pattern([name for name, kind in zones() if kind == "zone"])


_TITLE = re.compile(r"《[^《》\n]*(?:《[^《》\n]*》[^《》\n]*)*》|[〈「『][^〈〉「」『』\n]*[〉」』]")


def _zones(s: str) -> list[tuple[int, str, bool]]:
    """Every zone named in ``s`` outside the titles of documents: (position, name, named by its
    kind alone)."""
    starts, ends = _titles(s)
    out = []
    for m in _zone_pattern().finditer(s):
        k = bisect_right(starts, m.start()) - 1
        if k >= 0 and m.start() < ends[k]:
            continue  # inside the title that starts last before it
        at = m.start()
        general = s[at - 2 : at] in _GENERAL_BEFORE or s[at - 1 : at] in _GENERAL_BEFORE
        out.append((m.start(), m.group(), general or bool(_KIND_ONLY.match(m.group()))))
    return out


_TITLE_OPENERS = "《〈「『"  # (every match of _TITLE starts with one)


def _titles(s: str) -> tuple[list[int], list[int]]:
    """Where the matches of ``_TITLE.finditer(s)`` start and end (in order, none inside another),
    the pattern tried only at its openers, found by str search (a text holds a few; the engine
    tried the class of the four at every character)."""
    starts: list[int] = []
    ends: list[int] = []
    last = 0
    for i in occurrences(s, _TITLE_OPENERS):
        if i < last:
            continue  # inside the title before, where the scan does not look
        m = _TITLE.match(s, i)
        if m is not None:
            starts.append(i)
            ends.append(last := m.end())
    return starts, ends


def _zone_for(found: list[tuple[int, str, bool]], a: int, b: int) -> str | None:
    """The zone of the sentence ``[a, b)``: named in it, else the nearest named before it; a
    zone named by its kind alone only when there is no other."""
    for weak in (False, True):
        own = [name for at, name, w in found if a <= at < b and w == weak]
        if own:
            return own[0]
        before = [name for at, name, w in found if at < a and w == weak]
        if before:
            return before[-1]
    return None


_CLAUSE = re.compile(r"[^，,；;：:。！？!?\n]+[，,；;：:。！？!?\n]?|[，,；;：:。！？!?\n]")


def _clauses(s: str, a: int, b: int) -> list[tuple[int, int]]:
    """The clauses of ``s[a:b]``, each with its closing punctuation."""
    return [m.span() for m in _CLAUSE.finditer(s, a, b)]


def _named(s: str, a: int, b: int) -> list[tuple[str, int, int]]:
    """Items named in quotes in ``s[a:b]`` (not the trigger words themselves)."""
    return [
        (m.group(1), m.start(1), m.end(1))
        for m in _NAMED.finditer(s, a, b)
        if len(_CJK.findall(m.group(1))) >= 2 and not _TRIGGER.fullmatch(m.group(1))
    ]


def _count(s: str, a: int, b: int) -> int | None:
    m = _COUNT.search(s, a, b)
    return parse_number(m.group(1)) if m else None


def _trimmed(s: str, a: int, b: int) -> tuple[int, int]:
    """A clause without its closing punctuation, white space and leading connective."""
    while b > a and (s[b - 1] in _CLAUSE_END or s[b - 1].isspace()):
        b -= 1
    while a < b and s[a].isspace():
        a += 1
    lead = _LEAD.match(s, a, b)
    return (lead.end() if lead and b - lead.end() >= 4 else a), b


def find_outcomes(s: str, asked: Sequence[Span] = ()) -> list[Outcome]:
    """The outcomes reported in ``s`` (simplified text), in text order, each title once. An
    item without a name inside ``asked`` (the spans of the text's directives) is asked for,
    not reported."""
    if not _ANCHOR.search(s):
        return []
    zone_mentions: list[tuple[int, str, bool]] | None = None
    out: list[Outcome] = []
    seen: set[str] = set()
    done_clauses: set[tuple[int, int]] = set()
    clauses_of: dict[tuple[int, int], list[tuple[int, int]]] = {}  # a sentence's, read once
    for trigger in finditer_near(_TRIGGER, s, windows(s, _ANCHOR, before=10, after=8)):
        sa, sb = sentence_of(s, trigger.start(), trigger.end(), limit=200)
        clauses = clauses_of.get((sa, sb))
        if clauses is None:  # (several triggers are often in one sentence: "可复制可推广的制度创新成果")
            clauses = clauses_of[sa, sb] = _clauses(s, sa, sb)
        k = next(i for i, (a, b) in enumerate(clauses) if a <= trigger.start() < b)
        if clauses[k] in done_clauses:
            continue
        done_clauses.add(clauses[k])
        ca, cb = clauses[k]
        kinds = {_kind(m) for m in _TRIGGER.finditer(s, ca, cb)}
        kind = next(x for x in KINDS if x in kinds)
        items = _named(s, ca, cb)
        if k + 1 < len(clauses) and (
            s[cb - 1] in "：:" or _LIST_AFTER.match(s, *_trimmed(s, *clauses[k + 1]))
        ):
            items += _named(s, *clauses[k + 1])
        found: list[tuple[str, int, int, int | None]] = []
        if items:
            count = _count(s, items[-1][2], cb)
            found = [(title, a, b, count) for title, a, b in items]
        else:
            ta, tb = _trimmed(s, ca, cb)
            text = s[ta:tb]
            count = _count(s, ta, tb)
            reported = (count or 0) >= 2 or _DONE.search(text)
            if (
                len(text) >= 6
                and reported
                and not any(x.start <= ta and tb <= x.end for x in asked)
                and not _WANTED.search(s, sa, tb)
            ):
                found = [(text, ta, tb, count)]
        for title, a, b, count in found:
            if title in seen:
                continue
            seen.add(title)
            if zone_mentions is None:
                zone_mentions = _zones(s)
            zone = _zone_for(zone_mentions, sa, sb)
            out.append(Outcome(kind, title, Span(a, b), Span(sa, sb), zone, count))
    return out
