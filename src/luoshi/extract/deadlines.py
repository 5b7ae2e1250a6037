"""Time limits (完成时限): found in a readout and understood, one implementation for extraction
and for the ledger.

``parse_deadline`` understands a phrase as written ("6月底前", "确保年内", "长期坚持", "尽快"):
a date (the last day it allows), a recurring period (每季度), ongoing work (长期坚持), a limit
that names no day (尽快, 如期), or nothing. Year-relative phrases are read against a reference
day, the event's date: "年底前" → 31 December of that year, "明年…" → the year after, "月底前" →
the end of that month. "X前" allows X itself, as "2017年5月30日前" allows that day: "2025年前" →
31 December 2025.

``find_deadlines`` finds the phrases in a text that set a limit on work still to do, with their
spans. A time word counts only where it limits work: followed by 前/之前/内, by a verb of
completion (完成, 建成, 投用…), or governed by 力争/确保/争取/计划. So the 前 of 前沿/前瞻/前列 is
never a limit, a year inside a cited title "(2020-2025年)" is not, and neither is a date of a
past event or of a future meeting."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from luoshi.extract.scan import first_each, inside_brackets
from luoshi.model import DeadlinePhrase, Span
from luoshi.text import require_number, to_simplified


@dataclass(frozen=True)
class Deadline:
    text: str
    kind: str  # date | recurring | ongoing | undated | none
    date: date | None = None
    period: str | None = None  # for recurring: month | quarter | half-year | year

    def to_json(self) -> dict[str, str | None]:
        return {
            "text": self.text,
            "kind": self.kind,
            "date": self.date.isoformat() if self.date else None,
            "period": self.period,
        }


_ONGOING = re.compile(r"长期坚持|持续推进|长期|持续|常态化|久久为功|逐年推进|持续开展")
# Limits that name no day: as soon as possible, on schedule, within a set time. The phrase is the
# whole of the limit (with a governor and a verb of completion at most): "尽快吧" is not one.
_UNDATED = re.compile(
    r"^(?:确保|力争|务必|必须)?(?:尽快|尽早|早日|如期|限时|限期)(?:完成|办结|到位|落实|落地|实现|建成|推进)?$"
)
_RECURRING = [
    (re.compile(r"每月|按月"), "month"),
    (re.compile(r"每季度?|按季度?|季度"), "quarter"),
    (re.compile(r"每半年"), "half-year"),
    (re.compile(r"每年|年度"), "year"),
]
_YEAR = r"((?:19|20)\d{2}|[二〇零一二三四五六七八九]{4})"
_MONTH = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_FULL_DATE = re.compile(r"((?:19|20)\d{2})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
# Before a named occasion: "2017年东博会前", "9月开学前", "国庆节前" name no day.
_OCCASION = r"(?:会|开学|开幕|开园|开业|放假|汛期?|节)"
_HOLIDAY = r"(?:春节|国庆节?|元旦|中秋节?|五一|入汛|主汛期|汛期|开学)"  # (each led by a literal)
_EVENT_BEFORE = re.compile(
    r"(?:(?:" + _YEAR + r"年|\d{1,2}月)[\u4e00-\u9fff]{0,8}?" + _OCCASION + "|" + _HOLIDAY + r")(?:之)?前"
)


def _num(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if len(raw) == 4 and all(c in "〇零一二三四五六七八九" for c in raw):
        return int("".join(str("〇一二三四五六七八九".index(c.replace("零", "〇"))) for c in raw))
    return require_number(raw)


def month_end(y: int, m: int) -> date:
    """The last day of month ``m`` of year ``y``."""
    return date(y, m, calendar.monthrange(y, m)[1])


def safe_date(y: int, m: int, d: int) -> date | None:
    """The date, or None where the calendar has no such day (2月30日)."""
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_deadline(
    text: str | None, year: int | None = None, today: date | None = None, reference: date | None = None
) -> Deadline:
    """Understand a deadline phrase. ``reference`` is the day it was set (the event's date; its
    month resolves "月底前"); ``year`` is the programme's year where there is no such day."""
    raw = (text or "").strip()
    if not raw:
        return Deadline("", "none")
    base_year = year or (reference or today or date.today()).year
    this_month = reference.month if reference else (today or date.today()).month
    return _parse(raw, base_year, this_month)


