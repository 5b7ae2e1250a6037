"""The PostgreSQL write path of issue 15 keeps what the store held before: a deleted document
still takes its fact rows with it (on PostgreSQL by migration 0018's trigger, not by foreign
keys), the migration's round trip restores the constraints, and the documents' long values are
compressed by lz4 without changing what is read; the search index's tsvectors, sent in binary
form, are those PostgreSQL makes of the lexemes; statements run while the writer computes
(``writers.Overlap``) raise their errors."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic import command
from backends import postgresql_database, query
from sqlalchemy import create_engine, delete, select
from sqlalchemy.exc import DBAPIError

from luoshi.messages import message
from luoshi.pipeline import ingest_paths
from luoshi.store import documents, fts, open_store
from luoshi.store.migrate import alembic_config
from luoshi.store.schema import DocumentRow
from luoshi.store.writers import Overlap

CORPUS = Path(__file__).resolve().parents[2] / "src" / "luoshi" / "demo" / "corpus"
FACT_TABLES = ("mentions", "citations", "task_batches", "directives")


def _counts(db: str, doc_id: int) -> dict[str, tuple[int, int]]:
    """Per fact table: (rows of ``doc_id``, rows of the other documents)."""
    return {
        t: query(
            db,
            f"SELECT count(*) FILTER (WHERE document_id = {doc_id}), "
            f"count(*) FILTER (WHERE document_id <> {doc_id}) FROM {t}",
        )[0]
        for t in FACT_TABLES
    }


def _constraints(url: str) -> set[str]:
    return {
        r[0]
        for r in query(
            url,
            "SELECT conname FROM pg_constraint WHERE conrelid::regclass::text = ANY(:t)",
            t=list(FACT_TABLES),
        )
    } | {r[0] for r in query(url, "SELECT indexname FROM pg_indexes WHERE tablename = 'mentions'")}


def test_a_deleted_document_takes_its_fact_rows_with_it(db):
    store = open_store(db)
    ingest_paths(store, [CORPUS])
    with store.engine.connect() as conn:
        ids = list(conn.scalars(select(DocumentRow.id).order_by(DocumentRow.id)))
    counts = {i: _counts(db, i) for i in ids}
    doc_id = max(ids, key=lambda i: sum(mine for mine, _ in counts[i].values()))
    before = counts[doc_id]
    assert all(mine and others for mine, others in before.values()), before  # (the test means something)
    with store.transaction() as conn:
        conn.execute(delete(DocumentRow).where(DocumentRow.id == doc_id))
    assert _counts(db, doc_id) == {t: (0, others) for t, (_, others) in before.items()}
    store.engine.dispose()


def test_migration_0018_round_trip_keeps_the_rows_and_restores_the_constraints():
    with postgresql_database() as url:
        store = open_store(url)
        ingest_paths(store, [CORPUS])
        rows = {t: sorted(query(url, f"SELECT * FROM {t}")) for t in (*FACT_TABLES, "persons")}
        at_head = _constraints(url)
        assert "mentions_person_id_fkey" not in at_head and "ix_mentions_person" not in at_head
        assert not any(name.endswith("_document_id_fkey") for name in at_head)
        cfg = alembic_config(store.engine)
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0017")
        before = _constraints(url)
        assert {"mentions_person_id_fkey", "ix_mentions_person"} <= before
        assert {f"{t}_document_id_fkey" for t in FACT_TABLES} <= before
        assert query(url, "SELECT count(*) FROM pg_trigger WHERE tgname = 'luoshi_forget_facts'") == [(0,)]
        store.engine.dispose()
        store = open_store(url)  # upgrades again
        assert _constraints(url) == at_head
        assert {t: sorted(query(url, f"SELECT * FROM {t}")) for t in rows} == rows
        store.engine.dispose()


def test_the_documents_long_values_are_compressed_by_lz4_and_read_back_the_same(tmp_path):
    lz4 = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"
    values = "SELECT name, original, text, facts::text FROM documents ORDER BY name"
    with postgresql_database() as url:
        if not query(url, lz4):
            pytest.skip("this PostgreSQL server was built without lz4 (it keeps pglz)")
        store = open_store(url)
        ingest_paths(store, [CORPUS])
        store.engine.dispose()
        methods = (
            "SELECT DISTINCT m FROM documents, LATERAL (VALUES (pg_column_compression(text)), "
            "(pg_column_compression(original)), (pg_column_compression(facts)), "
            "(pg_column_compression(offsets))) AS v (m) WHERE m IS NOT NULL"
        )
        assert query(url, methods) == [("lz4",)]
        assert query(url, "SELECT current_setting('default_toast_compression')") == [
            ("pglz",)
        ]  # that session's only
        on_pg = query(url, values)
    lite = str(tmp_path / "lite.db")
    ingest_paths(open_store(lite), [CORPUS])
    on_sqlite = query(lite, values.replace("facts::text", "facts"))
    assert [r[:3] for r in on_pg] == [r[:3] for r in on_sqlite] and len(on_pg) >= 10


TERM_STRINGS = [
    "",  # no lexeme
    "海",
    "海合 合作 海 作 前海 前",  # characters and pairs, unordered
    "海合 海合 海",  # a lexeme twice
    "a ab b 海 ab a",  # ASCII, a prefix of another lexeme
    "b'c d\\e x:1 y&z !",  # characters a tsvector's text form quotes or escapes
    "前 海 " + fts.PARTIAL,  # a document indexed by characters only
    " ".join(chr(c) for c in range(0x4E00, 0x4E00 + 3000)),  # many lexemes
]


def test_the_binary_tsvectors_are_what_postgresql_makes_of_the_lexemes():
    with postgresql_database() as url:
        for terms in TERM_STRINGS:
            made = query(url, "SELECT tsvectorsend(array_to_tsvector(string_to_array(:t, ' ')))", t=terms)[0][
                0
            ]
            assert fts.pg_tsvector(terms) == bytes(made), terms
        # PostgreSQL refuses an empty lexeme; so does the binary form (the document is rejected)
        with pytest.raises(ValueError, match=message("store.empty_lexeme")):
            fts.pg_tsvector("海  合")


def test_ingest_stores_the_tsvectors_postgresql_makes_of_each_documents_lexemes():
    with postgresql_database() as url:
        store = open_store(url)
        ingest_paths(store, [CORPUS])
        store.engine.dispose()
        stored = query(
            url,
            "SELECT d.title, d.text, t.terms::text, t.partial FROM documents d JOIN document_terms t ON t.id = d.id",
        )
        assert len(stored) >= 10
        for title, body, terms, partial in stored:
            lexemes, expected_partial = fts.pg_terms(fts.index_row(title, body))
            made = query(url, "SELECT array_to_tsvector(string_to_array(:t, ' '))::text", t=lexemes)[0][0]
            assert (terms, partial) == (made, expected_partial)


def test_an_overlapped_statement_runs_and_its_error_is_raised_when_waited_for():
    with postgresql_database() as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (id integer PRIMARY KEY)")
        with engine.begin() as conn:
            work = Overlap(
                conn, ["INSERT INTO t SELECT generate_series(1, 1000)", "INSERT INTO t VALUES (0)"]
            )
            work.start()
            total = sum(range(100_000))  # this process computes meanwhile
            work.wait()
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1000 and total
            work.finish()  # the statement never sent is run
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1001
        with engine.connect() as conn:
            conn.begin()
            work = Overlap(conn, ["INSERT INTO t VALUES (5)"])
            work.start()
            with pytest.raises(DBAPIError) as raised:  # as SQLAlchemy raises its own statements' errors
                work.wait()
            assert isinstance(raised.value.orig, psycopg.errors.UniqueViolation)
            conn.rollback()
            # after an error of the process's own, the statement's error is not raised over it
            conn.begin()
            work = Overlap(conn, ["INSERT INTO t VALUES (6)"])
            work.start()
            work.abandon(RuntimeError("the writer failed"))
            conn.rollback()
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 1001  # usable again
        engine.dispose()


def test_a_deadlock_in_an_overlapped_statement_runs_the_batch_again(monkeypatch):
    """PostgreSQL's remedy for a deadlock is to run the transaction again: a batch whose
    overlapped index insert is chosen as the deadlock's victim is written again, not lost, and
    the ingest goes on (the statement raises SQLSTATE 40P01 in the first attempt only)."""
    staged = documents._stage_terms_pg
    attempts: list[int] = []

    def first_attempt_deadlocks(conn, terms):
        work = staged(conn, terms)
        if not attempts:
            work._todo.append("DO $$ BEGIN RAISE EXCEPTION 'victim' USING ERRCODE = '40P01'; END $$")
        attempts.append(len(terms))
        return work

    monkeypatch.setattr(documents, "_stage_terms_pg", first_attempt_deadlocks)
    with postgresql_database() as url:
        store = open_store(url)
        report = ingest_paths(store, [CORPUS])
        assert len(attempts) >= 2 and attempts[0] == attempts[1]  # the same batch, again
        assert report.added and not [r for r in report.rejected if "victim" in r.reason]
        assert query(url, "SELECT count(*) FROM document_terms")[0][0] == len(report.added)
        assert query(url, "SELECT count(*) FROM documents")[0][0] == len(report.added)
        store.engine.dispose()


TRICKY = ["a\tb", "line\nbreak\r", "back\\slash \\N", "引号'\"", "", "海" * 3000, "\\.", "😀 ü"]


def test_a_binary_copy_stores_what_a_text_copy_stores():
    """``insert_many(binary=True)`` (the ingest's tables) against the text COPY, for values a
    text COPY escapes, NULLs, JSON, bytes and stamps; a table with a type that has no plain
    binary form here (numeric, jsonb) is COPYed as text."""
    columns = ("n", "s", "t", "j", "b", "at", "ok")
    definition = "(n integer, s varchar(20000), t text, j json, b bytea, at timestamptz, ok boolean)"
    stamp = datetime(2026, 12, 6, 17, 30, 1, 123456, tzinfo=UTC)
    rows = [
        (
            k,
            value,
            value or None,
            json.dumps({"v": value}, ensure_ascii=False),
            value.encode(),
            stamp,
            k % 2 == 0,
        )
        for k, value in enumerate(TRICKY)
    ] + [(None, None, None, None, None, None, None), (2**31 - 1, "x", "y", "[1, 2]", b"\0\1", stamp, True)]
    with postgresql_database() as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            for name in ("by_text", "by_binary"):
                conn.exec_driver_sql(f"CREATE TABLE {name} {definition}")
            conn.exec_driver_sql("CREATE TABLE other (n numeric, j jsonb)")
            documents.insert_many(conn, "by_text", columns, rows)
            documents.insert_many(conn, "by_binary", columns, rows, binary=True)
            types = documents._binary_types(conn, "by_binary", columns)
            assert types is not None and documents._of_binary_forms(types, rows)  # (binary was used)
            assert documents._binary_types(conn, "other", ("n", "j")) is None
            documents.insert_many(conn, "other", ("n", "j"), [(1.5, '{"a": 1}')], binary=True)
        listed = "SELECT n, s, t, j::text, b, at, ok FROM {} ORDER BY n NULLS LAST, s"
        assert query(url, listed.format("by_binary")) == query(url, listed.format("by_text"))
        assert len(query(url, listed.format("by_text"))) == len(rows)
        assert query(url, "SELECT n::text, j::text FROM other") == [("1.5", '{"a": 1}')]
        engine.dispose()


def test_values_a_binary_form_would_misread_are_copied_as_text():
    """Values of another type than their column's (``"3"`` for an integer, ``"f"`` for a
    boolean, a naive datetime) are stored as the text COPY stores them, and an integer out of
    its column's range is refused as the text COPY refuses it (the binary dumper would wrap
    it), nothing of the batch stored."""
    columns = ("n", "ok", "at")
    definition = "(n integer, ok boolean, at timestamptz)"
    odd: list[list[tuple[Any, ...]]] = [
        [("3", True, None)],
        [(1, "f", None)],
        [(2, False, datetime(2026, 1, 1, 12))],
    ]
    with postgresql_database() as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            for name in ("by_text", "by_binary"):
                conn.exec_driver_sql(f"CREATE TABLE {name} {definition}")
            for rows in odd:
                documents.insert_many(conn, "by_text", columns, rows)
                documents.insert_many(conn, "by_binary", columns, rows, binary=True)
        listed = "SELECT n, ok, at FROM {} ORDER BY n"
        assert query(url, listed.format("by_binary")) == query(url, listed.format("by_text"))
        assert [r[:2] for r in query(url, listed.format("by_text"))] == [(1, False), (2, False), (3, True)]
        for value in (2**31, -(2**31) - 1):
            with pytest.raises(psycopg.errors.NumericValueOutOfRange), engine.begin() as conn:
                documents.insert_many(
                    conn, "by_binary", columns, [(1, True, None), (value, True, None)], binary=True
                )
        assert len(query(url, "SELECT n FROM by_binary")) == 3
        engine.dispose()


@pytest.mark.parametrize("new_type", ["real", "bigint"])
def test_a_column_altered_by_another_process_is_copied_by_its_new_type(new_type):
    """The columns' types are asked at each COPY: after another connection altered the column,
    the same pooled connection stores the value, not the old type's bytes read as the new."""
    with postgresql_database() as url:
        engine = create_engine(url, pool_size=1)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE x (n integer)")
            documents.insert_many(conn, "x", ("n",), [(7,)], binary=True)
        other = create_engine(url)
        with other.begin() as conn:
            conn.exec_driver_sql(f"ALTER TABLE x ALTER COLUMN n TYPE {new_type}")
        other.dispose()
        with engine.begin() as conn:
            documents.insert_many(conn, "x", ("n",), [(7,)], binary=True)
        assert [float(n) for (n,) in query(url, "SELECT n FROM x")] == [7.0, 7.0]
        engine.dispose()


def test_a_large_overlapped_statement_reaches_the_server_before_the_writer_waits():
    """``Overlap.start`` sends the whole statement, parameters and all: the server runs it while
    this process computes (a parameter larger than the socket's buffers would otherwise stay in
    libpq until ``wait``, and the server would run nothing meanwhile)."""
    big = ["海" * 1000] * 3000  # ≈ 9 MB
    with postgresql_database() as url:
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (s text)")
        with engine.begin() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            work = Overlap(
                conn,
                [("INSERT INTO t SELECT s FROM unnest(%b::text[]) AS s, (SELECT pg_sleep(1)) AS z", (big,))],
            )
            work.start()
            seen = False
            for _ in range(100):  # the writer "computes": another connection watches the server
                # running the statement, not waiting for the rest of it ("ClientRead")
                event = query(url, "SELECT wait_event FROM pg_stat_activity WHERE pid = :p", p=pid)
                if event == [("PgSleep",)]:
                    seen = True
                    break
                time.sleep(0.02)
            work.wait()
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == len(big)
        assert seen
        engine.dispose()
