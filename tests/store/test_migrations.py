"""Migrations run on stores that already hold documents."""

import re
import sqlite3

from luoshi.ingest import document_from_text
from luoshi.store import open_store
from luoshi.store.migrate import upgrade

TEXTS = {
    "a": "前海管理局召开专题会议，研究GDP核算与营商环境改革。",
    "b": "橫琴粵澳深度合作區執委會舉行會議，部署口岸通關工作",
}


def _tokenizer(db_path: str) -> str:
    with sqlite3.connect(db_path) as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'document_fts'").fetchone()[0]
    return sql


def test_index_is_rebuilt_with_the_stored_documents(db_path):
    store = open_store(db_path, migrate=False)
    upgrade(store.engine, "0005")  # the index as it was, tokenized by unicode61
    with store.transaction() as conn:
        store.add_documents(conn, [(document_from_text(t, name), None) for name, t in TEXTS.items()])
    assert "unicode61" in _tokenizer(db_path)

    store = open_store(db_path)
    assert "'ascii'" in _tokenizer(db_path)
    for query, names in {
        "前海": {"a"},
        "合作区": {"b"},
        "會議": {"a", "b"},
        "gdp": {"a"},
        "作": {"b"},
        "作。": {"b"},
        "核算 营商环境": {"a"},
        "工作": {"b"},
        "议研": set(),
    }.items():
        assert {h.name for h in store.search(query, use_cache=False)} == names, query


def test_the_revisions_read_from_the_files_are_alembics():
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine

    from luoshi.store.migrate import alembic_config, head_revision, revisions

    scripts = ScriptDirectory.from_config(alembic_config(create_engine("sqlite://")))
    assert head_revision() == scripts.get_current_head()
    assert revisions() == {s.revision: s.down_revision for s in scripts.walk_revisions()}


def _ascii_tokens(column: str) -> list[str]:
    """The tokens FTS5's ``ascii`` tokenizer reads from a column, in order: runs of ASCII
    letters and digits and of any other characters beyond ASCII."""
    return re.findall("[0-9A-Za-z\u0080-\U0010ffff]+", column)


def test_the_frozen_index_of_the_old_migrations_is_todays_index():
    """Migrations 0003/0006/0009 carry their own copy of the tokens (so they keep their meaning);
    while today's index writes the tokens that answer the same searches, stores migrated through
    them search like new ones: the same pairs in the same positions (phrases are asked of
    them), the same characters (each is only asked for alone, so today's index holds each once,
    the frozen one each occurrence). When this fails, today's tokens changed: add a migration
    that rebuilds the index."""
    from luoshi.store import fts
    from luoshi.store.migrations import frozen

    texts = [*TEXTS.values(), "", "字", "GDP 增長 5.2%", "（一）推进“放管服”改革。\n第二段", "𠀋𠀋𡈽"]
    texts.append("".join(texts) * 20)  # a long text (``fts.LONG``): its columns are built by numpy
    for title in (None, "标题：橫琴", "X"):
        for text in texts:
            old, new = frozen.tokens(title, text), fts.index_row(title, text)
            for pairs in ("tbi", "bi"):
                assert _ascii_tokens(old[pairs]) == _ascii_tokens(new[pairs]), (title, text)
            for chars in ("tuni", "uni"):
                assert set(_ascii_tokens(old[chars])) == set(_ascii_tokens(new[chars])), (title, text)
                assert len(_ascii_tokens(new[chars])) == len(set(_ascii_tokens(new[chars])))
            assert (
                frozen.lexemes(frozen.tokens(title, text))[1] is fts.pg_terms(fts.index_row(title, text))[1]
            )
            assert set(frozen.lexemes(frozen.tokens(title, text))[0].split()) == set(
                fts.pg_terms(fts.index_row(title, text))[0].split()
            )