@lru_cache(maxsize=4096)
def _parse(raw: str, base_year: int, this_month: int) -> Deadline:
    """``parse_deadline`` of a stripped phrase, given the year it is read in and the month that
    "月底前" means: a function of its arguments alone, so a phrase met again (the same limits
    recur from readout to readout) is understood once (a ``Deadline`` is immutable)."""
    s = to_simplified(raw).replace(" ", "")
    if _ONGOING.search(s) and not re.search(r"\d{4}年|年底|月底", s):
        return Deadline(raw, "ongoing")
    m = _FULL_DATE.search(s)
    if m:
        full = safe_date(int(m[1]), int(m[2]), int(m[3]))
        return Deadline(raw, "date", full) if full else Deadline(raw, "none")
    if _EVENT_BEFORE.search(s):
        return Deadline(raw, "undated")  # before a named event: the text gives no day
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
        if not 1 <= month <= 12:
            return Deadline(raw, "none")
        if day := re.match(r"(\d{1,2})日", s[mm.end() :]):  # "5月31日前"
            found = safe_date(y, month, int(day[1]))
            return Deadline(raw, "date", found) if found else Deadline(raw, "none")
        if re.search(r"上旬", s):
            return Deadline(raw, "date", date(y, month, 10))
        if re.search(r"中旬", s):
            return Deadline(raw, "date", date(y, month, 20))
        return Deadline(raw, "date", month_end(y, month))
    if re.search(r"(?:本|当|这个)?月(?:底|末)", s) and not re.search(r"年(?:底|末)", s):
        return Deadline(raw, "date", month_end(y, this_month))
    q = re.search(r"(?:第)?([一二三四1-4首])季", s)
    if q and not re.search(r"每", s):
        quarter = 1 if q[1] == "首" else _num(q[1])
        return Deadline(raw, "date", month_end(y, quarter * 3))
    if "上半年" in s or "年中" in s:
        return Deadline(raw, "date", date(y, 6, 30))
    if explicit_year or re.search(r"年底|年末|年内|下半年|今年|明年|次年|全年|当年", s):
        return Deadline(raw, "date", date(y, 12, 31))
    for pattern, period in _RECURRING:
        if pattern.search(s):
            return Deadline(raw, "recurring", period=period)
    if _ONGOING.search(s):
        return Deadline(raw, "ongoing")
    if _UNDATED.search(s):
        return Deadline(raw, "undated")
    return Deadline(raw, "none")


# -- finding limits in a text ------------------------------------------------------------------

