"""Defaults every layer and the command line share. Imports nothing, so that reading a default
(for ``luoshi --help``, say) does not load the parts that use it."""

from __future__ import annotations

import os

DEFAULT_DB = "luoshi.db"
DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # larger inputs are rejected before they are read


def default_db_path() -> str:
    """``$LUOSHI_DB`` or ``./luoshi.db``."""
    return os.environ.get("LUOSHI_DB", DEFAULT_DB)
