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


def published_in_text(text: str) -> str | None:
    """The publication date the text states: a labelled date, a dateline, or a header stamp."""
    head = text[:HEADER_CHARS]
    for pattern in (_LABELLED, _DATELINE):
        m = pattern.search(head)
        if m:
            found = make_date(*m.groups()[-3:])
            if found:
                return found
    # A bare numeric stamp ("2025-03-17 11:12:16 来源: …") on a short header line.
    for line in head.split("\n")[:12]:
        m = _NUMERIC.search(line)
        if m and len(line) <= 120:
            found = make_date(*m.groups())
            if found:
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
