from __future__ import annotations

import pytest


@pytest.fixture
def db_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("db") / "test.db")
