"""The event date of a readout, and deadlines inside directives.

The event is the day the lead sentence narrates: a date that opens a sentence ("9月27日，…")
wins over one met mid-sentence ("定于1月23日召开"). A date without a year takes the year of
the publication date (a December date in a January publication takes the year before);
without a publication date, the year the text itself names for the occasion, if any."""

from __future__ import annotations

import re
from datetime import date

from luoshi.extract.scan import finditer_near, windows
from luoshi.model import Span

_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_DAY = re.compile(r"(?<![\d月])[（(]?(\d{1,2})日[）)]?(?=[上下中晚凌早]|[，,（(]|召开|举行|在)")
_NOT_EVENT = re.compile(r"^\s*(?:讯|訊|电|電)|^[^，。\n]{0,4}(?:发布|刊发|更新)")
_LABEL_BEFORE = re.compile(r"(?:发布日期|发布时间|日期|时间|来源|date)\s*[:：]?\s*$", re.IGNORECASE)
_SENTENCE_START = set("。！？!?\n")

DEADLINE = re.compile(
    r"(?:(?:(?:19|20)\d{2}|明|今|当)年)?(?:\d{1,2}月)?(?:底|末|中旬|上旬|下旬)?前|年底前|年内|年底|上半年|下半年|"
    r"(?:(?:19|20)\d{2})年(?:\d{1,2}月)?(?:底|末)?|(?:每季度|每月|每年|长期坚持|持续推进|力争明年|力争今年)"
)


def _safe(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _resolve(month: int, day: int, published: date | None, text_year: int | None) -> date | None:
    if published is None:
        return _safe(text_year, month, day) if text_year else None
    found = _safe(published.year, month, day)
    if found and (found - published).days > 31:
        found = _safe(published.year - 1, month, day)
    return found


# "2021年" as a year of its own, not an end of a span ("2020-2025年") nor a start of one
# ("2021—2025年").
_YEAR = re.compile(r"(?<![\d\-—－~～至到])((?:19|20)\d{2})年(?!\s*[\-—－~～至到])")


def text_year(s: str) -> int | None:
    """The year a text gives for its own occasion when it has no publication date: the year it
    names most often ("审议2021年工作要点", "2021年是…的一年"), the first named on a tie."""
    counts: dict[int, int] = {}
    for m in _YEAR.finditer(s):
        counts[int(m[1])] = counts.get(int(m[1]), 0) + 1
    if not counts:
        return None
    return max(counts, key=lambda y: counts[y])  # dicts keep first-seen order for ties


def _sentence_initial(s: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and s[j] in " \u3000\t":
        j -= 1
    return j < 0 or s[j] in _SENTENCE_START


LEAD_CHARS = 2500  # the event is narrated in the lead; later dates are history or plans
# Every date pattern ends in 日, at most 12 characters after its start; _DAY looks 3 past it.
_ANCHOR = re.compile("日")


def find_event_date(s: str, published: str | None) -> tuple[str | None, Span | None]:
    pub = date.fromisoformat(published) if published else None
    year = None if pub else text_year(s)
    s = s[:LEAD_CHARS]
    candidates: list[tuple[int, int, int, date | None]] = []  # (priority, start, end, date)

    def consider(start: int, end: int, value: date | None) -> None:
        before = s[max(0, start - 12) : start]
        if _NOT_EVENT.search(s[end : end + 4]) or _LABEL_BEFORE.search(before):
            return  # a dateline or a publication stamp, not the event
        priority = 0 if _sentence_initial(s, start) else 1
        candidates.append((priority, start, end, value))

    near = windows(s, _ANCHOR, before=12, after=3)
    taken: list[tuple[int, int]] = []
    for m in finditer_near(_FULL, s, near):
        taken.append(m.span())
        consider(m.start(), m.end(), _safe(int(m[1]), int(m[2]), int(m[3])))
    for m in finditer_near(_MONTH_DAY, s, near):
        if any(a <= m.start() < b for a, b in taken):
            continue
        taken.append(m.span())
        consider(m.start(), m.end(), _resolve(int(m[1]), int(m[2]), pub, year))
    for m in finditer_near(_DAY, s, near):
        if any(a <= m.start() < b for a, b in taken) or pub is None:
            continue
        day = int(m[1])
        value = _safe(pub.year, pub.month, day) if day <= pub.day else None
        if value is None and day > pub.day:
            prev_month = pub.month - 1 or 12
            value = _safe(pub.year if pub.month > 1 else pub.year - 1, prev_month, day)
        consider(m.start(), m.end(), value)
    if not candidates:
        return None, None
    candidates.sort(key=lambda c: (c[0], c[1]))
    _, start, end, value = candidates[0]
    if value is None:
        return None, Span(start, end)
    return value.isoformat(), Span(start, end)
