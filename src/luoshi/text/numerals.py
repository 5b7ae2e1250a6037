"""Chinese numerals ⇄ integers: the usual readings here, the rest through cn2an, imported on
first use (every command would otherwise pay its import at start-up). The numerals a readout
counts with ("三", "十二", "一百零三": the usual reading of a number below 10,000) are read here
without it: cn2an's import (≈ 0.1 s of CPU, its patterns and its address tables) is then paid
only by a numeral written otherwise ("两百", "二零二六"), which cn2an still reads."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

_DIGITS = "零一二三四五六七八九"
_VALUE = {c: i for i, c in enumerate(_DIGITS)}
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_UNIT_VALUE = {u: v for v, u in _UNITS}


def _cn2an() -> Any:
    import cn2an

    return cn2an


def reading(value: int) -> str:
    """The usual reading of ``0 <= value < 10000``: 10 → "十", 12 → "十二", 103 → "一百零三",
    1010 → "一千零一十" (one 零 for each run of missing places, none at the end)."""
    if not 0 <= value < 10000:
        raise ValueError(value)
    if value < 10:
        return _DIGITS[value]
    out: list[str] = []
    gap = False
    for unit_value, unit in _UNITS:
        digit = value // unit_value % 10
        if digit:
            if gap:
                out.append("零")
            out.append(_DIGITS[digit] + unit)
            gap = False
        elif out:
            gap = True
    if value % 10:
        if gap:
            out.append("零")
        out.append(_DIGITS[value % 10])
    text = "".join(out)
    return text[1:] if 10 <= value < 20 else text  # "十二", not "一十二"


def _usual(raw: str) -> int | None:
    """The value of ``raw`` when it is the usual reading of a number below 10,000, else None."""
    value = 0
    digit = 0
    for char in raw:
        if char in _VALUE:
            digit = _VALUE[char]
        elif char in _UNIT_VALUE:
            value += (digit or 1) * _UNIT_VALUE[char]
            digit = 0
        else:
            return None
    value += digit
    return value if value < 10000 and reading(value) == raw else None


@lru_cache(maxsize=2048)
def parse_number(raw: str) -> int | None:
    """``"96"``, ``"一百零三"``, ``"两"`` → the integer; None when ``raw`` is not a number."""
    raw = raw.strip()
    if raw.isdigit():
        return int(raw)
    usual = _usual(raw)
    if usual is not None:
        return usual  # what cn2an reads it as (tests/text/test_numerals.py, every such reading)
    try:
        return int(_cn2an().cn2an(raw, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None


def require_number(raw: str) -> int:
    """Like ``parse_number``, for text a pattern already matched as a numeral: ValueError if not."""
    value = parse_number(raw)
    if value is None:
        raise ValueError(f"not a number: {raw!r}")
    return value


def chinese_numeral(value: int) -> str:
    """3 → ``"三"``, as offices number their categories ("三、…")."""
    return str(_cn2an().an2cn(value))
