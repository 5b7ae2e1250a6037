"""Cited documents and replicable outcomes on the web: the index of cited titles (``/cited``),
one title's page (``/cited/{id}``: who cited it when), the citation graph drawn on the server
(``/cited/graph``, SVG without scripts) and the outcomes by zone (``/outcomes``); the same as
JSON under ``/api``. Thin over ``luoshi.services.citations``."""

from __future__ import annotations

import html
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from luoshi.accounts.service import User
from luoshi.messages import message
from luoshi.services import citations
from luoshi.web.deps import api_user, page_user
from luoshi.web.pages import render

router = APIRouter()
INDEX_PAGE = 100  # titles per page of the index
CITING_PAGE = 50  # documents citing a title, per page of the title's page
OUTCOMES_PAGE = 100


def _store(request: Request) -> Any:
    return request.app.state.store


# -- the graph, drawn ---------------------------------------------------------------------------

ROW = 22  # pixels per row of the taller column
LEFT, MIDDLE_LEFT, MIDDLE_RIGHT, WIDTH = 300, 330, 600, 980


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def graph_svg(graph: dict[str, Any]) -> str:
    """The graph as an SVG drawing: the cited titles in a column on the left, the documents
    citing them on the right (oldest at the top), a line for each citation. Every label links
    to its page; the full label is in the element's tooltip. Attributes only (no style)."""
    titles = [n for n in graph["nodes"] if n["kind"] == "cited"]
    documents = [n for n in graph["nodes"] if n["kind"] == "document"]
    rows = max(len(titles), len(documents), 1)
    height = rows * ROW + 20

    def ys(count: int) -> list[float]:
        step = (height - 20) / max(count, 1)
        return [10 + step * (i + 0.5) for i in range(count)]

    at: dict[str, float] = {}
    at.update(zip((n["id"] for n in titles), ys(len(titles)), strict=True))
    at.update(zip((n["id"] for n in documents), ys(len(documents)), strict=True))
    e = html.escape
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="graph" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img">'
    ]
    for edge in graph["edges"]:
        y1, y2 = at[edge["target"]], at[edge["source"]]
        parts.append(
            f'<path d="M{MIDDLE_LEFT},{y1:.1f} C{(MIDDLE_LEFT + MIDDLE_RIGHT) / 2:.0f},{y1:.1f} '
            f'{(MIDDLE_LEFT + MIDDLE_RIGHT) / 2:.0f},{y2:.1f} {MIDDLE_RIGHT},{y2:.1f}" fill="none" '
            f'stroke="#8b0000" stroke-opacity="0.35" stroke-width="1.2"/>'
        )
    for n in titles:
        y = at[n["id"]]
        label = f"《{n['label']}》"
        parts.append(
            f'<a href="/cited/{n["title_id"]}"><circle cx="{MIDDLE_LEFT - 8}" cy="{y:.1f}" r="5" '
            f'fill="#8b0000"/><text x="{LEFT + 10}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
            f"{e(_short(label, 20))} ({n['documents']})<title>{e(label)}</title></text></a>"
        )
    for n in documents:
        y = at[n["id"]]
        label = f"{n['date'] or '—'} {n['label']}"
        parts.append(
            f'<a href="/documents/{n["document_id"]}"><circle cx="{MIDDLE_RIGHT + 8}" cy="{y:.1f}" r="4" '
            f'fill="#1565c0"/><text x="{MIDDLE_RIGHT + 18}" y="{y + 4:.1f}" font-size="12">'
            f"{e(_short(label, 30))}<title>{e(label)}</title></text></a>"
        )
    parts.append("</svg>")
    return "".join(parts)


# -- pages --------------------------------------------------------------------------------------


@router.get("/cited")
def cited_index_page(
    request: Request,
    q: str = "",
    title: str = "",
    offset: int = Query(0, ge=0),
    user: User = Depends(page_user),
) -> Response:
    """The index of cited titles; ``title`` (as the reader links it) goes to the title's page
    when it names one."""
    store = _store(request)
    if title.strip():
        found = citations.find_titles(store, title)
        if len(found) == 1:
            return RedirectResponse(f"/cited/{found[0].id}", status_code=303)
        q = title
    index = citations.cited_index(store)
    listed = index.search(q)
    return render(
        request,
        "cited_index.html",
        user,
        q=q,
        titles=listed[offset : offset + INDEX_PAGE],
        total=len(listed),
        offset=offset,
        page=INDEX_PAGE,
    )


