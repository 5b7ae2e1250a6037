"""What only PostgreSQL has: its index built by a migration from the stored documents, a
database that cannot hold Chinese refused in one sentence, an unreachable server in one sentence,
``luoshi ingest/search`` by URL and through LUOSHI_DB."""

from __future__ import annotations

import pytest
from backends import postgresql_database, query
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from luoshi.cli.main import EXIT_STORE, app
from luoshi.ingest import document_from_text
from luoshi.messages import message_in
from luoshi.store import open_store
from luoshi.store.engine import display_name
from luoshi.store.errors import StoreError
from luoshi.store.migrate import upgrade

TEXTS = {
    "a": "前海管理局召开专题会议，研究GDP核算与营商环境改革。",
    "b": "橫琴粵澳深度合作區執委會舉行會議，部署口岸通關工作",
    "c": "营商、商环、环境与合作：专题研究口岸。",  # every pair of 营商环境, not the phrase
}
EXPECTED = {
    "前海": {"a"},
    "合作区": {"b"},
    "會議": {"a", "b"},
    "gdp": {"a"},
    "作": {"b", "c"},
    "作。": {"b", "c"},
    "核算 营商环境": {"a"},
    "营商环境": {"a"},
    "工作": {"b"},
    "议研": set(),
    "專題研究": {"c"},
}


def _search_all(store) -> None:
    for q, names in EXPECTED.items():
        assert {h.name for h in store.search(q, use_cache=False)} == names, q


def _add(store) -> None:
    with store.transaction() as conn:
        store.add_documents(conn, [(document_from_text(t, name), None) for name, t in TEXTS.items()])


def test_the_index_is_rebuilt_by_its_migration_from_the_stored_documents():
    with postgresql_database() as url:
        store = open_store(url)
        _add(store)
        _search_all(store)
        upgrade(store.engine, "head")
        from alembic import command

        from luoshi.store.migrate import alembic_config

        cfg = alembic_config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
        assert query(url, "SELECT to_regclass('document_terms') IS NULL") == [(True,)]
        store.engine.dispose()
        store = open_store(url)  # migrates again: 0009 fills the index from the documents
        assert query(url, "SELECT count(*) FROM document_terms") == [(len(TEXTS),)]
        _search_all(store)
        store.engine.dispose()


def test_a_database_with_the_c_ctype_indexes_chinese_all_the_same():
    with postgresql_database(LOCALE="C") as url:
        assert query(url, "SELECT current_setting('lc_ctype')") == [("C",)]
        store = open_store(url)
        _add(store)
        _search_all(store)
        store.engine.dispose()


def test_a_database_that_cannot_hold_chinese_is_refused_in_one_sentence():
    with postgresql_database(ENCODING="SQL_ASCII", LOCALE="C") as url:
        with pytest.raises(StoreError) as refused:
            open_store(url)
        expected = message_in(
            "zh", "db_pg_no_chinese", {"db": display_name(url), "encoding": "SQL_ASCII", "ctype": "C"}
        )
        assert str(refused.value) == expected
        result = CliRunner().invoke(app, ["ingest", ".", "--db", url])
        assert result.exit_code == EXIT_STORE
        assert result.output.strip() == expected
        assert query(url, "SELECT to_regclass('documents') IS NULL") == [(True,)]  # nothing created


def test_an_unreachable_server_or_missing_database_is_one_sentence(tmp_path):
    with postgresql_database() as url:
        missing = make_url(url).set(database="no_such_database").render_as_string(hide_password=False)
    nowhere = f"postgresql+psycopg://postgres@/luoshi?host={tmp_path}&port=1"
    for bad in (missing, nowhere):
        result = CliRunner().invoke(app, ["search", "前海", "--db", bad])
        assert result.exit_code == EXIT_STORE, result.output
        assert result.output.strip() == message_in("zh", "db_cannot_open", {"db": display_name(bad)})


def test_ingest_and_search_by_url_and_through_luoshi_db(tmp_path):
    for name, text in TEXTS.items():
        (tmp_path / f"{name}.txt").write_text(text, "utf-8")
    with postgresql_database() as url:
        runner = CliRunner()
        result = runner.invoke(app, ["ingest", str(tmp_path), "--db", url])
        assert result.exit_code == 0, result.output
        result = runner.invoke(app, ["search", "营商环境", "--json"], env={"LUOSHI_DB": url})
        assert result.exit_code == 0, result.output
        assert [h["name"] for h in __import__("json").loads(result.output)["hits"]] == ["a"]
