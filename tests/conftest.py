from __future__ import annotations

from collections.abc import Iterator

import pytest
from backends import BACKENDS, database


@pytest.fixture
def db_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store's path (for what only SQLite has: its file, its locks)."""
    return str(tmp_path_factory.mktemp("db") / "test.db")


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A new store on each backend: a SQLite file's path, or a PostgreSQL database's URL."""
    with database(request.param, tmp_path_factory.mktemp("db")) as location:
        yield location


@pytest.fixture(scope="module", params=BACKENDS)
def module_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """As ``db``, one store for all the tests of a module."""
    with database(request.param, tmp_path_factory.mktemp("db")) as location:
        yield location
