"""Metadata read off the text itself: headline, publication date, source."""

from __future__ import annotations

import re
from datetime import date, datetime
from email.utils import parsedate_to_datetime

_YMD = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_LABELLED = re.compile(
    r"(?:发布日期|发布时间|發佈日期|發佈時間|发布于|發布日期|發布時間|发文日期|日期|时间|時間|date)"
    r"\s*[:：]?\s*" + _YMD,
    re.IGNORECASE,
)
_DATELINE = re.compile(_YMD + r"\s*(?:讯|訊|电|電)")
# "新华社北京3月21日电": the article's own dateline, its year from the page.
_DATELINE_MONTH_DAY = re.compile(r"(?<![\d年/.-])(\d{1,2})月(\d{1,2})日\s*(?:讯|訊|电|電)")
# "06.04.2017 19:55": day.month.year, as some sites stamp their pages.
_DMY = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d{2})(?![\d.])")
_STAMP_YMD = re.compile(_YMD)
# "2024年11月23日 星期六": a site's running date, not the article's.
_RUNNING_DATE = re.compile(r"\s*(?:星期|周|礼拜)[一二三四五六日天]")
_NUMERIC = re.compile(r"(?<!\d)((?:19|20)\d{2})-(\d{1,2})-(\d{1,2})(?!\d)")
_SOURCE = re.compile(r"(?:来源|來源|稿源)\s*[:：]\s*([^\s|│]{2,30})")

HEADER_CHARS = 600


def make_date(y: str | int, m: str | int, d: str | int) -> str | None:
    try:
        return date(int(y), int(m), int(d)).isoformat()
    except ValueError:
        return None


def parse_date_value(value: object) -> str | None:
    """A date from metadata of any usual shape: ISO, RFC 2822, Chinese, datetime objects."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return None
    text = str(value).strip()
    m = re.search(_YMD, text)
    if m:
        return make_date(*m.groups())
    try:
        return parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def published_in_text(text: str, declared: str | None = None) -> str | None:
    """The publication date the text states. The article's own dateline ("2025年5月7日讯",
    "新华社北京3月21日电" with the page's year) wins over a date declared in metadata (front
    matter), then a labelled date ("发布日期:…"), then a date stamped on a short header line
    ("四川日报 2020年07月01日", "2025-03-17 11:12:16 来源:…", "06.04.2017 19:55"). A site's
    running date ("…日 星期六") is never taken."""
    head = text[:HEADER_CHARS]
    m = _DATELINE.search(head)
    if m and (found := make_date(*m.groups()[-3:])):
        return found
    stamped = _stamped(head)
    m = _DATELINE_MONTH_DAY.search(head)
    year_from = declared or stamped
    if m and year_from:
        ref = date.fromisoformat(year_from)
        month, day = int(m[1]), int(m[2])
        year = ref.year - 1 if month - ref.month > 6 else ref.year  # a December dateline, January page
        if found := make_date(year, month, day):
            return found
    if declared:
        return declared
    m = _LABELLED.search(head)
    if m and (found := make_date(*m.groups()[-3:])):
        return found
    return stamped


def _stamped(head: str) -> str | None:
    """A date stamped on a short header line (no sentence around it)."""
    for line in head.split("\n")[:12]:
        if len(line) > 120 or "，" in line or "。" in line:
            continue
        for pattern, order in ((_STAMP_YMD, (0, 1, 2)), (_NUMERIC, (0, 1, 2)), (_DMY, (2, 1, 0))):
            for m in pattern.finditer(line):
                if _RUNNING_DATE.match(line, m.end()):
                    continue
                groups = m.groups()
                if found := make_date(*(groups[k] for k in order)):
                    return found
    return None


def headline(text: str) -> str | None:
    """The headline line at the top of a scraped page, if the page starts with one."""
    for line in text.split("\n")[:3]:
        line = line.strip()
        if not line:
            continue
        if 4 <= len(line) <= 80 and "。" not in line and not _DATELINE.search(line):
            return line
        return None
    return None


def source_site(text: str) -> str | None:
    m = _SOURCE.search(text[:HEADER_CHARS])
    return m.group(1) if m else None
