"""The rows of one document: everything storing it writes that depends on that document alone,
built where it was extracted (``document_rows``) — on a Dask worker, or in the ingesting
process for a serial run: the same function either way. What needs the store (ids, the persons'
ids, reprint candidates and stories, the people queue) is left to the writer
(``Store.add_rows``), which only inserts these rows and runs the steps across documents.

The rows are plain tuples and strings (JSON columns already serialised — UTF-8 bytes for
SQLite, which its writer stores as text —, the search tokens
already built for the store's backend), so that shipping a batch from a worker costs little to
unpickle and the writer has no per-document work left but its inserts."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson

from luoshi.link.reprints import Fingerprint
from luoshi.model import Document, Facts
from luoshi.store import fts, listing

if TYPE_CHECKING:  # the citation index loads with the writing of facts, not with a search
    from luoshi.store.cited import CitedRows

# The columns of ``documents`` a document's rows fill, in this order (``ingested_at`` is added
# by the writer); the last three are the facet columns of migration 0014.
DOCUMENT_COLUMNS = (
    "name",
    "content_hash",
    "title",
    "published",
    "event_date",
    "source_url",
    "source_site",
    "source_path",
    "source_format",
    "encoding",
    "script",
    "original",
    "text",
    "offsets",
    "meta",
    "facts",
    "year",
    "place",
    "meeting_kind",
)
FACET_COLUMNS = 3  # the last three of DOCUMENT_COLUMNS
JSON_COLUMNS = ("offsets", "meta", "facts")  # serialised; UTF-8 bytes in rows built for SQLite
BACKENDS = ("sqlite", "postgresql")


@dataclass
class DocumentRows:
    """One document's rows. ``terms``: the search index's columns for ``backend`` (SQLite: the
    four FTS5 columns of ``fts.index_row``; PostgreSQL: the tsvector of ``fts.pg_terms`` in
    binary form, ``fts.pg_tsvector``, and whether it is partial). ``facts``: the fact
    tables' rows without the document's id, the person's *name* in place of its id in
    ``mentions``; None for a document stored without facts."""

    content_hash: str
    key: str  # what names the document in the report: its input's path, else its id
    warnings: tuple[str, ...]
    backend: str
    document: tuple[Any, ...]  # DOCUMENT_COLUMNS
    terms: tuple[Any, ...]
    fingerprint: Fingerprint  # for linking reprints
    persons: tuple[str, ...] = ()
    facts: dict[str, list[tuple[Any, ...]]] | None = None
    cited: CitedRows | None = None
    # With ``document_rows(sightings=True)``: the people refresh's sighting rows of the
    # document (``store.people.document_sightings``: name, day, data), for a first ingest's
    # refresh on a cluster's workers (``services.people_parallel``); None when not asked for.
    sightings: tuple[tuple[str, str | None, str], ...] | None = None


def document_rows(
    doc: Document, facts: Facts | None, backend: str = "sqlite", sightings: bool = False
) -> DocumentRows:
    """The rows of ``doc`` with its ``facts`` for a store on ``backend`` (with ``sightings``,
    the people refresh's sighting rows too)."""
    from luoshi.store import cited
    from luoshi.store.engine import _to_json  # (the engine's JSON: engine loads the writer, which loads this)

    if backend not in BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    # SQLite: the JSON columns as orjson writes them, UTF-8 bytes, which the writer stores as
    # text (``CAST(? AS TEXT)``): neither decoded into a string here nor encoded again by the
    # driver (15 us a document for the facts). A value orjson refuses is the engine's string.
    as_json = _json_bytes if backend == "sqlite" else _to_json
    stored = facts.to_json() if facts else None
    event_date = facts.event_date if facts else None
    facets = listing.facet_values(stored, event_date, doc.published)
    document = (
        doc.id,
        doc.content_hash,
        doc.title,
        doc.published,
        event_date,
        doc.source_url,
        doc.source_site,
        doc.source_path,
        doc.source_format,
        doc.encoding,
        doc.script,
        doc.original,
        doc.text,
        as_json(doc.offsets.to_json()),
        as_json(doc.metadata),
        as_json(stored),  # (None is the JSON null, as SQLAlchemy's JSON type stores it)
        facets["year"],
        facets["place"],
        facets["meeting_kind"],
    )
    index = fts.index_row(doc.title, doc.text, doc.simplified)
    if backend == "sqlite":
        terms: tuple[Any, ...] = (index["tuni"], index["tbi"], index["uni"], index["bi"])
    else:
        lexemes, partial = fts.pg_terms(index)
        terms = (fts.pg_tsvector(lexemes), partial)
    rows = DocumentRows(
        content_hash=doc.content_hash,
        key=doc.source_path or doc.id,
        warnings=tuple(doc.warnings),
        backend=backend,
        document=document,
        terms=terms,
        fingerprint=Fingerprint.of(doc.simplified),
    )
    if facts:
        rows.persons = tuple(dict.fromkeys(p.name for p in facts.persons))
        rows.facts = fact_rows(facts)
        rows.cited = cited.rows_of(cited.Indexed.of(0, doc, facts))
    if sightings:
        from luoshi.store.people import document_sightings

        # (read from the facts as stored, as the refresh reads them back: the same sightings;
        # None if they cannot be, the document stored all the same: the refresh then reads them)
        written = document[DOCUMENT_COLUMNS.index("facts")]
        day = event_date if event_date is not None else doc.published  # (the refresh's coalesce)
        with suppress(Exception):
            rows.sightings = document_sightings(day, written, doc.text)
    return rows


def _json_bytes(value: Any) -> bytes | str:
    """``value`` in JSON as orjson writes it (bytes), or as the engine's ``_to_json`` string
    where orjson refuses it (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        from luoshi.store.engine import _to_json

        return _to_json(value)


def fact_rows(facts: Facts) -> dict[str, list[tuple[Any, ...]]]:
    """The fact tables' rows of one document (``documents.FACT_COLUMNS`` without the document's
    id; in ``mentions`` the person's name stands for its id)."""
    posts: dict[str, list[tuple[Any, ...]]] = {}  # a person's rows for their posts
    for role in facts.roles:
        span = role.span
        found = posts.get(role.name)
        if found is None:
            found = posts[role.name] = []
        found.append((role.name, role.post, span.start, span.end))
    mentions: list[tuple[Any, ...]] = []
    for person in facts.persons:
        span = person.span
        mentions.append((person.name, None, span.start, span.end))
        found = posts.get(person.name)
        if found:
            mentions += found
    return {
        "mentions": mentions,
        "citations": [(d.title, d.span.start, d.span.end) for d in facts.documents],
        "task_batches": [(b.count, b.what, b.span.start, b.span.end) for b in facts.task_batches],
        "directives": [
            (d.ordinal, d.speaker, d.addressee, d.deadline, d.text, d.span.start, d.span.end)
            for d in facts.directives
        ],
    }
