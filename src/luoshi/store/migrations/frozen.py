"""What migrations 0003, 0006 and 0009 fill the search index with, frozen as it was when they were
written: a migration must mean the same thing whatever later versions of ``luoshi.store.fts`` do.
If today's index changes its tokens, a new migration rebuilds it; these stay as they are
(``tests/store/test_migrations.py`` says when the two differ)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from luoshi.text.fold import to_simplified

FTS5_COLUMNS = "tuni, tbi, uni, bi"
FTS5_INSERT = "INSERT INTO document_fts(rowid, tuni, tbi, uni, bi) VALUES (:id, :tuni, :tbi, :uni, :bi)"
PG_INSERT = (
    "INSERT INTO document_terms (id, terms, partial) "
    "VALUES (%s, array_to_tsvector(string_to_array(%s, ' ')), %s)"
)
PG_TERMS_LIMIT = 900_000
PG_PARTIAL = "<~>"


def tokens(title: str | None, text: str) -> dict[str, str]:
    """Characters and overlapping pairs of the simplified, lower-cased title and text."""
    out: dict[str, str] = {}
    for prefix, value in (("t", title or ""), ("", text)):
        s = to_simplified(value).lower()
        out[prefix + "uni"] = " ".join(s)
        out[prefix + "bi"] = " ".join(s[i : i + 2] for i in range(len(s) - 1)) if len(s) > 1 else s
    return out


def lexemes(row: dict[str, str]) -> tuple[str, bool]:
    """PostgreSQL's distinct lexemes of a row of ``tokens``; characters only (and the partial
    marker) when the pairs would pass the tsvector's size limit."""
    chars = {*row["tuni"].split(), *row["uni"].split()}
    pairs = {*row["tbi"].split(), *row["bi"].split()} - chars
    if len(" ".join(chars | pairs).encode()) + 8 * (len(chars) + len(pairs)) <= PG_TERMS_LIMIT:
        return " ".join(chars | pairs), False
    return " ".join(chars) + " " + PG_PARTIAL, True


def _documents(bind: Any, batch: int = 500) -> Iterator[list[Any]]:
    last = 0
    while rows := bind.execute(
        sa.text("SELECT id, title, text FROM documents WHERE id > :last ORDER BY id LIMIT :n"),
        {"last": last, "n": batch},
    ).all():
        yield rows
        last = rows[-1][0]


def rebuild_fts5(bind: Any, tokenizer: str) -> None:
    bind.execute(sa.text("DROP TABLE IF EXISTS document_fts"))
    bind.execute(
        sa.text(
            f"CREATE VIRTUAL TABLE document_fts USING fts5({FTS5_COLUMNS}, content='', tokenize='{tokenizer}')"
        )
    )
    for rows in _documents(bind):
        bind.execute(sa.text(FTS5_INSERT), [{"id": i, **tokens(title, body)} for i, title, body in rows])


def rebuild_pg_terms(bind: Any) -> None:
    bind.execute(sa.text("DROP TABLE IF EXISTS document_terms"))
    bind.execute(
        sa.text(
            "CREATE TABLE document_terms (id integer PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE, "
            "terms tsvector NOT NULL, partial boolean NOT NULL DEFAULT false)"
        )
    )
    bind.execute(sa.text("CREATE INDEX ix_document_terms ON document_terms USING gin (terms)"))
    for rows in _documents(bind):
        bind.exec_driver_sql(PG_INSERT, [(i, *lexemes(tokens(title, body))) for i, title, body in rows])
