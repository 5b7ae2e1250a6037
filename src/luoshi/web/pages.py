"""Server-rendered pages (Jinja2). Forms carry the session's CSRF token; changes go through the
same services and permission checks as the API."""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from luoshi.accounts.service import User
from luoshi.ledger.excel import SheetImportError, import_sheet
from luoshi.ledger.report import bar_svg
from luoshi.ledger.service import LedgerError
from luoshi.ledger.status import COLOURS, HEX, STATUSES, status_labels
from luoshi.messages import MESSAGES, message, message_in
from luoshi.services import citations
from luoshi.services.follow import DocumentFollow
from luoshi.store import stories
from luoshi.store.cache import VersionedCache
from luoshi.web.api import login_response, saved_sheet
from luoshi.web.deps import (
    ingest_uploads,
    language,
    ledger_for,
    ledger_report,
    page_user,
    parse_day,
    request_folder,
)
from luoshi.web.follow import document_follow
from luoshi.web.i18n import ERROR_KEYS, translator
from luoshi.web.security import SESSION_COOKIE, check_csrf, same_site

router = APIRouter()
PRESET_DEFAULT = "supervision-office"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LOGIN_CSRF = "luoshi_login_csrf"


def render(request: Request, name: str, user: User | None, **context: Any) -> HTMLResponse:
    lang = request.cookies.get("lang", "zh")
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        name,
        {
            "user": user,
            "t": translator(lang),
            "lang": lang,
            "csrf": getattr(request.state, "csrf", ""),
            "labels": status_labels("en" if lang == "en" else "zh"),
            "colours": COLOURS,
            "statuses": STATUSES,
            "error_keys": ERROR_KEYS,
            "messages": MESSAGES,
            **context,
        },
    )


def _form_csrf(request: Request, token: str) -> None:
    check_csrf(request.state.csrf, token)


@router.get("/login")
def login_page(request: Request, next: str = "/", error: str | None = None) -> HTMLResponse:
    # One token per browser, not per page: logging in from a second tab keeps the first one's valid.
    token = request.cookies.get(LOGIN_CSRF) or secrets.token_urlsafe(16)
    response = render(request, "login.html", None, next=same_site(next, None), error=error, login_csrf=token)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict")
    return response


@router.post("/login")
def login_form(
    request: Request,
    name: str = Form(...),
    password: str = Form(...),
    csrf_token: str = Form(""),
    next: str = Form("/"),
) -> Response:
    check_csrf(request.cookies.get(LOGIN_CSRF, "-"), csrf_token)
    target = same_site(next, None)
    response = RedirectResponse(target, status_code=303)
    try:
        login_response(request, response, name, password)
    except HTTPException as e:
        return RedirectResponse(
            f"/login?{urlencode({'error': e.status_code, 'next': target})}", status_code=303
        )
    return response


