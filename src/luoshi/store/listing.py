"""Browsing stored documents the way Datasette browses a table: filters combined with a search,
the total, one page of rows in a chosen order, and facets (each value with its count).

Every filter is a column of ``documents`` under an index (migration 0014): the year of the
document's day, its place (region), its meeting kind, its script and its source, and the day
itself (``ix_documents_day``). Nothing here reads the facts JSON of more than the rows shown."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, select

from luoshi.store.schema import DocumentRow
from luoshi.text import to_simplified

DAY = func.coalesce(DocumentRow.event_date, DocumentRow.published)
# facet name → column (the names are those of the filters and of the URL parameters)
FACETS: dict[str, Any] = {
    "year": DocumentRow.year,
    "place": DocumentRow.place,
    "kind": DocumentRow.meeting_kind,
    "script": DocumentRow.script,
}
FACET_VALUES = 12  # values shown per facet, the most frequent first
# sort name → the columns ordered by (ascending; "-name" sorts descending). "relevance" is the
# ranking of a search and the default with a query; without one the newest come first.
SORTS: dict[str, tuple[Any, ...]] = {
    "date": (DAY, DocumentRow.id),
    "title": (DocumentRow.title, DocumentRow.id),
    "place": (DocumentRow.place, DocumentRow.id),
    "kind": (DocumentRow.meeting_kind, DocumentRow.id),
    "script": (DocumentRow.script, DocumentRow.id),
}
MAX_PAGE = 500
S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def facet_values(
    facts: Mapping[str, Any] | None, event_date: str | None, published: str | None
) -> dict[str, Any]:
    """The facet columns of one document from its stored facts (``Facts.to_json``): the
    year of its day, its place — the first administrative region named (深圳, 北京), else the
    first place, else the meeting's place — and the kind of its first meeting."""
    facts = facts or {}
    day = event_date or published or ""
    kinds = [m["kind"] for m in facts.get("meetings") or [] if m.get("kind")]
    places = [p for p in facts.get("places") or [] if p.get("name")]
    named = [p["name"] for p in places if p.get("kind") == "admin"] or [p["name"] for p in places]
    named = named or [m["place"] for m in facts.get("meetings") or [] if m.get("place")]
    return {
        "year": int(day[:4]) if day[:4].isdigit() else None,
        "place": named[0][:60] if named else None,
        "meeting_kind": kinds[0][:40] if kinds else None,
    }


@dataclass(frozen=True)
class DocumentFilters:
    """What a listing is narrowed to; empty fields do not filter."""

    q: str = ""
    date_from: str = ""
    date_to: str = ""
    year: str = ""
    place: str = ""
    kind: str = ""
    script: str = ""
    source: str = ""

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> DocumentFilters:
        """From request or command-line values (unknown names ignored, None as empty)."""
        names = {f.name for f in fields(cls)}
        return cls(**{k: str(v).strip() for k, v in values.items() if k in names and v is not None})

    def params(self) -> dict[str, str]:
        """The filters that are set, as URL parameters."""
        return {k: v for k, v in asdict(self).items() if v}

    def without(self, name: str) -> DocumentFilters:
        return replace(self, **{name: ""})

    def clauses(self) -> list[ColumnElement[bool]]:
        """The WHERE clauses of the filters (the query ``q`` is the caller's)."""
        out: list[ColumnElement[bool]] = []
        if self.date_from:
            out.append(DAY >= self.date_from)
        if self.date_to:
            out.append(DAY <= self.date_to)
        if self.year:
            out.append(DocumentRow.year == (int(self.year) if self.year.isdigit() else -1))
        if self.place:
            out.append(DocumentRow.place == to_simplified(self.place))
        if self.kind:
            out.append(DocumentRow.meeting_kind == to_simplified(self.kind))
        if self.script:
            out.append(DocumentRow.script == self.script)
        if self.source:
            out.append(DocumentRow.source_site == self.source)
        return out


@dataclass
class Listing:
    """One page of documents: ``total`` matches in all, ``rows`` from ``offset`` on."""

    total: int
    rows: list[dict[str, Any]]
    offset: int
    limit: int
    sort: str
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
            "rows": self.rows,
            "facets": {
                name: [{"value": v, "count": n} for v, n in values] for name, values in self.facets.items()
            },
        }


def parse_sort(sort: str, searching: bool) -> str:
    """A known sort name (``-`` before it for descending), else the default."""
    if sort == "relevance" and searching:
        return sort
    if sort.lstrip("-") in SORTS:
        return sort
    return "relevance" if searching else "-date"


ROW_COLUMNS = (
    DocumentRow.id,
    DocumentRow.name,
    DocumentRow.title,
    DocumentRow.published,
    DocumentRow.event_date,
    DocumentRow.script,
    DocumentRow.source_site,
    DocumentRow.year,
    DocumentRow.place,
    DocumentRow.meeting_kind,
)


def row_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "title": row.title or row.name,
        "published": row.published,
        "event_date": row.event_date,
        "date": row.event_date or row.published,
        "script": row.script,
        "source": row.source_site,
        "year": row.year,
        "place": row.place,
        "kind": row.meeting_kind,
    }


def ordered(stmt: S, sort: str) -> S:
    columns = SORTS[sort.lstrip("-")]
    if sort.startswith("-"):
        return stmt.order_by(*(c.desc() for c in columns))
    return stmt.order_by(*columns)


def where(stmt: S, clauses: list[ColumnElement[bool]]) -> S:
    return stmt.where(and_(*clauses)) if clauses else stmt


def _top(counts: dict[Any, int]) -> list[tuple[Any, int]]:
    """The most frequent values first, ties in code-point order (the same on both backends,
    whatever the database's collation)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:FACET_VALUES]


def facet_counts(conn: Any, clauses: list[ColumnElement[bool]]) -> dict[str, list[tuple[Any, int]]]:
    """For each facet, its most frequent values among the documents ``clauses`` select: one
    GROUP BY per facet (each column has its index)."""
    out: dict[str, list[tuple[Any, int]]] = {}
    for name, column in FACETS.items():
        stmt = where(select(column, func.count()).where(column.is_not(None)), clauses).group_by(column)
        out[name] = _top({value: int(n) for value, n in conn.execute(stmt)})
    return out


def count_with_facets(
    conn: Any, clauses: list[ColumnElement[bool]]
) -> tuple[int, dict[str, list[tuple[Any, int]]]]:
    """The total and the facets of a search's matches in one pass over their facet columns
    (cheaper than a count and a GROUP BY per facet over a list of ids)."""
    rows = conn.execute(where(select(*FACETS.values()), clauses)).all()
    counts: dict[str, dict[Any, int]] = {name: {} for name in FACETS}
    for row in rows:
        for name, value in zip(FACETS, row, strict=True):
            if value is not None:
                counts[name][value] = counts[name].get(value, 0) + 1
    return len(rows), {name: _top(c) for name, c in counts.items()}