_Y = r"(?:(?:19|20)\d{2}年|今年|明年|次年|当年|本年)"
_M = r"(?:\d{1,2}|[一二三四五六七八九十]{1,3}|本|当)月"
# A quarter as the mainland writes it ("三季度末") and as Hong Kong and Macao do ("第三季结束",
# "首季").
_QUARTER = r"(?:(?:第)?[一二三四1-4]季度?|首季度?)(?:末|结束)?"
_POINT = (
    rf"(?:{_Y}(?:底|末)|{_Y}?(?:{_M}(?:\d{{1,2}}日|底|末|上旬|中旬|下旬)?|月底|月末|年底|年末|年中|上半年|下半年"
    rf"|{_QUARTER})|(?:19|20)\d{{2}}年)"
)
# A point that is a limit once governed by 力争/确保 (上半年/下半年 alone are periods of narrative).
_STRICT = (
    rf"(?:{_Y}(?:底|末|上半年|下半年|年中)|{_Y}?(?:{_M}(?:\d{{1,2}}日|底|末|上旬|中旬|下旬)?|月底|月末|年底|年末"
    rf"|(?:第)?[一二三四1-4]季度末|(?:第|首)[一二三四1-4]?季(?:度)?(?:末|结束))"
    rf"|(?:19|20)\d{{2}}年)"
)
# What may follow 前 in a word that is not a limit (前沿, 前瞻, 前列, 前海 …).
# A numeral after 前 counts the first of something ("2024年前三季度", "前10个月"). After a point
# in time 前提 and 前进 are not words: "9月底前提请审议", "6月底前进一步完善" are limits.
_NOT_BEFORE = "沿瞻列景期行往夕面者所端线置身台海湾后头茅锋卫缘排哨0123456789一二两三四五六七八九十几半"
_BEFORE = rf"(?:之)?前(?![{_NOT_BEFORE}])"
_COMPLETE = r"(?:全面)?(?:完成|建成|完工|竣工|投用|投入使用|投产|开工|开通|通车|落地|到位|实现|交付|出台|上线|见效|推出|印发)"
_GOVERN = r"(?:力争|确保|争取|计划|务必|必须|要在|要于|需在|限于|力争在|确保在|争取在|计划于|计划在)"
# The leading class holds every character a limit can start with: a position that cannot start
# one fails on one test instead of on each alternative (15 times faster on readouts).
_LIMIT_FIRST = r"[\d一二三四五六七八九十今明次当本上下年月第首尽早如限长确力争计务必要需每按]"
_LIMIT_BODY = (
    rf"(?:(?P<before>{_POINT}(?:{_BEFORE}|内(?![容部外涵])))"
    rf"|(?P<within>(?:确保|力争|争取)(?:今年|本年|当年)?年内(?!已)"
    rf"|(?<=提出|计划|目标)(?:今年|本年|当年)?年内(?!已)"
    rf"|(?<![一二两三四五六七八九十\d])(?:今年|本年|当年)?年内(?!已|累计|共|新增))"
    rf"|{_GOVERN}[在于]?(?P<governed>(?:{_STRICT}|(?:明年|次年)(?![一二三四五六七八九十第首上下季]))(?!\d)"
    rf"(?![^\s前底，。；]{{0,4}}?{_OCCASION}前)(?:{_BEFORE})?)"
    rf"|(?P<done>(?:{_POINT}|明年|次年)(?!\d)(?=[\u4e00-\u9fff]{{0,2}}{_COMPLETE}(?!了)))"
    rf"|(?P<full>(?:19|20)\d{{2}}年\d{{1,2}}月\d{{1,2}}日"
    rf"(?:{_BEFORE}|(?=[\u4e00-\u9fff]{{0,2}}{_COMPLETE})))"
    rf"|(?P<event>(?:(?:19|20)\d{{2}}年|\d{{1,2}}月)[\u4e00-\u9fff]{{0,8}}?{_OCCASION}{_BEFORE})"
    rf"|(?P<undated>尽快|尽早|早日|如期(?!召开|举行|开幕|闭幕|进行|召集|而至)|限时完成|限期完成|长期坚持)"
    r"|(?P<recurring>每(?:个)?(?:月|季度|半年|年)|按(?:月|季度)))"
)
_LIMITS = re.compile(f"(?={_LIMIT_FIRST}){_LIMIT_BODY}")
# What every limit starts with, two characters or so: a digit only where a year, a month or a
# quarter begins (not inside "2024"), a numeral only before 月/季, and so on.
_LIMIT_START = (
    r"\d\d?月|(?:19|20)\d\d年|[1-4]季|[今明次当本][年月]|[一二三四五六七八九十]{1,3}[月季]|月[底末]|年[底末中内]"
    r"|[上下]半|第[一二三四1-4季]|首[一二三四1-4季]|力争|确保|争取|计划|务必|必须|要[在于]|需在|限[于时期]|尽[快早]"
    r"|早日|如期|长期|每|按[月季]"
)
# _LIMITS for a scan: a class first lets the engine skip ahead to the characters a limit can start
# with (the lookahead of _LIMITS is tried at every position instead); the lookbehind then steps
# back over that character and tries the start, then the body, from it. The match is that one
# character with the body's groups: ``limit_matches`` turns them back into _LIMITS' matches.
# _LIMIT_BODY with a guard before three of its alternatives: what each cannot match without, no
# further on than its longest match reaches (_POINT is at most 12 characters, _OCCASION 2, a
# year or a month 5; no alternative crosses a line). A date that limits nothing ("2026年9月10日讯",
# several in every readout) then fails on three short scans instead of on every way _POINT can
# be read, twice: the scan takes a fifth less time, with the same matches (a guard only stops an
# alternative that could not have matched).
_LIMIT_BODY_GUARDED = (
    _LIMIT_BODY.replace("(?P<before>", "(?P<before>(?=.{0,13}[前内])", 1)
    .replace("(?P<done>", "(?P<done>(?=.{0,14}[全完建竣投开通落到实交出上见推印])", 1)
    .replace("(?P<event>", "(?P<event>(?=.{0,16}前)", 1)
)
_LIMITS_SCAN = re.compile(f"{_LIMIT_FIRST}(?<=(?={_LIMIT_START})(?={_LIMIT_BODY_GUARDED}).)")


