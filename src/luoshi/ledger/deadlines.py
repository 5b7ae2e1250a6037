"""Deadlines in the ledger: the understanding of a phrase is the extractor's
(``luoshi.extract.deadlines.parse_deadline``, one implementation for readouts and ledgers); here
are what only the ledger needs: dates from Excel cells and the current period of recurring work."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from luoshi.extract.deadlines import Deadline, month_end, parse_deadline

__all__ = ["Deadline", "excel_date", "next_recurring_due", "parse_deadline"]


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
        return month_end(as_of.year, as_of.month)
    if period == "quarter":
        return month_end(as_of.year, ((as_of.month - 1) // 3 + 1) * 3)
    if period == "half-year":
        return date(as_of.year, 6, 30) if as_of.month <= 6 else date(as_of.year, 12, 31)
    return date(as_of.year, 12, 31)
