"""Deadlines as written (完成时限) and as understood.

The original text is always kept; ``parse_deadline`` adds what it means: a date (the last day
the phrase allows), a recurring period (每季度), or ongoing work (长期坚持, 持续推进)."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import cn2an  # type: ignore[import-untyped]

from luoshi.text.fold import to_simplified


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str  # date | recurring | ongoing | none
    date: date | None = None
    period: str | None = None  # for recurring: month | quarter | half-year | year

    def to_json(self) -> dict[str, str | None]:
        return {"text": self.text, "kind": self.kind, "date": self.date.isoformat() if self.date else None,
                "period": self.period}  # fmt: skip


_ONGOING = re.compile(r"长期坚持|持续推进|长期|持续|常态化|久久为功|逐年推进|持续开展")
_RECURRING = [
    (re.compile(r"每月|按月"), "month"),
    (re.compile(r"每季度?|按季度?|季度"), "quarter"),
    (re.compile(r"每半年"), "half-year"),
    (re.compile(r"每年|年度"), "year"),
]
_YEAR = r"((?:19|20)\d{2}|[二〇零一二三四五六七八九]{4})"
_MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"


def _num(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if len(raw) == 4 and all(c in "〇零一二三四五六七八九" for c in raw):
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in raw))
    return int(cn2an.cn2an(raw, "smart"))


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def parse_deadline(text: str | None, year: int | None = None, today: date | None = None) -> Deadline:
    """Understand a deadline phrase. ``year`` is the programme's year (for "年底前", "6月底")."""
    raw = (text or "").strip()
    if not raw:
        return Deadline("", "none")
    s = to_simplified(raw).replace(" ", "")
    base_year = year or (today or date.today()).year
    if _ONGOING.search(s) and not re.search(r"\d{4}年|年底|月底", s):
        return Deadline(raw, "ongoing")
    m = re.search(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", s)
    if m:
        return Deadline(raw, "date", date(int(m[1]), int(m[2]), int(m[3])))
    y = base_year
    ym = re.search(_YEAR + r"年", s)
    explicit_year = ym is not None
    if ym:
        y = _num(ym[1])
    elif "明年" in s or "次年" in s or "翌年" in s:
        y = base_year + 1
    elif "后年" in s:
        y = base_year + 2
    mm = re.search(_MONTH + r"月", s)
    if mm:
        month = _num(mm[1])
        if re.search(r"上旬", s):
            return Deadline(raw, "date", date(y, month, 10))
        if re.search(r"中旬", s):
            return Deadline(raw, "date", date(y, month, 20))
        return Deadline(raw, "date", _month_end(y, month))
    q = re.search(r"(?:第)?([一二三四1-4])季度", s)
    if q and not re.search(r"每", s):
        quarter = _num(q[1])
        return Deadline(raw, "date", _month_end(y, quarter * 3))
    if "上半年" in s:
        return Deadline(raw, "date", date(y, 6, 30))
    if explicit_year and re.search(_YEAR + r"年前", s) and "底" not in s:
        return Deadline(raw, "date", date(y - 1, 12, 31))  # "2025年前": before 2025 begins
    if explicit_year or re.search(r"年底|年末|年内|下半年|今年|明年|全年|当年", s):
        return Deadline(raw, "date", date(y, 12, 31))
    for pattern, period in _RECURRING:
        if pattern.search(s):
            return Deadline(raw, "recurring", period=period)
    if _ONGOING.search(s):
        return Deadline(raw, "ongoing")
    return Deadline(raw, "none")


def excel_date(value: object) -> date | None:
    """A date from an Excel cell: a datetime, or a serial number (days since 1899-12-30)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and 20000 < float(value) < 80000:
        return date(1899, 12, 30) + timedelta(days=int(value))
    return None


def next_recurring_due(period: str, as_of: date) -> date:
    """The end of the current period of a recurring deadline."""
    if period == "month":
        return _month_end(as_of.year, as_of.month)
    if period == "quarter":
        return _month_end(as_of.year, ((as_of.month - 1) // 3 + 1) * 3)
    if period == "half-year":
        return date(as_of.year, 6, 30) if as_of.month <= 6 else date(as_of.year, 12, 31)
    return date(as_of.year, 12, 31)
