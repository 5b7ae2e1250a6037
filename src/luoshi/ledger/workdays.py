"""The Chinese working-day calendar (public holidays and make-up working days, chinese-calendar)
and backward scheduling (倒排工期) from a deadline."""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


class CalendarOutOfRange(ValueError):
    """chinese-calendar has no holiday data for the year asked about."""


def is_workday(day: date) -> bool:
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as e:
        raise CalendarOutOfRange(f"no official holiday calendar for {day.year} in chinese-calendar") from e


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


def workdays_between(start: date, end: date) -> int:
    """Working days in ``(start, end]``."""
    days = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_workday(current):
            days += 1
    return days
