"""The newest matches of a query are the same whichever way the index is asked: on PostgreSQL the
rarest tokens through the GIN index with a text check, or the newest rows first when the tokens
are common (chosen by ANALYZE's statistics); on SQLite FTS5. Checked against a scan of the texts
in Python, before and after the statistics exist."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, text

from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.store.fts import query_words
from luoshi.store.listing import DocumentFilters
from luoshi.text import to_simplified, to_traditional

FILLER = "会议强调，要优化营商环境，推动环境改善，深化体制改革，加快推进。"


def corpus() -> list[tuple[str, str]]:
    """Every pair of 营商环境改革 is in every document; the phrase itself in one in seven; a third
    of the documents are in traditional script; some carry a Latin word in either case."""
    docs = []
    for i in range(150):
        body = f"第{i}号简报\n" + FILLER
        if i % 7 == 0:
            body += "印发营商环境改革实施意见。"
        if i % 5 == 0:
            body += "前海合作区GDP增长。" if i % 2 else "前海合作区gdp增长。"
        if i % 11 == 0:
            body += "口岸通关，前海。"
        if i % 3 == 0:
            body = to_traditional(body)
        docs.append((f"d{i:03d}", body))
    return docs


QUERIES = [
    "营商环境改革",
    "营商环境",
    "营商环境改革实施意见",
    "前海 口岸",
    "Gdp 前海",
    "會議",
    "改革 口岸",
    "会",
    "前海 口岸 改革 會議",  # four tokens: one left out of the index's query, every candidate checked
]


def expected(docs: list[tuple[int, str]], query: str) -> list[int]:
    words = query_words(query)
    return [
        i for i, body in sorted(docs, reverse=True) if all(w in to_simplified(body).lower() for w in words)
    ]


def test_newest_matches_the_same_by_every_path(db: str) -> None:
    store = open_store(db)
    with store.transaction() as conn:
        outcomes = store.add_documents(conn, [(document_from_text(t, name), None) for name, t in corpus()])
    docs = [(o.document_id, body) for o, (_, body) in zip(outcomes, corpus(), strict=True)]
    statements: list[str] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def seen(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    for analyzed in (False, True):
        if analyzed and not store.is_sqlite:
            with store.engine.connect() as conn:
                conn.execute(text("ANALYZE document_terms"))
                conn.commit()
            store._pg_stats = None  # read the new statistics now rather than in ten minutes
        for query in QUERIES:
            want = expected(docs, query)
            assert want, query
            for window in (3, 10, 40):
                with store.engine.connect() as conn:
                    assert store.newest_matches(conn, query_words(query), window) == want[:window], (
                        query,
                        window,
                    )
            assert store.count_documents(DocumentFilters.of({"q": query})) == len(want), query
    if not store.is_sqlite:  # both ways of asking were taken
        assert any("ts_match_vq" in s for s in statements)
        assert any("terms @@" in s and "UNION ALL" in s for s in statements)


def test_search_pages_unchanged_by_statistics(db: str) -> None:
    store = open_store(db)
    with store.transaction() as conn:
        store.add_documents(conn, [(document_from_text(t, name), None) for name, t in corpus()])
    store.RANK_WINDOW = 10
    before = {
        q: [(h.name, round(h.score, 6)) for h in store.search(q, limit=12, use_cache=False)] for q in QUERIES
    }
    if not store.is_sqlite:
        with store.engine.connect() as conn:
            conn.execute(text("ANALYZE document_terms"))
            conn.commit()
        store._pg_stats = None
    after = {
        q: [(h.name, round(h.score, 6)) for h in store.search(q, limit=12, use_cache=False)] for q in QUERIES
    }
    assert after == before
    assert all(before.values())


@pytest.mark.parametrize("query", ["营商环境改革", "Gdp 前海"])
def test_probe_and_index_agree_at_every_window(db: str, query: str) -> None:
    """Windows around the number of matches in the newest rows, where the probe hands over."""
    store = open_store(db)
    with store.transaction() as conn:
        outcomes = store.add_documents(conn, [(document_from_text(t, name), None) for name, t in corpus()])
    docs = [(o.document_id, body) for o, (_, body) in zip(outcomes, corpus(), strict=True)]
    if not store.is_sqlite:
        with store.engine.connect() as conn:
            conn.execute(text("ANALYZE document_terms"))
            conn.commit()
    want = expected(docs, query)
    for window in range(1, len(want) + 2):
        with store.engine.connect() as conn:
            assert store.newest_matches(conn, query_words(query), window) == want[:window], window


def test_count_exact_up_to_the_cap_and_estimated_beyond(db: str) -> None:
    store = open_store(db)
    with store.transaction() as conn:
        outcomes = store.add_documents(conn, [(document_from_text(t, name), None) for name, t in corpus()])
    docs = [(o.document_id, body) for o, (_, body) in zip(outcomes, corpus(), strict=True)]
    phrase = DocumentFilters.of({"q": "营商环境改革"})
    truth = len(expected(docs, "营商环境改革"))
    assert store.count_matches(phrase) == (truth, True) == (store.count_documents(phrase), True)
    store.COUNT_EXACT = 5  # the newest 5 of 22 matches: one in seven of the newest documents
    n, exact = store.count_matches(phrase)
    assert not exact and abs(n - truth) <= truth * 0.25, (n, truth)
    every = DocumentFilters.of({"q": "营商环境"})  # in every document
    assert store.count_matches(every) == (len(docs), False)
    # With another filter the count is exact whatever the cap: the newest matches are no sample
    # of a script, a year or a place.
    traditional = DocumentFilters.of({"q": "营商环境", "script": "traditional"})
    written = sum(1 for _, body in docs if to_simplified(body) != body)
    assert 0 < written < len(docs)
    assert store.count_matches(traditional) == (written, True) == (store.count_documents(traditional), True)