@router.get("/cited/graph")
def cited_graph_page(
    request: Request,
    limit: int = Query(20, ge=1, le=200),
    title: int | None = None,
    user: User = Depends(page_user),
) -> HTMLResponse:
    graph = citations.cited_graph(_store(request), limit=limit, title_id=title)
    query = f"limit={limit}" + (f"&title={title}" if title is not None else "")
    return render(
        request,
        "cited_graph.html",
        user,
        svg=graph_svg(graph),
        limit=limit,
        query=query,
        empty=not graph["nodes"],
    )


@router.get("/cited/{title_id}")
def cited_page(
    request: Request, title_id: int, offset: int = Query(0, ge=0), user: User = Depends(page_user)
) -> Response:
    store = _store(request)
    page = citations.cited_page(store, title_id, limit=CITING_PAGE, offset=offset)
    if page is None:
        own = citations.resolve_id(store, title_id)
        if own is None or own == title_id:
            raise HTTPException(404, message("web.no_cited_document", id=title_id))
        return RedirectResponse(f"/cited/{own}", status_code=303)  # a short form: its full title
    return render(request, "cited.html", user, page=page, offset=offset, size=CITING_PAGE)


@router.get("/outcomes")
def outcomes_page(
    request: Request,
    zone: str = "",
    q: str = "",
    kind: str = "",
    offset: int = Query(0, ge=0),
    user: User = Depends(page_user),
) -> HTMLResponse:
    store = _store(request)
    kind = kind if kind in citations.KINDS else ""
    total, found = citations.outcomes(store, zone, q, kind, limit=OUTCOMES_PAGE, offset=offset)
    return render(
        request,
        "outcomes.html",
        user,
        outcomes=found,
        total=total,
        zone=zone,
        q=q,
        kind=kind,
        kinds=citations.KINDS,
        zones=citations.outcome_zones(store),
        offset=offset,
        page=OUTCOMES_PAGE,
    )


# -- JSON ---------------------------------------------------------------------------------------


@router.get("/api/cited")
def cited_index_json(
    request: Request,
    q: str = "",
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    user: User = Depends(api_user),
) -> dict[str, Any]:
    """Cited titles, most cited first: id, title, short forms, work, documents, first, last."""
    listed = citations.cited_index(_store(request)).search(q)
    return {"total": len(listed), "titles": [t.to_json() for t in listed[offset : offset + limit]]}


@router.get("/api/cited/graph")
def cited_graph_json(
    request: Request,
    limit: int = Query(20, ge=1, le=200),
    title: int | None = None,
    user: User = Depends(api_user),
) -> dict[str, Any]:
    """Nodes (cited titles ``c{id}``, documents ``d{id}``) and edges (document → title)."""
    return citations.cited_graph(_store(request), limit=limit, title_id=title)


@router.get("/api/cited/{title_id}")
def cited_json(
    request: Request, title_id: int, offset: int = Query(0, ge=0), user: User = Depends(api_user)
) -> dict[str, Any]:
    """One cited title and the documents citing it, oldest first, with the citing sentences."""
    store = _store(request)
    own = citations.resolve_id(store, title_id)
    page = citations.cited_page(store, own, offset=offset) if own is not None else None
    if page is None:
        raise HTTPException(404, message("web.no_cited_document", id=title_id))
    return {**page.to_json(), "resolved_from": title_id if own != title_id else None}


@router.get("/api/outcomes")
def outcomes_json(
    request: Request,
    zone: str = "",
    q: str = "",
    kind: str = "",
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0),
    user: User = Depends(api_user),
) -> dict[str, Any]:
    """Replicable outcomes, newest first, filtered by zone, words of the title and kind."""
    store = _store(request)
    total, found = citations.outcomes(store, zone, q, kind, limit=limit, offset=offset)
    return {"total": total, "outcomes": found}
