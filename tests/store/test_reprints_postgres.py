"""Reprints on PostgreSQL: the same tables, lookup and stories as on SQLite. Needs a server:
LUOSHI_TEST_POSTGRES=postgresql+psycopg://user@/postgres?host=… (a database is created and
dropped). In CI (CI=true) a missing server fails the test; on a dev machine it is skipped."""

import dataclasses
import os
import uuid

import pytest
from reprint_set import build, pairs
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from luoshi.ingest import document_from_text
from luoshi.store import open_store, stories


@pytest.fixture
def pg_url():  # type: ignore[no-untyped-def]
    url = os.environ.get("LUOSHI_TEST_POSTGRES")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs LUOSHI_TEST_POSTGRES (a PostgreSQL URL) for the PostgreSQL tests")
        pytest.skip("set LUOSHI_TEST_POSTGRES to a PostgreSQL URL to run the PostgreSQL tests")
    name = f"luoshi_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_stories_on_postgresql(pg_url):
    store = open_store(pg_url)
    copies = build(stories=12, singles=12, seed=3)
    docs = [
        dataclasses.replace(document_from_text(c.text, f"c{i}"), source_url=c.url, source_site=c.site)
        for i, c in enumerate(copies)
    ]
    ids: list[int] = []
    for start in range(0, len(docs), 16):
        with store.transaction() as conn:
            ids += [
                o.document_id
                for o in store.add_documents(conn, [(d, None) for d in docs[start : start + 16]])
            ]
    same, other = pairs(copies)

    def predicted() -> set[tuple[int, int]]:
        with store.engine.connect() as conn:
            story = {d: s.id for d, s in stories.stories_of(conn, ids).items()}
        return {(i, j) for i, j in same | other if ids[i] in story and story[ids[i]] == story.get(ids[j])}

    assert predicted() == same
    with store.transaction() as conn:
        assert stories.rebuild(conn, batch=7) == len(ids)
    assert predicted() == same
    store.engine.dispose()
