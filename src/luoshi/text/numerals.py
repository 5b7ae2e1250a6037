"""Chinese numerals ⇄ integers, through cn2an, imported on first use (it takes about half a
second to import, which every command would otherwise pay at start-up)."""

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
