"""The JSON API (/api). Thin routes over the store, ledger and account services."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, HTTPException, Request, Response, UploadFile
from pydantic import BaseModel

from luoshi.accounts.service import User
from luoshi.errors import AccountError
from luoshi.ingest.filenames import upload_name
from luoshi.ledger.excel import SheetImportError, export_sheet, import_sheet
from luoshi.ledger.service import LedgerError
from luoshi.messages import message
from luoshi.store import stories
from luoshi.web.deps import (
    api_change,
    api_user,
    ingest_uploads,
    language,
    ledger_for,
    ledger_report,
    may_read_report,
    parse_day,
    request_folder,
    supervisor,
)
from luoshi.web.schemas import DocumentOut, Done, ImportOut, ReportOut, Session, TaskOut, UploadOut
from luoshi.web.security import CSRF_HEADER, SESSION_COOKIE, check_csrf, client_address, current

router = APIRouter(prefix="/api")

# Who may call a route, as the routes ask for it.
ApiUser = Annotated[User, Depends(api_user)]  # anyone logged in
Changer = Annotated[User, Depends(api_change)]  # a change: not a viewer, with the CSRF token
Supervisor = Annotated[User, Depends(supervisor)]  # a change by the office (supervisor or admin)


class LoginIn(BaseModel):
    name: str
    password: str


def login_response(request: Request, response: Response, name: str, password: str) -> User:
    """Shared by the API and the login form: throttled (except for someone already logged in as
    ``name``, in another tab), at most a few passwords hashed at once, then a session cookie."""
    throttle = request.app.state.throttle
    address = client_address(request)
    known = current(request)
    if not (known and known[0].name == name) and throttle.blocked(address, name):
        raise HTTPException(
            429,
            message("web.too_many_logins"),
            headers={"Retry-After": str(max(1, round(throttle.wait(address, name))))},
        )
    with request.app.state.hashing:
        user: User | None = request.app.state.accounts.authenticate(name, password)
    if user is None:
        throttle.failed(address, name)
        raise HTTPException(401, message("login.wrong"))
    throttle.succeeded(address, name)
    token, csrf = request.app.state.accounts.open_session(user)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    request.state.csrf = csrf
    return user


def _session(request: Request, user: User) -> Session:
    return Session(name=user.name, role=user.role, unit=user.unit, csrf=request.state.csrf)


@router.post("/login")
def login(body: LoginIn, request: Request, response: Response) -> Session:
    return _session(request, login_response(request, response, body.name, body.password))


@router.post("/logout")
def logout(request: Request, response: Response, user: Changer) -> Done:
    request.app.state.accounts.close_session(request.cookies.get(SESSION_COOKIE, ""))
    response.delete_cookie(SESSION_COOKIE)
    return Done(status="logged out")


class PasswordIn(BaseModel):
    old: str
    new: str


@router.post("/password")
def change_password(body: PasswordIn, request: Request, user: ApiUser) -> Done:
    """A user's own new password (any role); the user's other sessions end, this one stays."""
    check_csrf(request.state.csrf, request.headers.get(CSRF_HEADER))
    accounts = request.app.state.accounts
    with request.app.state.hashing:
        if accounts.authenticate(user.name, body.old) is None:
            raise HTTPException(403, message("web.wrong_password"))
    try:
        accounts.set_password(user.name, body.new, keep_session=request.cookies.get(SESSION_COOKIE))
    except AccountError as e:
        raise HTTPException(422, str(e)) from e
    return Done(status="changed")


@router.get("/me")
def me(request: Request, user: ApiUser) -> Session:
    return _session(request, user)


# /api/search and /api/documents (the listing) are in luoshi.web.browse.


@router.get("/documents/{doc_id}")
def document(request: Request, doc_id: int, user: ApiUser) -> DocumentOut:
    store = request.app.state.store
    doc = store.load_document(doc_id)
    if doc is None:
        raise HTTPException(404, message("ledger.no_document", id=doc_id))
    with store.engine.connect() as conn:
        story = stories.stories_of(conn, [doc_id]).get(doc_id)
    return DocumentOut.model_validate(
        {
            "id": doc_id,
            "name": doc.id,
            "title": doc.title,
            "published": doc.published,
            "script": doc.script,
            "text": doc.text,
            "facts": store.document_facts(doc_id),
            "story": story.to_json() if story else None,
        }
    )


@router.post("/documents")
def upload(request: Request, files: Annotated[list[UploadFile], File()], user: Supervisor) -> UploadOut:
    return UploadOut.model_validate(ingest_uploads(request.app.state.store, files, language(request)))


@router.get("/tasks")
def tasks(
    request: Request,
    user: ApiUser,
    as_of: str | None = None,
    programme: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    drafts: bool = False,
) -> list[TaskOut]:
    views = ledger_for(request, user).tasks(parse_day(as_of), programme, include_drafts=drafts)
    return [
        TaskOut.model_validate(v.to_json())
        for v in views
        if (not unit or v.lead_unit == unit)
        and (not status or v.status.status == status)
        and (not drafts or v.state == "draft")
    ]


@router.get("/report")
def report(
    request: Request, user: ApiUser, as_of: str | None = None, programme: str | None = None
) -> ReportOut:
    may_read_report(user)
    return ReportOut.model_validate(
        ledger_report(request, user, parse_day(as_of), programme or None).to_json()
    )


@router.get("/ledger/export.xlsx")
def export(
    request: Request, user: ApiUser, programme: str | None = None, as_of: str | None = None
) -> Response:
    views = ledger_for(request, user).tasks(parse_day(as_of), programme)
    name = f"台账-{date.today().isoformat()}.xlsx"
    with request_folder("export") as tmp:  # removed even when the export fails
        path = Path(tmp) / name
        export_sheet(views, path, programme or "台账")
        content = path.read_bytes()
    return Response(
        content,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f"attachment; filename*=utf-8''{quote(name)}"},
    )


def saved_sheet(tmp: str, file: UploadFile) -> Path:
    """The uploaded 台账 in ``tmp`` under a safe form of its name (its stem may name the programme)."""
    name = upload_name(file.filename, 0)[0] or "ledger.xlsx"
    path = Path(tmp) / name
    with path.open("xb") as out:
        shutil.copyfileobj(file.file, out, 1 << 20)
    return path


@router.post("/ledger/import")
def import_(
    request: Request,
    file: Annotated[UploadFile, File()],
    user: Supervisor,
    programme: str | None = None,
    partial: bool = False,
) -> ImportOut:
    with request_folder("import") as tmp:
        path = saved_sheet(tmp, file)
        try:
            result = import_sheet(ledger_for(request, user), path, programme, partial)
        except SheetImportError as e:
            raise HTTPException(422, {"message": str(e), "rows": [str(x) for x in e.errors]}) from e
        except LedgerError as e:
            raise HTTPException(422, str(e)) from e
    return ImportOut(
        programme=result.programme, imported=result.imported, rows=[str(x) for x in result.errors]
    )
