"""Access to ../shared (evaluation set, seeds) when it is present beside the project."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def shared_dir(*parts: str) -> Path:
    """A path under ../shared. Missing, it fails the test in CI (CI=true) and skips it elsewhere."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{path} is missing: CI must run with ../shared beside the project")
        pytest.skip(f"{path} is not present on this machine")
    return path
