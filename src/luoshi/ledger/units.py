"""Unit names as ledgers write them: several units in one cell.

The name keys (``unit_key``, ``local_key``) are shared with accounts and live in the store;
they are re-exported here for the ledger's users."""

from __future__ import annotations

import re

from luoshi.store import local_key, unit_key

__all__ = ["local_key", "split_units", "unit_key"]


def split_units(text: str | None) -> list[str]:
    """Units listed in one cell: "市发展改革委、市商务局，各区" → three names."""
    if not text:
        return []
    parts = re.split(r"[、,，;；/\n]|(?<=[委局办厅部院区])及|(?<=[委局办厅部院区])和", str(text))
    return [p.strip() for p in parts if p.strip() and p.strip() not in ("等", "有关单位")]
