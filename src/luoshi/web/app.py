"""The FastAPI application: ``create_app(db)`` wires the services; ``luoshi serve`` runs it."""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException as StarletteHTTPException

from luoshi.accounts.service import IDLE_HOURS, Accounts, User
from luoshi.errors import LuoshiError
from luoshi.messages import message, message_in
from luoshi.store import open_store
from luoshi.store.cache import VersionedCache
from luoshi.store.errors import StoreError
from luoshi.web import api, browse, citations, follow, pages, people, tasks
from luoshi.web.deps import LoginRequired, api_user, language, page_user, remove_orphaned_folders
from luoshi.web.i18n import RequestLanguage
from luoshi.web.security import HEADERS, LoginThrottle, SecurityHeaders

HERE = Path(__file__).parent
HASHING_AT_ONCE = 4  # concurrent argon2 hashes (each takes tens of MB for a fraction of a second)
_CJK = re.compile(r"[\u3400-\u9fff]")


def marked(snippet: str) -> Markup:
    """A search snippet with its 【matches】 as <mark>, everything else escaped."""
    return escape(snippet).replace("【", Markup("<mark>")).replace("】", Markup("</mark>"))


def audit_changes(after: Mapping[str, Any] | None, t: Callable[..., str], width: int = 240) -> str:
    """An audit entry's values as the task page lists them: 字段：值；… in the page's language."""
    shown = []
    for key, value in (after or {}).items():
        if value is None or value == "" or value == []:
            text = "—"
        elif key == "state":
            text = t(f"state.{value}")
        elif isinstance(value, list | dict):
            text = json.dumps(value, ensure_ascii=False)
        else:
            text = str(value)
        shown.append(f"{t('field.' + key)}：{text}")
    joined = "；".join(shown)
    return joined if len(joined) <= width else joined[: width - 1] + "…"


def _idle_hours() -> float:
    """``$LUOSHI_SESSION_IDLE_HOURS`` (a number of hours), else 8."""
    try:
        return float(os.environ.get("LUOSHI_SESSION_IDLE_HOURS", "") or IDLE_HOURS)
    except ValueError:
        return IDLE_HOURS


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api") and "text/html" in request.headers.get("accept", "")


def error_page(
    request: Request, status: int, detail: Any, headers: Mapping[str, str] | None = None
) -> Response:
    """JSON for the API and other clients; for browsers a page from the (escaping) template, in
    the user's language: the reason is shown when it is written in that language."""
    if not wants_html(request):
        return JSONResponse({"detail": detail}, status_code=status, headers=headers)
    lang = language(request)
    text = detail if isinstance(detail, str) else ""
    shown = text if text and (lang == "en") != bool(_CJK.search(text)) else ""
    response = pages.render(request, "error.html", None, status=status, detail=shown)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def create_app(db: str | None = None, idle_hours: float | None = None) -> FastAPI:
    app = FastAPI(
        title="luoshi",
        version="0.1.0",
        description="Meeting readouts → implementation ledger (台账).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.store = open_store(db)
    remove_orphaned_folders()  # left by a server killed in the middle of a request
    app.state.accounts = Accounts(app.state.store, idle_hours if idle_hours is not None else _idle_hours())
    app.state.throttle = LoginThrottle()
    app.state.hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)
    app.state.dashboard_cache = VersionedCache(16)
    app.state.ledger_cache = VersionedCache(128)  # pages of /ledger, per data version
    # 督查通报 figures (shared by the dashboard, /report and its downloads), the office's 催办
    # lists and units' homes: computed once per data version, however many clients ask
    app.state.report_cache = VersionedCache(32)
    app.state.office_cache = VersionedCache(64)
    app.state.document_cache = VersionedCache(512)  # documents' pages (``pages.DocumentParts``)
    app.state.task_cache = VersionedCache(512)  # tasks' pages (``tasks.TaskParts``), per data version
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.filters["marked"] = marked
    app.state.templates.env.filters["changes"] = audit_changes
    app.state.templates.env.globals["msg"] = (
        message  # a catalogue sentence with parameters, in the request's language
    )
    app.state.templates.env.auto_reload = False  # templates ship with the package; no mtime checks
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(tasks.router)
    app.include_router(citations.router)
    app.include_router(follow.router)
    app.include_router(browse.router)
    app.include_router(pages.router)
    people.install(app)
    app.add_middleware(RequestLanguage)
    app.add_middleware(SecurityHeaders)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi(user: User = Depends(api_user)) -> dict[str, Any]:
        return app.openapi()

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request, user: User = Depends(page_user)) -> HTMLResponse:
        """The API's endpoints, from the OpenAPI schema, on a luoshi page (no CDN, no scripts)."""
        # (method, path, the operation's name: its description is "api.<name>" in the catalogue)
        endpoints = [
            (method.upper(), path, op.get("summary", "").lower().replace(" ", "_"))
            for path, ops in app.openapi()["paths"].items()
            if path.startswith("/api/")
            for method, op in ops.items()
        ]
        return pages.render(request, "docs.html", user, endpoints=endpoints)

    @app.exception_handler(LoginRequired)
    def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(StoreError)
    def _store(request: Request, exc: StoreError) -> Response:
        """The store cannot be used now (locked past every wait, damaged…): 503 with the reason."""
        detail = message_in(language(request), exc.key, exc.params)
        return error_page(request, 503, detail, {"Retry-After": "5"})

    @app.exception_handler(LuoshiError)
    def _refused(request: Request, exc: LuoshiError) -> Response:
        """An error a route did not answer itself (bad input, a ledger rule): 400 with its reason,
        never a 500 for what the user can correct."""
        return error_page(request, 400, str(exc))

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return error_page(request, exc.status_code, exc.detail, exc.headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        if not wants_html(request):
            return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
        return error_page(request, 422, "")

    @app.exception_handler(Exception)
    def _crash(request: Request, _exc: Exception) -> Response:
        """Answered by the outermost middleware, so the security headers are added here."""
        response = error_page(request, 500, "internal error" if not wants_html(request) else "")
        for name, value in HEADERS:
            response.headers[name.decode()] = value.decode()
        response.headers["cache-control"] = "no-store"
        return response

    return app
