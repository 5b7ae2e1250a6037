"""The event date of a readout.

The event is the day the lead sentence narrates: a date that opens a sentence ("9月27日，…")
wins over one met mid-sentence ("定于1月23日召开"). A date without a year takes the year of
the publication date (a December date in a January publication takes the year before);
without a publication date, the year the text itself names for the occasion, if any."""

from __future__ import annotations

import re
from datetime import date, timedelta

from luoshi.extract.deadlines import safe_date
from luoshi.extract.scan import finditer_near, windows
from luoshi.model import Span

_FULL = re.compile(r"(?<!\d)((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日")
_MONTH_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})日")
_DAY = re.compile(
    r"(?<![\d月])(?:[（(]?(\d{1,2})日[）)]?|[昨今]?[（(](\d{1,2})[）)]日)"  # "12日", "（12日）", "昨（7）日"
    r"(?=[上下中晚凌早]|[，,（(]|召开|举行|举办|在|出席|主持|会见|会晤|视察|考察|调研|与|同|赴|到|前往)"
)
# A dateline, a publication stamp ("…日 09:43 来源"), a site's running date ("…日 星期六").
_NOT_EVENT = re.compile(
    r"^\s*(?:讯|訊|电|電|\d{1,2}:\d{2}|星期|周[一二三四五六日天]|礼拜)|^[^，。\n]{0,4}(?:发布(?!会)|刊发|更新|来源)"
)
_STAMP_REST = re.compile(r"\s*(?:\d{1,2}:\d{2}(?::\d{2})?)?\s*(?:[|｜│].*|来源.*)?$")
# (Alternatives led by literals, without groups: the engine skips ahead to 今 and 昨.)
_TODAY = re.compile(r"(?:今天|今日|昨天|昨日)(?![内起])")
_LABEL_BEFORE = re.compile(r"(?:发布日期|发布时间|日期|时间|来源|date)\s*[:：]?\s*$", re.IGNORECASE)
_SENTENCE_START = set("。！？!?\n")


def _resolve(month: int, day: int, published: date | None, text_year: int | None) -> date | None:
    if published is None:
        return safe_date(text_year, month, day) if text_year else None
    found = safe_date(published.year, month, day)
    if found and (found - published).days > 31:
        found = safe_date(published.year - 1, month, day)
    return found


# "2021年" as a year of its own (not "2021年度", an accounting year that may be the last one),
# or a year naming an occasion ("2023“港洽周”"); not an end or a start of a span of years.
# (Each lookbehind on the character before the year follows the year's first two digits, so that
# the engine can skip ahead to 1 and 2 instead of trying the pattern at every position.)
_YEAR = re.compile(r"((?:19|20)(?<![\d\-—－~～至到]..)\d{2})(?:年(?!度)|(?=[“\"]))(?!\s*[\-—－~～至到])")
# "2024-2025年采暖季": a span of one year names a season of the occasion's year.
_SEASON = re.compile(r"((?:19|20)(?<!\d..)\d{2})\s*[\-—－~～至到]\s*((?:19|20)\d{2})年(?!度)")


# "2023年3月底前", "2025年底前", "2025年前", "年内": a year that ends in a time limit is the limit's.
_LIMIT_AFTER_YEAR = re.compile(
    r"(?:\d{1,2}月(?:\d{1,2}日)?)?(?:底|末|中)?(?:之)?前(?![一二三四五六七八九十两\d])|(?:底|末|内)"
)


def text_year(s: str) -> int | None:
    """The year a text gives for its own occasion when it has no publication date: the year it
    names most often ("审议2021年工作要点", "2021年是…的一年"), the first named on a tie, not the
    year of a time limit ("2023年3月底前完成"); else the first year of a one-year season
    ("2024-2025年采暖季")."""
    counts: dict[int, int] = {}
    for m in _YEAR.finditer(s):
        if _LIMIT_AFTER_YEAR.match(s, m.end()):
            continue
        counts[int(m[1])] = counts.get(int(m[1]), 0) + 1
    if counts:
        return max(counts, key=lambda y: counts[y])  # dicts keep first-seen order for ties
    for m in _SEASON.finditer(s):
        if int(m[2]) - int(m[1]) == 1:
            return int(m[1])
    return None