@router.post("/logout")
def logout_form(request: Request, csrf_token: str = Form(""), user: User = Depends(page_user)) -> Response:
    _form_csrf(request, csrf_token)
    request.app.state.accounts.close_session(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/lang/{code}")
def set_language(code: str, request: Request) -> Response:
    """Switch the language and go back to the page the link was on, if it is on this site."""
    response = RedirectResponse(same_site(request.headers.get("referer"), request.headers.get("host")), 303)
    response.set_cookie("lang", "en" if code == "en" else "zh", samesite="lax")
    return response


@router.get("/")
def dashboard(
    request: Request,
    as_of: str | None = None,
    everything: int = Query(0, alias="all"),
    user: User = Depends(page_user),
) -> Response:
    if user.role == "unit" and not everything:
        return RedirectResponse("/my", status_code=303)  # a unit member's home: its own tasks
    day = parse_day(as_of)
    store = request.app.state.store

    def compute() -> tuple[Any, str, list[dict[str, Any]]]:
        report = ledger_report(request, user, day)  # the report page's figures, computed once
        return report, bar_svg(report), store.list_documents(limit=8)

    # The same figures for everyone until a document or anything in the ledger changes.
    report, chart, recent = request.app.state.dashboard_cache.get(
        (day, language(request)), store.data_version(), compute
    )
    return render(request, "dashboard.html", user, report=report, as_of=day, chart=chart, recent=recent)


# /documents (search, filters, facets, exports) is in luoshi.web.browse.


def _anchor(kind: str, start: int, end: int) -> str:
    """A directive's sentence can be linked to (``#span-START-END``: tasks link back to it)."""
    return f' id="span-{start}-{end}"' if kind == "directive" else ""


def highlighted(text: str, facts: dict[str, Any] | None, cited_ids: Mapping[str, int] | None = None) -> str:
    """The document text with every fact with a span wrapped in a link or a mark; a cited title
    links to its page (``cited_ids``: ``citations.title_ids``), else to the title's route."""
    marks: list[tuple[int, int, str, str]] = []
    spans = (facts or {}).get("spans", {})
    cited_ids = cited_ids or {}
    for name, start, end in spans.get("persons", []):
        marks.append((start, end, "person", f"/people/{html.escape(name)}"))
    for _name, _post, start, end in spans.get("roles", []):
        marks.append((start, end, "post", ""))
    for title, start, end in spans.get("documents", []):
        own = cited_ids.get(title)
        marks.append(
            (
                start,
                end,
                "cited",
                f"/cited/{own}" if own is not None else f"/cited?title={html.escape(title)}",
            )
        )
    for _count, _what, start, end in spans.get("task_batches", []):
        marks.append((start, end, "batch", ""))
    for d in (facts or {}).get("directives", []):
        marks.append((d["span"][0], d["span"][1], "directive", ""))
    marks.sort(key=lambda m: (m[0], -m[1]))
    out, cursor = [], 0
    for start, end, kind, href in marks:
        if start < cursor:
            continue  # overlapping facts: the first (longest) wins the highlight
        out.append(html.escape(text[cursor:start]))
        inner = html.escape(text[start:end])
        out.append(
            f'<a class="fact {kind}" href="{href}">{inner}</a>'
            if href
            else f'<mark class="fact {kind}"{_anchor(kind, start, end)}>{inner}</mark>'
        )
        cursor = end
    out.append(html.escape(text[cursor:]))
    return "".join(out).replace("\n", "<br>")


@dataclass(frozen=True)
class DocumentParts:
    """What a document's page shows whoever reads it: kept per version of the data (a new
    document, any change of the ledger) and of the cited-document index, shared by every
    request, never changed."""

    doc: Any
    facts: dict[str, Any]
    body: str  # the text with its facts highlighted
    copies: list[dict[str, Any]]  # the other copies of its story (reprints)
    follow: DocumentFollow | None
    tasks: list[dict[str, Any]]  # proposed from its directives
    cited_ids: dict[str, int]  # a cited title as written → the id of its page


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: int, user: User = Depends(page_user)) -> HTMLResponse:
    store = request.app.state.store

    def compute() -> DocumentParts:
        doc = store.load_document(doc_id)
        if doc is None:
            raise HTTPException(404, message("ledger.no_document", id=doc_id))
        facts = store.document_facts(doc_id) or {}
        with store.engine.connect() as conn:
            story = stories.stories_of(conn, [doc_id]).get(doc_id)
        copies = [d for d in story.documents if d["id"] != doc_id] if story else []
        titles = [t for t, _, _ in facts.get("spans", {}).get("documents", [])] + list(
            facts.get("documents", [])
        )
        cited_ids = citations.title_ids(store, titles)
        return DocumentParts(
            doc,
            facts,
            highlighted(doc.text, facts, cited_ids),
            copies,
            document_follow(request, doc_id),
            ledger_for(request, user).document_tasks(doc_id),
            cited_ids,
        )

    cache: VersionedCache[DocumentParts] = request.app.state.document_cache
    parts = cache.get(doc_id, (store.data_version(), citations.index_version(store)), compute)
    return render(
        request,
        "document.html",
        user,
        doc=parts.doc,
        doc_id=doc_id,
        facts=parts.facts,
        body=parts.body,
        copies=parts.copies,
        follow=parts.follow,
        doc_tasks=parts.tasks,
        cited_ids=parts.cited_ids,
    )


