"""Chinese numerals ⇄ integers, through cn2an, imported on first use (it takes about half a
second to import, which every command would otherwise pay at start-up). Numerals written the
plain way below ten thousand (三, 十五, 两百, 一千零三十) are read here without it: an ingest
meets a few in a thousand readouts, and importing cn2an for them cost ≈ 0.1 s of CPU."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


def _cn2an() -> Any:
    import cn2an

    return cn2an


@lru_cache(maxsize=2048)
def parse_number(raw: str) -> int | None:
    """``"96"``, ``"一百零三"``, ``"两"`` → the integer; None when ``raw`` is not a number."""
    raw = raw.strip()
    if raw.isdigit():
        return int(raw)
    plain = _plain_numeral(raw)
    if plain is not None:
        return plain
    try:
        return int(_cn2an().cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}


def _plain_numeral(raw: str) -> int | None:
    """A numeral below ten thousand written the plain way: digits each followed by a unit smaller
    than the one before by ten ("两千三百四十"), 零 where a unit is skipped ("一百零三"), 十 for 一十
    at the start ("十五"), the last digit alone only after 十 or 零. None for anything else
    ("一百三", "二〇二六", "十十"…), which ``parse_number`` leaves to cn2an: where this answers,
    cn2an's "smart" reading is the same (tests/text/test_numerals.py compares every string of
    up to four numeral characters and the plain form of every number below ten thousand)."""
    n = len(raw)
    if n == 1:
        return 10 if raw == "十" else _DIGITS.get(raw)
    value, i, last_unit, zero = 0, 0, 10000, False
    if raw[0] == "十":  # 十五: 一十五
        value, i, last_unit = 10, 1, 10
    while i < n:
        c = raw[i]
        if c == "零":
            if zero or i == 0 or last_unit <= 10:
                return None
            zero, i = True, i + 1
            continue
        d = _DIGITS.get(c)
        if d is None:
            return None
        if i + 1 == n:  # units: only after 十 or 零 (a bare digit after 百/千 is cn2an's to read)
            return value + d if zero or last_unit == 10 else None
        unit = _UNITS.get(raw[i + 1], 0)
        if not unit or unit >= last_unit or (zero and unit * 10 == last_unit):
            return None
        if not zero and last_unit != 10000 and unit * 10 != last_unit:
            return None
        value, last_unit, zero, i = value + d * unit, unit, False, i + 2
    return value


def require_number(raw: str) -> int:
    """Like ``parse_number``, for text a pattern already matched as a numeral: ValueError if not."""
    value = parse_number(raw)
    if value is None:
        raise ValueError(f"not a number: {raw!r}")
    return value


def chinese_numeral(value: int) -> str:
    """3 → ``"三"``, as offices number their categories ("三、…")."""
    return str(_cn2an().an2cn(value))