def limit_matches(s: str) -> list[tuple[str, int, int, int]]:
    """(group, match start, group start, group end) of each match of ``_LIMITS.finditer(s)``, in
    order, found through _LIMITS_SCAN: its matches start where _LIMITS' may, and each ends where
    its group does (every alternative of _LIMITS ends with its group); one found inside the
    previous is dropped, as the scan of _LIMITS would go on after it. (Each search starts where
    the previous group ends: the places inside it — "月底前" of "9月底前" — are not tried. The
    scan's lookbehind sees the text before that start, so a match is the one the whole scan finds
    there.)"""
    out: list[tuple[str, int, int, int]] = []
    search = _LIMITS_SCAN.search
    m = search(s)
    while m is not None:
        group = m.lastgroup or ""
        a, b = m.span(group)
        out.append((group, m.start(), a, b))
        m = search(s, max(b, m.start() + 1))  # (every group ends after its match starts)
    return out


# Holidays and seasons name an occasion without a year or month before them ("国庆节前"); a pass
# of their own keeps the leading class of _LIMITS to the characters that usually start a limit.
_HOLIDAY_LIMIT = re.compile(rf"(?P<event>{_HOLIDAY}{_BEFORE})")
_PAST = re.compile(r"(?:已|曾)(?:经)?(?:于|在)?$")
_FULL_YEAR = re.compile(r"(?:19|20)\d{2}年")


def find_deadlines(s: str, reference: date | None) -> list[DeadlinePhrase]:
    """Limits on work still to do in ``s`` (simplified text), each distinct phrase once: the
    ``deadlines`` of the facts. A recurring period (每季度) is no limit, and a phrase that names a
    day relative to the event is left out where there is no event day to read it against."""
    return limits(find_deadline_mentions(s, reference))


def limits(mentions: list[DeadlinePhrase]) -> list[DeadlinePhrase]:
    """The facts' ``deadlines`` from the mentions: limits only, each distinct phrase once."""
    kept = (d for d in mentions if d.kind in ("undated", "ongoing") or (d.kind == "date" and d.date))
    return first_each(kept, lambda d: d.text)


def find_deadline_mentions(s: str, reference: date | None) -> list[DeadlinePhrase]:
    """Every time limit or recurring period for work still to do in ``s`` (simplified text), with
    its span and the last day it allows read against ``reference`` (the event's date); a
    directive takes the first inside it as its deadline."""
    out: list[DeadlinePhrase] = []
    found = limit_matches(s)
    if any(h in s for h in ("节", "汛", "开学", "元旦", "五一")):
        taken = [(at, b) for _, at, _, b in found]
        holidays = (
            ("event", m.start(), *m.span("event"))
            for m in _HOLIDAY_LIMIT.finditer(s)
            if not any(a < m.end() and m.start() < b for a, b in taken)
        )
        found = sorted([*found, *holidays], key=lambda m: m[1])
    for _, _, start, end in found:
        text = s[start:end]
        if inside_brackets(s, start) or _PAST.search(s[max(0, start - 4) : start]):
            continue
        dl = parse_deadline(text, reference=reference)
        if dl.kind == "none":
            continue
        if dl.date and reference and dl.date < reference:
            continue  # a day already past when it was said: history, not a limit
        relative = dl.kind == "date" and not _FULL_YEAR.search(text)
        value = dl.date.isoformat() if dl.date and (reference or not relative) else None
        out.append(DeadlinePhrase(text, value, Span(start, end), dl.kind))
    return out