def _gantt(views: list[Any], as_of: date) -> str:
    dated = [v for v in views if v.deadline]
    if not dated:
        return ""
    start = min(date.fromisoformat(v.deadline) for v in dated) - timedelta(days=180)
    end = max(date.fromisoformat(v.deadline) for v in dated) + timedelta(days=10)
    span = max((end - start).days, 1)
    width, row, label = 700, 20, 220
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label + width + 10}" height="{len(dated) * row + 30}">'
    ]
    x_now = label + (as_of - start).days / span * width
    for i, v in enumerate(dated):
        y = i * row + 5
        begin = max(start, date(date.fromisoformat(v.deadline).year, 1, 1))
        x0 = label + (begin - start).days / span * width
        x1 = label + (date.fromisoformat(v.deadline) - start).days / span * width
        colour = HEX[v.status.colour]
        parts.append(
            f'<text x="{label - 4}" y="{y + 13}" font-size="12" text-anchor="end">{html.escape(v.code)} '
            f'{html.escape(v.title[:12])}</text><rect x="{x0:.0f}" y="{y}" width="{max(x1 - x0, 2):.0f}" '
            f'height="{row - 6}" fill="{colour}"><title>{html.escape(v.title)} → {v.deadline}</title></rect>'
        )
    parts.append(
        f'<line x1="{x_now:.0f}" x2="{x_now:.0f}" y1="0" y2="{len(dated) * row + 10}" stroke="#000" '
        f'stroke-dasharray="4"/><text x="{x_now:.0f}" y="{len(dated) * row + 25}" font-size="11">{as_of}</text></svg>'
    )
    return "".join(parts)


LEDGER_PAGE = 50  # tasks on a page of /ledger


@router.get("/ledger")
def ledger_page(
    request: Request,
    unit: str = "",
    status: str = "",
    programme: str = "",
    as_of: str | None = None,
    message: str = "",
    offset: int = 0,
    user: User = Depends(page_user),
) -> HTMLResponse:
    """A page of tasks (statuses computed for the page's rows), filtered by unit and status."""
    day = parse_day(as_of)
    ledger = ledger_for(request, user)
    offset = max(0, offset)

    def compute() -> tuple[Any, list[Any], list[str]]:
        page = ledger.task_page(day, programme or None, unit or None, status or None, LEDGER_PAGE, offset)
        return page, ledger.drafts(day), ledger.lead_units(programme or None)

    # the same page for everyone until anything in the ledger (or a document) changes
    page, drafts, units = request.app.state.ledger_cache.get(
        (day, programme, unit, status, offset), request.app.state.store.data_version(), compute
    )
    drafts = drafts if user.can_supervise else []
    decided = re.fullmatch(r"(accept|reject)ed (\d+)", message)  # after a decision on a proposal
    if decided:
        message = message_in(language(request), f"cli.{decided[1]}ed", {"ref": decided[2]})
    query = {
        k: v for k, v in {"unit": unit, "status": status, "programme": programme, "as_of": as_of}.items() if v
    }
    return render(
        request,
        "ledger.html",
        user,
        views=page.views,
        total=page.total,
        offset=offset,
        limit=LEDGER_PAGE,
        query=urlencode(query),
        drafts=drafts,
        units=units,
        unit=unit,
        status=status,
        programme=programme,
        as_of=day,
        gantt=_gantt(page.views, day),
        message=message,
    )


@router.post("/ledger/import")
def ledger_import(
    request: Request,
    file: UploadFile = File(...),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> HTMLResponse:
    _form_csrf(request, csrf_token)
    if not user.can_supervise:
        raise HTTPException(403, message("web.import_supervisors_only"))
    with request_folder("import") as tmp:
        path = saved_sheet(tmp, file)
        try:
            result = import_sheet(ledger_for(request, user), path)
            added = sum(1 for c in result.changes if c["action"] == "added")
            said = message(
                "import.done",
                count=len(result.imported),
                programme="、".join(result.programmes or [result.programme]),
                added=added,
                updated=sum(1 for c in result.changes if c["action"] == "updated"),
            )
            rows = [str(x) for x in (*result.warnings, *result.errors)]
        except SheetImportError as e:
            rows, said = [str(x) for x in e.errors], str(e)
        except LedgerError as e:
            rows, said = [], str(e)
    return render(request, "imported.html", user, message=said, rows=rows)


@router.get("/upload")
def upload_page(request: Request, user: User = Depends(page_user)) -> HTMLResponse:
    return render(request, "upload.html", user, result=None)


@router.post("/upload")
def upload(
    request: Request,
    files: list[UploadFile] = File(...),
    csrf_token: str = Form(""),
    user: User = Depends(page_user),
) -> HTMLResponse:
    _form_csrf(request, csrf_token)
    if not user.can_supervise:
        raise HTTPException(403, message("web.upload_supervisors_only"))
    result = ingest_uploads(request.app.state.store, files, language(request))
    return render(request, "upload.html", user, result=result)