def _stamp_line(s: str, start: int, end: int) -> bool:
    """A date alone on a short line of page furniture ("四川日报 2020年07月01日")."""
    line_start = s.rfind("\n", 0, start) + 1
    line_end = s.find("\n", end)
    line = s[line_start : len(s) if line_end < 0 else line_end]
    rest = s[end : len(s) if line_end < 0 else line_end]
    return len(line) <= 40 and not any(c in line for c in "，,。；") and bool(_STAMP_REST.match(rest))


def _not_the_event(s: str, start: int, end: int) -> bool:
    """A dateline or a publication stamp, not the event."""
    return bool(
        _NOT_EVENT.search(s[end : end + 7])
        or _LABEL_BEFORE.search(s[max(0, start - 12) : start])
        or _stamp_line(s, start, end)
    )


def _sentence_initial(s: str, i: int) -> bool:
    j = i - 1
    while j >= 0 and s[j] in " \u3000\t":
        j -= 1
    return j < 0 or s[j] in _SENTENCE_START


LEAD_CHARS = 2500  # the event is narrated in the lead; later dates are history or plans
# Every date pattern ends in 日, at most 12 characters after its start; _DAY looks 3 past it.
_ANCHOR = re.compile("日")


FAR_DAYS = 62  # a readout appears within days of its event; a day further off is history


def _far_from(value: date | None, published: date) -> bool:
    return value is not None and abs((value - published).days) > FAR_DAYS


def find_event_date(s: str, published: str | None) -> tuple[str | None, Span | None]:
    pub = date.fromisoformat(published) if published else None
    year = None if pub else text_year(s)
    s = s[:LEAD_CHARS]
    candidates: list[tuple[int, int, int, date | None]] = []  # (priority, start, end, date)

    def consider(start: int, end: int, value: date | None) -> None:
        # (Whether the date is a dateline or a stamp is asked below, in the order of preference,
        # only until one is not: the first such is the answer.)
        priority = 0 if _sentence_initial(s, start) else 1
        candidates.append((priority, start, end, value))

    near = windows(s, _ANCHOR, before=12, after=3)
    taken: list[tuple[int, int]] = []
    for m in finditer_near(_FULL, s, near):
        taken.append(m.span())
        consider(m.start(), m.end(), safe_date(int(m[1]), int(m[2]), int(m[3])))
    for m in finditer_near(_MONTH_DAY, s, near):
        if any(a <= m.start() < b for a, b in taken):
            continue
        taken.append(m.span())
        consider(m.start(), m.end(), _resolve(int(m[1]), int(m[2]), pub, year))
    for m in finditer_near(_DAY, s, near):
        if any(a <= m.start() < b for a, b in taken) or pub is None:
            continue
        day = int(m[1] or m[2])
        value = safe_date(pub.year, pub.month, day) if day <= pub.day else None
        if value is None and day > pub.day:
            prev_month = pub.month - 1 or 12
            value = safe_date(pub.year if pub.month > 1 else pub.year - 1, prev_month, day)
        consider(m.start(), m.end(), value)
    if pub is not None:
        # "今天，省委常委会召开扩大会议": the day of publication, when the text says so.
        # "昨日，…": the day before it.
        for m in _TODAY.finditer(s, 0, 600):
            today = m.group().startswith("今")
            if not any(a <= m.start() < b for a, b in taken) and (today or pub > date.min):
                consider(m.start(), m.end(), pub if today else pub - timedelta(days=1))
    if not candidates:
        return None, None
    if pub is not None:
        # "2019年8月20日，新片区揭牌。五年来…8月21日，推进会召开": a day long before the
        # publication is history, read only where the text has no nearer one.
        candidates = [(p + 2 * _far_from(v, pub), a, b, v) for p, a, b, v in candidates]
    candidates.sort(key=lambda c: (c[0], c[1]))  # (no two start at one place)
    first = next((c for c in candidates if not _not_the_event(s, c[1], c[2])), None)
    if first is None:
        return None, None
    _, start, end, value = first
    if value is None:
        return None, Span(start, end)
    return value.isoformat(), Span(start, end)
