"""The Chinese working-day calendar (public holidays and make-up working days, chinese-calendar)
and backward scheduling (倒排工期) from a deadline."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from luoshi.errors import LedgerError
from luoshi.messages import message


class CalendarOutOfRange(LedgerError):
    """A holiday calendar file that cannot be read."""


# Years added with ``luoshi calendar load`` (or load_calendar): year → (holidays, 调休 working days).
_LOADED: dict[int, tuple[frozenset[date], frozenset[date]]] = {}
_SCANNED: set[Path] = set()


def calendar_dir() -> Path:
    """Where loaded years are kept: LUOSHI_CALENDAR_DIR, else ~/.local/share/luoshi/calendar."""
    return Path(
        os.environ.get("LUOSHI_CALENDAR_DIR") or Path.home() / ".local" / "share" / "luoshi" / "calendar"
    )


def _scan() -> None:
    folder = calendar_dir()
    if folder in _SCANNED:
        return
    _SCANNED.add(folder)
    for path in sorted(folder.glob("*.csv")) if folder.is_dir() else []:
        for year, days in parse_calendar(path.read_text(encoding="utf-8"), path.name).items():
            _LOADED[year] = days


def official(year: int) -> bool:
    """Whether the working days of ``year`` come from published data (bundled or loaded)."""
    _scan()
    if year in _LOADED:
        return True
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def assumption(year: int) -> str | None:
    """The sentence to state when ``year`` has no published holidays (Monday–Friday assumed)."""
    return None if official(year) else message("calendar.assumed", year=year)


def is_workday(day: date) -> bool:
    """A working day by the State Council's holidays and 调休; for a year without published data,
    Monday to Friday (say so with ``assumption``)."""
    _scan()
    loaded = _LOADED.get(day.year)
    if loaded is not None:
        holidays, workdays = loaded
        return day in workdays or (day.weekday() < 5 and day not in holidays)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def parse_calendar(text: str, name: str = "calendar") -> dict[int, tuple[frozenset[date], frozenset[date]]]:
    """Lines ``YYYY-MM-DD,休`` (holiday) or ``YYYY-MM-DD,班`` (调休 working day); # comments.
    Raises CalendarOutOfRange (a ValueError) naming the line that is wrong."""
    holidays: dict[int, set[date]] = {}
    workdays: dict[int, set[date]] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        try:
            day = date.fromisoformat(parts[0])
        except ValueError:
            raise CalendarOutOfRange(
                message("calendar.bad_line", name=name, line=number, text=line)
            ) from None
        kind = parts[1] if len(parts) > 1 else ""
        if kind in ("休", "假", "holiday", "off"):
            holidays.setdefault(day.year, set()).add(day)
        elif kind in ("班", "workday", "work"):
            workdays.setdefault(day.year, set()).add(day)
        else:
            raise CalendarOutOfRange(message("calendar.bad_line", name=name, line=number, text=line))
    years = set(holidays) | set(workdays)
    return {y: (frozenset(holidays.get(y, ())), frozenset(workdays.get(y, ()))) for y in years}


def load_calendar(path: Path) -> list[int]:
    """Add the years in a calendar file (kept in calendar_dir for later runs); the years added."""
    years = parse_calendar(path.read_text(encoding="utf-8"), path.name)
    if not years:
        raise CalendarOutOfRange(message("calendar.empty", name=path.name))
    folder = calendar_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for year, (holidays, workdays) in years.items():
        lines = [f"{d.isoformat()},休" for d in sorted(holidays)] + [
            f"{d.isoformat()},班" for d in sorted(workdays)
        ]
        (folder / f"{year}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
        _LOADED[year] = (holidays, workdays)
    return sorted(years)


def shift_workdays(day: date, n: int) -> date:
    """The working day ``n`` working days after ``day`` (before it when ``n`` is negative).
    ``shift_workdays(d, 0)`` is ``d`` itself if a working day, else the working day before."""
    step = 1 if n > 0 else -1
    current = day
    if n == 0:
        while not is_workday(current):
            current -= timedelta(days=1)
        return current
    remaining = abs(n)
    while remaining:
        current += timedelta(days=step)
        if is_workday(current):
            remaining -= 1
    return current


def backward_schedule(deadline: date, offsets: dict[str, int]) -> dict[str, date]:
    """Milestone dates from a deadline and each milestone's lead time in working days
    (倒排: "初稿 15 个工作日前, 征求意见 10 个工作日前…")."""
    last = shift_workdays(deadline, 0)
    return {name: shift_workdays(last, -n) if n else last for name, n in offsets.items()}
