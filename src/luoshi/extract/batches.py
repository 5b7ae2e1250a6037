"""Counted batches of work items: "96项年度工作任务", "103项行政职权", "一百零三项…", and "N个X"
where X is a task, measure, matter or reform item ("26个重点改革事项"). As the gold spec has it,
other counters are no batches ("20条措施", "十件实事"); a batch written twice (headline and
text) is one batch. A count inside a cited title counts ("《…等五项地方性法规的决定》")."""

from __future__ import annotations

import re

from luoshi.extract.scan import first_each, occurrences
from luoshi.model import Span, TaskBatch
from luoshi.text import parse_number

_NUM = r"(\d{1,5}|[一二三四五六七八九十百千两零〇]{1,8})"
# The item text is a lookahead so that a batch may follow right after another's text.
# The items may quote a slogan: "12个“高效办成一件事”重点事项".
_BATCH = re.compile(_NUM + r"(项|个)(?=([\u4e00-\u9fff、“”]{1,16}))")
_UNIT_CHARS = "项个"  # a batch holds one: at most 8 numeral characters before, 16 after
_UNIT = re.compile(f"[{_UNIT_CHARS}]")
# "N个X" counts only where X is a task, measure, matter or reform item.
_GE_NOUN = re.compile(r"(?:任务|举措|措施|事项|改革事项|改革举措|工作要点)")
_FIXED = re.compile(
    r"(?:八项规定|四个意识|四个自信|两个维护|两个确立|四个全面|五位一体|两个一百年|三个代表|两个大局|"
    r"四个服务|三个务必|四个面向)"
)
_TAIL_STOP = re.compile(
    r"(?:的|已|均|全部|并|正在|得到|中|于|和|与|及|等|为|是|由|都|将|要|在|共|"
    # verbs that start the predicate: "57项重点任务逐项分解", "17项民生政策进行提标扩面"
    r"逐项|逐一|逐条|一项一项|一件一件|进行|分解|抓好|抓实|落实|推进|纳入|列入|实施|开展|明确|取得|按照|如期).*$"
)
_QUOTED = re.compile(r"“[^“”]*”")
_WHAT_HEAD_STOP = re.compile(r"^(?:之|以上|左右|多|余)")


_NUMERAL_CHARS = frozenset("一二三四五六七八九十百千两零〇")  # _NUM's class; its digits: isdecimal()


def _counted_units(s: str) -> list[tuple[int, int]]:
    """The units a numeral stands right before (every match of _BATCH ends in one): only around
    them can _BATCH match, and the window of each still holds the whole match and its text."""
    return [
        (c, c + 1)
        for c in occurrences(s, _UNIT_CHARS)
        if c and (s[c - 1] in _NUMERAL_CHARS or s[c - 1].isdecimal())
    ]


def _batch_matches(s: str) -> list[re.Match[str]]:
    """The matches of ``_BATCH.finditer(s)``, each tried where it can only start: every match
    ends its count at a unit a numeral stands before (``_counted_units``), and starts where the
    run of digits (at most 5) or of numeral characters (at most 8) before that unit does — the
    leftmost place the scan could match it, as a unit is no numeral and no match runs over one.
    One ``match`` a unit instead of the engine trying the pattern at each place of a window."""
    out: list[re.Match[str]] = []
    for c, _ in _counted_units(s):
        digits = s[c - 1].isdecimal()
        start, floor = c - 1, c - (5 if digits else 8)
        while (
            start > floor
            and start > 0
            and (s[start - 1].isdecimal() if digits else s[start - 1] in _NUMERAL_CHARS)
        ):
            start -= 1
        m = _BATCH.match(s, start)
        if m is not None:
            out.append(m)
    return out


def find_batches(s: str) -> list[TaskBatch]:
    out: list[TaskBatch] = []
    for m in _batch_matches(s):
        raw, unit, what = m.group(1), m.group(2), m.group(3)
        if (m.start() > 0 and s[m.start() - 1] in "第每") or _WHAT_HEAD_STOP.match(what):
            continue  # ordinals ("第3项") and approximations are not batches
        if _FIXED.match(s, m.start()):
            continue
        what = _TAIL_STOP.sub("", what).rstrip("、")
        if len(what) < 2 or raw in ("一", "1"):
            continue
        if unit != "项":
            # "N个X" counts only where X is itself a task-like item ("26个重点改革事项").
            noun = _GE_NOUN.search(what)
            # The noun may start up to 8 characters in, a quoted slogan not counted.
            if not noun or noun.start() - sum(map(len, _QUOTED.findall(what, 0, noun.start()))) > 8:
                continue
            what = what[: noun.end()]
        if what.count("“") != what.count("”"):
            what = what.rstrip("“")  # a quotation cut off at the end
        count = parse_number(raw)
        if count is None or count < 2:
            continue
        out.append(TaskBatch(count, what, Span(m.start(), m.start(3) + len(what))))
    return first_each(out, lambda b: (b.count, b.what))
