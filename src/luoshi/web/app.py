"""The FastAPI application: ``create_app(db)`` wires the services; ``luoshi serve`` runs it."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from luoshi.accounts.service import Accounts
from luoshi.messages import message_in
from luoshi.store import open_store
from luoshi.store.cache import VersionedCache
from luoshi.store.errors import StoreError
from luoshi.web import api, pages
from luoshi.web.deps import LoginRequired, language, remove_orphaned_folders
from luoshi.web.security import LoginThrottle

HERE = Path(__file__).parent


def marked(snippet: str) -> Markup:
    """A search snippet with its 【matches】 as <mark>, everything else escaped."""
    return escape(snippet).replace("【", Markup("<mark>")).replace("】", Markup("</mark>"))


def create_app(db: str | None = None) -> FastAPI:
    app = FastAPI(
        title="luoshi", version="0.1.0", description="Meeting readouts → implementation ledger (台账)."
    )
    app.state.store = open_store(db)
    remove_orphaned_folders()  # left by a server killed in the middle of a request
    app.state.accounts = Accounts(app.state.store)
    app.state.throttle = LoginThrottle()
    app.state.dashboard_cache = VersionedCache(16)
    app.state.templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.state.templates.env.filters["marked"] = marked
    app.state.templates.env.auto_reload = False  # templates ship with the package; no mtime checks
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)

    @app.exception_handler(LoginRequired)
    def _login(request: Request, _exc: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)

    @app.exception_handler(StoreError)
    def _store(request: Request, exc: StoreError) -> Response:
        """The store cannot be used now (locked past every wait, damaged…): 503 with the reason."""
        detail = message_in(language(request), exc.key, exc.params)
        return _http(request, HTTPException(503, detail, headers={"Retry-After": "5"}))

    @app.exception_handler(HTTPException)
    def _http(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api") or "text/html" not in request.headers.get("accept", ""):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        body = f"<!DOCTYPE html><meta charset=utf-8><title>{exc.status_code}</title><p>{exc.status_code}: {exc.detail}</p><p><a href='/'>←</a></p>"
        return HTMLResponse(body, status_code=exc.status_code)

    return app
