"""Reprints on PostgreSQL: the same tables, lookup and stories as on SQLite, on the server that
LUOSHI_TEST_PG names (tests/backends.py: a database is created and dropped; in CI a missing server
fails the test, on a developer's machine it is skipped)."""

import dataclasses

import pytest
from backends import postgresql_database
from reprint_set import build, pairs

from luoshi.ingest import document_from_text
from luoshi.store import open_store, stories


@pytest.fixture
def pg_url():
    with postgresql_database() as url:
        yield url


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
