"""Metadata read off the text itself: headline, publication date, source."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache
from importlib.resources import files

from luoshi.text import to_simplified

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
# A publication date outside these years is a placeholder or a typing slip ("0001-01-01"), not
# a readout's day; the rules that count days back from it ("昨天") need a calendar around it.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2100


def _plausible(day: date) -> str | None:
    return day.isoformat() if EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


def make_date(y: str | int, m: str | int, d: str | int) -> str | None:
    try:
        return _plausible(date(int(y), int(m), int(d)))
    except ValueError:
        return None


def parse_date_value(value: object) -> str | None:
    """A date from metadata of any usual shape: ISO, RFC 2822, Chinese, datetime objects."""
    if isinstance(value, datetime):
        return _plausible(value.date())
    if isinstance(value, date):
        return _plausible(value)
    if value is None:
        return None
    text = str(value).strip()
    m = re.search(_YMD, text)
    if m:
        return make_date(*m.groups())
    try:
        return _plausible(parsedate_to_datetime(text).date())
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


# What a page's title or first line may be instead of a headline, by category:
# an editorial-office byline or credit (本刊编辑部, 本报评论员, 本网原创),
_BYLINE = re.compile(r"(?:编辑部|评论员|评论部|本网原创|原创|通讯员|记者)$")
# a reporter's credit (深圳新闻网讯（深圳特区报记者 林捷兴）, 责任编辑：…) on a short line,
_CREDIT = re.compile(
    r"(?:记者|通讯员)\s*[\u4e00-\u9fff]{2,3}(?=\s|[)）/、,，]|$)|[(（][^)）]*记者|责任编辑|编辑[:：]"
)
# a navigation trail or site furniture (首页 -> 头条, 旧版网站入口, 站内搜索),
_NAVIGATION = re.compile(r"->|>>|›|»|网站入口|站内搜索|^首页")
# a file or image name (dev-017, index.html, 湾区行_fororder_湾区行_副本),
_FILE_NAME = re.compile(
    r"^[\w.\-]+$|_副本|_fororder_|\.(?:jpe?g|png|gif|s?html?|pdf|docx?)$", re.ASCII | re.I
)
# and a line with no words besides a date (2024年11月23日 星期六 |).
_CJK = re.compile(r"[\u3400-\u9fff]")
_HEAD_LINES = 8  # lines at the top of a page searched for its headline
_LEAD_CHARS = 40  # a title made from the first sentence is cut here


@lru_cache(maxsize=1)
def media_names() -> frozenset[str]:
    """Newspapers, sites and programmes (the extractors' word list ``extract/gazetteer/media.txt``,
    read as data)."""
    text = (files("luoshi") / "extract" / "gazetteer" / "media.txt").read_text(encoding="utf-8")
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


def placeholder_title(title: str, stem: str | None = None) -> bool:
    """Whether ``title`` names something other than the article: the file's own name, a
    newspaper or site (香港商报, 香港商报网), an editorial office (本刊编辑部), a navigation trail,
    a file or image name, or nothing but a date."""
    plain = to_simplified(title.strip().strip("|｜-—_ ·"))
    if not plain or (stem and plain.lower() == to_simplified(stem).lower()):
        return True
    undated = _RUNNING_DATE.sub("", _STAMP_YMD.sub("", plain))
    if not _CJK.search(undated):
        return True  # a date, a code, an English file name
    media = media_names()
    return bool(
        plain in media
        or re.sub(r"(?:网|客户端|官网|报社|电视台)$", "", plain) in media
        or _BYLINE.search(plain)
        or (len(plain) <= 40 and "。" not in plain and _CREDIT.search(plain))
        or _NAVIGATION.search(plain)
        or _FILE_NAME.search(plain)
    )


_FIRST_LINES = 40  # lines at the top of a page whose first _HEAD_LINES non-empty ones are searched


def head_lines(text: str) -> Iterator[str]:
    """The first ``_HEAD_LINES`` non-empty lines among the first ``_FIRST_LINES`` of ``text``,
    stripped; each cut from the text when it is asked for (a headline is found on the first
    lines: the text is not split whole)."""
    start = found = 0
    for _ in range(_FIRST_LINES):
        end = text.find("\n", start)
        line = (text[start:] if end < 0 else text[start:end]).strip()
        if line:
            yield line
            found += 1
            if found == _HEAD_LINES:
                return
        if end < 0:
            return
        start = end + 1


def headline(text: str, stem: str | None = None) -> str | None:
    """The headline line at the top of a scraped page, if the page starts with one. Lines above
    it that are no headline (a masthead, a byline, navigation, a file name, a date, a line of
    fewer than four Chinese characters) are passed over; the first other line is the headline
    when it looks like one (4–80 characters, no full stop, no dateline), else there is none."""
    for line in head_lines(text):
        if placeholder_title(line, stem) or len(_CJK.findall(line)) < 4:
            continue
        if 4 <= len(line) <= 80 and "。" not in line and not _DATELINE.search(line):
            return line
        return None
    return None


_DATELINE_PREFIX = re.compile(
    r"^.{0,40}?(?:讯|訊|电|電)(?:[】\]]|(?=\s|\d|[(（]|$))\s*(?:[(（][^)）]{0,40}[)）])?"
)
# dates, labels and punctuation before the first words of a lead ("date 2025-12-19 ", "12月5日")
_LEADING = re.compile(
    r"^(?:" + _YMD + r"|\d{1,2}月\d{1,2}日|(?:星期|周)[一二三四五六日天]|[^\w]|[A-Za-z_]|\d+(?![\d年]))+"
)


def lead_title(text: str, stem: str | None = None) -> str | None:
    """A title for a text without a headline: the first clause of its first sentence that says
    more than a date or a dateline ("12月5日，省委常委会召开会议，…" → 省委常委会召开会议), cut
    at ``_LEAD_CHARS`` characters with "…"."""
    for line in head_lines(text):
        if placeholder_title(line, stem) or len(_CJK.findall(line)) < 4:
            continue
        for clause in re.split(r"[，。；！？,;]", line)[:4]:
            words = _LEADING.sub("", _DATELINE_PREFIX.sub("", clause)).strip()
            if len(_CJK.findall(words)) < 4 or _CREDIT.search(to_simplified(words)):
                continue
            return words[:_LEAD_CHARS] + "…" if len(words) > _LEAD_CHARS else words
        return None
    return None


def title_of(declared: str | None, text: str, stem: str | None = None) -> str | None:
    """The document's title: the declared one (record field or HTML <title>) unless it is a
    placeholder (``placeholder_title``), else the headline of the text, else its lead."""
    if declared and not placeholder_title(declared, stem):
        return declared
    return headline(text, stem) or lead_title(text, stem)


def source_site(text: str) -> str | None:
    m = _SOURCE.search(text[:HEADER_CHARS])
    return m.group(1) if m else None
