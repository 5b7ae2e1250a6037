"""Browsing, as Datasette browses a table: /documents (search combined with filters, the total,
pages, sortable columns, facets with counts), the same listing as JSON under /api, and every
listing exported as CSV or JSON (documents and search results, the ledger's tasks)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, Response

from luoshi.accounts.service import User
from luoshi.ledger.service import Ledger, TaskView
from luoshi.ledger.status import LABELS_ZH
from luoshi.messages import message, message_in
from luoshi.store.listing import FACETS, MAX_PAGE, DocumentFilters, Listing
from luoshi.web.deps import api_user, language, ledger_for, page_user, parse_day
from luoshi.web.pages import render

router = APIRouter()
PAGE = 20  # rows on a page of /documents
EXPORT_MAX = 10_000  # rows in one export
FILTER_NAMES = ("q", "date_from", "date_to", "year", "place", "kind", "script", "source")
DOCUMENT_COLUMNS = (
    "id",
    "date",
    "year",
    "title",
    "place",
    "kind",
    "script",
    "source",
    "published",
    "event_date",
    "name",
    "snippet",
)
TASK_COLUMNS = (
    "id",
    "programme",
    "code",
    "title",
    "lead_unit",
    "co_units",
    "deadline_text",
    "deadline",
    "percent",
    "status",
    "status_label",
    "rule",
    "last_report",
    "progress",
)


def _filters(request: Request) -> DocumentFilters:
    return DocumentFilters.of({k: request.query_params.get(k) for k in FILTER_NAMES})


def _int(value: str | None, default: int, high: int) -> int:
    try:
        return max(0, min(int(value or default), high))
    except ValueError:
        raise HTTPException(422, message("web.not_a_number", value=value)) from None


def _listing(request: Request, default_limit: int, facets: bool = True) -> tuple[DocumentFilters, Listing]:
    filters = _filters(request)
    q = request.query_params
    limit = _int(q.get("limit"), default_limit, MAX_PAGE) or default_limit
    listing = request.app.state.store.browse(
        filters, q.get("sort", ""), limit, _int(q.get("offset"), 0, 10**9), facets=facets
    )
    return filters, listing


def _link(filters: DocumentFilters, sort: str, limit: int) -> Callable[..., str]:
    """``link(**changes)``: this listing's URL with some parameters changed ("" removes one)."""

    def link(path: str = "/documents", **changes: Any) -> str:
        params: dict[str, Any] = {**filters.params(), "sort": sort}
        if limit != PAGE:
            params["limit"] = limit
        params.update(changes)
        kept = {k: v for k, v in params.items() if v not in ("", None) and not (k == "offset" and not v)}
        return path + ("?" + urlencode(kept) if kept else "")

    return link


@router.get("/documents")
def documents(request: Request, user: User = Depends(page_user)) -> HTMLResponse:
    """Documents, newest first, or the hits of a search; narrowed by any filters."""
    filters, listing = _listing(request, PAGE)
    context = {
        "filters": filters,
        "listing": listing,
        "facet_names": list(FACETS),
        "page_size": listing.limit,
        "link": _link(filters, listing.sort, listing.limit),
        "searching": bool(filters.q.strip()),
        "sort_asked": request.query_params.get("sort", ""),
    }
    if request.headers.get("X-Partial"):
        return render(request, "_results.html", user, **context)
    return render(request, "documents.html", user, **context)


def _all_rows(request: Request) -> tuple[DocumentFilters, Listing, list[dict[str, Any]]]:
    """The rows of an export: the page asked for (limit/offset), else every row up to EXPORT_MAX."""
    store = request.app.state.store
    if "limit" in request.query_params:
        filters, listing = _listing(request, PAGE)
        return filters, listing, listing.rows
    filters = _filters(request)
    sort = request.query_params.get("sort", "")
    first = store.browse(filters, sort, MAX_PAGE, 0)
    rows = list(first.rows)
    while len(rows) < min(first.total, EXPORT_MAX):
        rows += store.browse(filters, sort, MAX_PAGE, len(rows), facets=False).rows
    return filters, first, rows[:EXPORT_MAX]


def _csv(rows: list[dict[str, Any]], columns: tuple[str, ...], name: str) -> Response:
    """UTF-8 with a byte-order mark, so that Excel reads the Chinese as it is."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["、".join(v) if isinstance(v, list) else v for v in (row.get(c) for c in columns)])
    return Response(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"},
    )


@router.get("/documents.{fmt}")
def documents_export(request: Request, fmt: str, user: User = Depends(page_user)) -> Response:
    """The listing /documents shows (same parameters), every row of it, as CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise HTTPException(404, message("web.no_export_format", fmt=fmt))
    filters, listing, rows = _all_rows(request)
    name = f"文件-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return _csv(rows, DOCUMENT_COLUMNS, name)
    body = {
        **listing.to_json(),
        "rows": rows,
        "offset": listing.offset if "limit" in request.query_params else 0,
        "limit": len(rows),
        "filters": filters.params(),
        "truncated": len(rows) < listing.total,
    }
    return _json(body, name)


def _json(body: Any, name: str) -> Response:
    import orjson

    return Response(
        orjson.dumps(body),
        media_type="application/json",
        headers={"Content-Disposition": f"inline; filename*=utf-8''{quote(name)}"},
    )


@router.get("/api/documents")
def api_documents(request: Request, user: User = Depends(api_user)) -> dict[str, Any]:
    """A page of documents: ``{total, offset, limit, sort, rows, facets}``. Parameters: q (a
    search), date_from, date_to, year, place, kind, script, source, sort (date, title, place,
    kind, script; "-" before it for descending; relevance with q), limit (≤ 500), offset."""
    return _listing(request, 50)[1].to_json()


@router.get("/api/search")
def api_search(request: Request, q: str, user: User = Depends(api_user)) -> dict[str, Any]:
    """Search hits ranked by relevance (or in ``sort`` order), with the same filters and the
    same answer shape as /api/documents; each row has its snippet (matches in 【】)."""
    return _listing(request, 20)[1].to_json()


# -- the ledger's tasks ---------------------------------------------------------------------------


def task_row(view: TaskView, lang: str) -> dict[str, Any]:
    row = view.to_json()
    row["status_label"] = (
        LABELS_ZH.get(view.status.status, view.status.status) if lang != "en" else view.status.status
    )
    return row


def _task_rows(ledger: Ledger, request: Request, lang: str) -> Iterator[dict[str, Any]]:
    q = request.query_params
    page = ledger.task_page(
        parse_day(q.get("as_of")),
        q.get("programme") or None,
        unit=q.get("unit") or None,
        status=q.get("status") or None,
        limit=EXPORT_MAX,
    )
    return (task_row(v, lang) for v in page.views)


@router.get("/ledger.{fmt}")
def ledger_export(request: Request, fmt: str, user: User = Depends(page_user)) -> Response:
    """The ledger's tasks as the ledger page filters them (as_of, programme, unit, status), as
    CSV or JSON."""
    if fmt not in ("csv", "json"):
        raise HTTPException(404, message("web.no_export_format", fmt=fmt))
    lang = language(request)
    rows = list(_task_rows(ledger_for(request, user), request, lang))
    name = f"{message_in(lang, 'ledger')}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return _csv(rows, TASK_COLUMNS, name)
    return _json({"total": len(rows), "rows": rows}, name)
